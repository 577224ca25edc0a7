import { createHash } from 'node:crypto';
import { batchDestination, destinationOfKind } from '../layouts/check-batch.js';
import {
  type BatchContent,
  type DeliveryAck,
  eventCount,
  eventTexts,
  isSinkError,
  type PreparedBatch,
  type Sink,
  SinkError,
} from '../sink.js';
import { LogstoreSetup } from './logstore-setup.js';
import { getProject, putLogs } from './sls-api.js';
import { SlsClient, type SlsCredentials } from './sls-client.js';
import { compress, type SlsCompression } from './sls-compression.js';
import {
  encodeEvents,
  encodePackedEvents,
  eventTimes,
  SLS_MAX_LOGS,
  SLS_MAX_RAW_BYTES,
} from './sls-log-group.js';

export type SlsLogTime = 'event' | 'delivery';

export interface SlsSinkOptions extends SlsCredentials {
  /** Any http(s) URL; unset, `https://<ARN region>.log.aliyuncs.com`. */
  endpoint?: string | undefined;
  compression: SlsCompression;
  /** Log.Time: the event's eventTime (default), or the delivery time for projects whose TTL rejects old logs. */
  logTime: SlsLogTime;
  /** TTL of the logstores opentrail creates. */
  logstoreTtlDays: number;
  shardCount?: number;
  timeoutMs?: number;
  /** Connections per endpoint, so PutLogs requests in flight. */
  maxSockets?: number;
  now?: () => number;
}

/** Project and logstore go into a Host label and a path: keep them to SLS's name characters. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

export function defaultSlsEndpoint(region: string): string {
  return `https://${region}.log.aliyuncs.com`;
}

/**
 * The SLS sink: each batch is one PutLogs request (decisions §6). `prepare` is deterministic —
 * the body is the compressed LogGroup with each log at its eventTime, the name
 * `<project>/<logstore>/<region>/<md5 hex of the body>` (so the name's MD5 is the request's
 * Content-MD5). With `logTime: 'delivery'` the body and name are still those of the event-time
 * encoding; `deliver` re-encodes with the delivery time just before sending.
 */
export function createSlsSink(options: SlsSinkOptions): Sink & { close(): Promise<void> } {
  const now = options.now ?? Date.now;
  const clients = new Map<string, SlsClient>();
  const rawSizes = new WeakMap<Buffer, number>();
  const setup = new LogstoreSetup({
    ttlDays: options.logstoreTtlDays,
    shardCount: options.shardCount ?? 2,
  });

  function clientFor(region: string): SlsClient {
    const endpoint = options.endpoint ?? defaultSlsEndpoint(region);
    let client = clients.get(endpoint);
    if (!client) {
      client = new SlsClient({
        endpoint,
        accessKeyId: options.accessKeyId,
        accessKeySecret: options.accessKeySecret,
        securityToken: options.securityToken,
        ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
        ...(options.maxSockets !== undefined ? { maxSockets: options.maxSockets } : {}),
        now,
      });
      clients.set(endpoint, client);
    }
    return client;
  }

  /** The batch's destination; a prepared batch (`prepared`) may no longer hold its texts. */
  function destinationOf(content: BatchContent, prepared = false) {
    const destination = prepared
      ? destinationOfKind(content, 'sls')
      : batchDestination(content, 'sls');
    for (const name of [destination.project, destination.logstore]) {
      if (!NAME.test(name)) {
        throw new SinkError(`invalid SLS project or logstore name: ${JSON.stringify(name)}`, {
          code: 'InvalidPath',
          retryable: false,
        });
      }
    }
    return destination;
  }

  return {
    kind: 'sls',

    async prepare(given: BatchContent): Promise<PreparedBatch> {
      const destination = destinationOf(given);
      const count = eventCount(given);
      if (count > SLS_MAX_LOGS) {
        throw new SinkError(`${count} logs exceed PutLogs' ${SLS_MAX_LOGS}`, {
          code: 'PostBodyTooLarge',
          retryable: false,
        });
      }
      // The events as the scan read them, with their times from the store, are encoded where
      // they lie and not kept: only deliver() with logTime 'delivery' encodes again, from texts
      // ([G] round 7: a string and a protobufjs object per event made this sink's job ~430 MB).
      const { packed, eventTimes: timesMs } = given;
      const inPlace =
        packed !== undefined && timesMs?.length === count && options.logTime === 'event';
      const events = inPlace ? [] : eventTexts(given);
      let raw: Buffer;
      if (inPlace) {
        raw = encodePackedEvents(packed, (i) => Math.floor((timesMs[i] as number) / 1000));
      } else {
        const times = eventTimes(events, timesMs);
        raw = encodeEvents(events, (i) => times[i] as number);
      }
      const content: BatchContent = { ...given, events, packed: undefined };
      if (raw.length > SLS_MAX_RAW_BYTES) {
        throw new SinkError(`${raw.length} raw bytes exceed PutLogs' ${SLS_MAX_RAW_BYTES}`, {
          code: 'PostBodyTooLarge',
          retryable: false,
        });
      }
      const body = compress(raw, options.compression);
      rawSizes.set(body, raw.length);
      const md5 = createHash('md5').update(body).digest('hex');
      const objectName = [destination.project, destination.logstore, content.region, md5].join('/');
      return { content, objectName, body, count };
    },

    async deliver(batch: PreparedBatch, signal?: AbortSignal): Promise<DeliveryAck> {
      const destination = destinationOf(batch.content, true);
      const client = clientFor(destination.region);
      await setup.ensure(client, destination.project, destination.logstore);
      let body = batch.body;
      let rawSize = rawSizes.get(body);
      if (rawSize === undefined && batch.content.events.length !== batch.count) {
        // Not prepared by this sink (it keeps the raw size of every body it prepares), and its
        // texts were not kept: a retry prepares it again.
        throw new SinkError('the batch must be prepared again', {
          code: 'BatchNotPrepared',
          retryable: true,
        });
      }
      if (options.logTime === 'delivery' || rawSize === undefined) {
        const times =
          options.logTime === 'delivery'
            ? undefined
            : eventTimes(batch.content.events, batch.content.eventTimes);
        const at = Math.floor(now() / 1000);
        const raw = encodeEvents(batch.content.events, (i) => (times ? (times[i] as number) : at));
        body = compress(raw, options.compression);
        rawSize = raw.length;
      }
      try {
        await putLogs(
          client,
          destination.project,
          destination.logstore,
          { body, rawSize, compression: options.compression },
          signal,
        );
      } catch (e) {
        // Deleted behind our back after we set it up: the next attempt creates it again, so
        // this one 404 is worth a retry (a project that is missing still fails at once).
        if (isSinkError(e) && e.details.code === 'LogStoreNotExist') {
          setup.forget(client, destination.project, destination.logstore);
          throw new SinkError(e.message, { ...e.details, retryable: true, cause: e });
        }
        throw e;
      }
      return { objectName: batch.objectName, bytes: body.length, count: batch.count };
    },

    async close(): Promise<void> {
      for (const client of clients.values()) client.close();
      clients.clear();
    },
  };
}

/**
 * `opentrail doctor`: a signed GetProject of `project` through the endpoint the sink would use,
 * proving the endpoint answers and accepts the credentials. Throws the SinkError SLS caused.
 */
export async function checkSlsProject(
  options: SlsSinkOptions,
  project: string,
  region: string,
): Promise<string> {
  const endpoint = options.endpoint ?? defaultSlsEndpoint(region);
  const client = new SlsClient({
    endpoint,
    accessKeyId: options.accessKeyId,
    accessKeySecret: options.accessKeySecret,
    securityToken: options.securityToken,
    timeoutMs: options.timeoutMs ?? 10_000,
  });
  try {
    await getProject(client, project);
    return `project ${project} (${region}) at ${endpoint}: credentials accepted`;
  } finally {
    client.close();
  }
}
