import type { Config } from '../config/config.js';
import { createFileSink } from './file/file.sink.js';
import { createRouterSink } from './router.sink.js';
import { createS3Sink, type S3SinkOptions } from './s3/s3.sink.js';
import type { Sink } from './sink.js';
import { createSlsSink, type SlsSinkOptions } from './sls/sls.sink.js';

export interface CreateSinkOptions {
  /** The file sink's delivery root (default `<data dir>/delivery`). */
  root: string;
  /** Set when SLS credentials are configured: SLS destinations then go to Log Service. */
  sls?: SlsSinkOptions | undefined;
  /** Set when an OSS endpoint and key pair are configured: OSS destinations then go there. */
  oss?: S3SinkOptions | undefined;
}

/**
 * The one place that picks a sink implementation; the delivery engine only sees `Sink`.
 * decisions §6: SLS destinations get the real SLS sink when SLS credentials are configured, OSS
 * destinations the S3 sink when its endpoint and credentials are configured, everything else
 * the file sink.
 */
export function createSink(options: CreateSinkOptions): Sink {
  const file = createFileSink({ root: options.root });
  if (!options.sls && !options.oss) return file;
  return createRouterSink({
    fallback: file,
    byDestination: {
      ...(options.sls ? { sls: createSlsSink(options.sls) } : {}),
      ...(options.oss ? { oss: createS3Sink(options.oss) } : {}),
    },
  });
}

/** S3 sink options from `delivery.oss`, or undefined unless endpoint and key pair are set. */
export function ossSinkOptions(config: Config): S3SinkOptions | undefined {
  const oss = config.delivery.oss;
  if (!oss.endpoint || !oss.accessKeyId || !oss.accessKeySecret) return undefined;
  return {
    endpoint: oss.endpoint,
    region: oss.region,
    accessKeyId: oss.accessKeyId,
    accessKeySecret: oss.accessKeySecret,
    forcePathStyle: oss.forcePathStyle,
    timeoutMs: oss.requestTimeoutMs,
    maxSockets: Math.max(config.delivery.inFlight * config.delivery.workers, 1),
  };
}

/** SLS sink options from `delivery.sls`, or undefined when no key pair is configured. */
export function slsSinkOptions(config: Config): SlsSinkOptions | undefined {
  const sls = config.delivery.sls;
  if (!sls.accessKeyId || !sls.accessKeySecret) return undefined;
  return {
    endpoint: sls.endpoint,
    accessKeyId: sls.accessKeyId,
    accessKeySecret: sls.accessKeySecret,
    securityToken: sls.securityToken,
    compression: sls.compression,
    logTime: sls.logTime,
    logstoreTtlDays: sls.logstoreTtlDays,
    // As many connections as batches the engine may have in flight.
    maxSockets: Math.max(config.delivery.inFlight * config.delivery.workers, 1),
  };
}

/** `createSink(sinkOptionsFromConfig(config))`: what `serve`, the engine and doctor use. */
export function sinkOptionsFromConfig(config: Config): CreateSinkOptions {
  return { root: config.deliveryRoot, sls: slsSinkOptions(config), oss: ossSinkOptions(config) };
}
