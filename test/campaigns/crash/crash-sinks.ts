import path from 'node:path';
import { readOssDelivery } from '../../helpers/delivered-files.js';
import { type DevSlsProcess, startDevSlsProcess } from '../../helpers/dev-sls-process.js';
import { storedEventIds } from '../../helpers/sls-logstore.js';

/**
 * Where a crash round delivers, and how it reads the delivered set back as a user would: the
 * file sink in the OSS layout (no duplicate admitted), or `opentrail dev sls` in its own
 * process, which opentrail cannot ask whether a request it sent before dying was stored, so
 * a kill may store again what was in flight (decisions §6).
 */
export type SinkName = 'file' | 'sls';

export interface CrashSink {
  name: SinkName;
  /** The server's environment for this sink. */
  env: Record<string, string>;
  /** CreateTrail's destination parameters for trail `name`. */
  trail(name: string, accountId: string): Record<string, string>;
  /** Every delivered eventId starting with `prefix`, repeats kept. */
  delivered(dataDir: string, trail: string, prefix: string): Promise<string[]>;
  /**
   * Sink acknowledgements and checkpoints for `count` events read in chunks of `chunk`, so
   * the seeded kill points fall inside the job: the file sink writes one object per event
   * here (each in its own 5-minute bucket), SLS one PutLogs per chunk.
   */
  points(count: number, chunk: number): { acks: number; checkpoints: number };
  /** Duplicates one kill may leave: the batches in flight (inFlight × events per batch). */
  duplicatesPerKill(inFlight: number, chunk: number): number;
  close(): Promise<void>;
}

const SLS_KEYS = { accessKeyId: 'crash-sls-ak', accessKeySecret: 'crash-sls-secret' };
const SLS_PROJECT = 'crash-audit';

export function fileSink(): CrashSink {
  const bucket = (trail: string) => `${trail}-bucket`;
  return {
    name: 'file',
    env: {},
    trail: (name) => ({ OssBucketName: bucket(name) }),
    delivered: async (dataDir, trail, prefix) =>
      readOssDelivery(path.join(dataDir, 'delivery'), bucket(trail), prefix).map((e) => e.eventId),
    points: (count, chunk) => ({ acks: count, checkpoints: count / chunk }),
    // Object names are planned before sending: a resent batch overwrites the same object.
    duplicatesPerKill: () => 0,
    close: async () => {},
  };
}

/** A fresh `opentrail dev sls` per round: each round reads only its own logstore. */
export async function slsSink(): Promise<CrashSink> {
  const sls: DevSlsProcess = await startDevSlsProcess([], SLS_KEYS);
  return {
    name: 'sls',
    env: {
      OPENTRAIL_SLS_ENDPOINT: sls.url,
      OPENTRAIL_SLS_ACCESS_KEY_ID: SLS_KEYS.accessKeyId,
      OPENTRAIL_SLS_ACCESS_KEY_SECRET: SLS_KEYS.accessKeySecret,
    },
    trail: (_name, accountId) => ({
      SlsProjectArn: `acs:log:cn-hangzhou:${accountId}:project/${SLS_PROJECT}`,
    }),
    delivered: async (_dataDir, trail, prefix) =>
      (
        await storedEventIds(sls.url, SLS_KEYS, SLS_PROJECT, `actiontrail_${trail}`, {
          missing: 'empty',
        })
      ).filter((id) => id.startsWith(prefix)),
    // SLS cuts batches at 4,096 logs: a chunk of `chunk` events is one request.
    points: (count, chunk) => ({
      acks: Math.ceil(count / chunk),
      checkpoints: Math.ceil(count / chunk),
    }),
    duplicatesPerKill: (inFlight, chunk) => inFlight * chunk,
    close: () => sls.stop(),
  };
}

export function openSink(name: SinkName): Promise<CrashSink> {
  return name === 'sls' ? slsSink() : Promise.resolve(fileSink());
}
