import { z } from 'zod';
import { PUBLIC_REGIONS, REGION_ID } from './regions.js';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * The shape of a valid configuration. Keys are what a config file uses; the loader maps env
 * variables and flags onto them. Defaults live here and nowhere else.
 */
export const configSchema = z
  .object({
    host: z.string().min(1).default('127.0.0.1'),
    port: z.coerce.number().int().min(0).max(65535).default(8080),
    dataDir: z.string().min(1).default('./data'),
    /**
     * `postgres://user:password@host:5432/db` switches the whole service to PostgreSQL (several
     * nodes may share it); unset, SQLite at `<dataDir>/opentrail.db`. The message never echoes
     * the value: it may hold a password.
     */
    databaseUrl: z
      .string()
      .regex(/^postgres(ql)?:\/\/\S+$/, 'must be a postgres:// or postgresql:// URL')
      .optional(),
    /**
     * SQLite's `synchronous` pragma (WAL mode). `normal`: a commit survives kill -9 but an OS
     * crash or power loss may drop the last commits; `full`: every commit is on disk before it
     * answers, at the cost of an fsync per commit (docs/reliability.md).
     */
    sqliteSynchronous: z.enum(['normal', 'full']).default('normal'),
    logLevel: z.enum(LOG_LEVELS).default('info'),
    region: z
      .string()
      .regex(REGION_ID, 'must look like a region id, e.g. cn-hangzhou')
      .default('cn-hangzhou'),
    regions: z
      .array(z.string().regex(REGION_ID, 'must look like a region id, e.g. cn-hangzhou'))
      .min(1)
      .default([...PUBLIC_REGIONS]),
    auth: z
      .object({
        /** Accepted clock difference for Timestamp / x-acs-date (decisions §1: 15 min). */
        maxSkewSeconds: z.coerce.number().int().min(1).default(900),
        /** How long a used nonce is remembered; at least the skew, so a replay never slips through. */
        nonceWindowSeconds: z.coerce.number().int().min(1).default(900),
      })
      .prefault({}),
    retention: z
      .object({
        /** Events older than this are purged (decisions §3), unless a hold still needs them. */
        days: z.coerce.number().int().min(1).max(36_500).default(90),
      })
      .prefault({}),
    bootstrap: z
      .object({
        accountId: z
          .string()
          .regex(/^\d{1,32}$/, 'must be digits')
          .optional(),
        accessKeyId: z
          .string()
          .regex(KEY_ID, 'must be 1-64 characters of [A-Za-z0-9._-]')
          .optional(),
        accessKeySecret: z.string().min(1).max(128).optional(),
      })
      .prefault({})
      .refine((b) => (b.accessKeyId === undefined) === (b.accessKeySecret === undefined), {
        message:
          'accessKeyId and accessKeySecret must be given together (OPENTRAIL_ACCESS_KEY_ID / OPENTRAIL_ACCESS_KEY_SECRET)',
      }),
    delivery: z
      .object({
        /** File-sink root; default `<dataDir>/delivery` (a shared path when several nodes run). */
        root: z.string().min(1).optional(),
        /** Concurrent delivery workers in this process; 0 disables the engine here. */
        workers: z.coerce.number().int().min(0).max(64).default(2),
        /** A lease not renewed for this long is taken over by another worker. */
        leaseSeconds: z.coerce.number().int().min(1).max(3600).default(30),
        /** How long one claim works on a job before handing it back (rotation between jobs). */
        sliceMs: z.coerce.number().int().min(0).max(60_000).default(250),
        /**
         * How often an idle worker looks for runnable jobs. A job created on this node wakes it
         * at once; on PostgreSQL so does a job created on any node (LISTEN/NOTIFY).
         */
        pollMs: z.coerce.number().int().min(10).max(600_000).default(500),
        /** Events read per chunk (bounds memory per stream). */
        chunkSize: z.coerce.number().int().min(1).max(100_000).default(5000),
        /** Batches in flight per (region, destination). */
        inFlight: z.coerce.number().int().min(1).max(64).default(4),
        /**
         * Live delivery to OSS and OSS-layout files flushes at most this long after the
         * previous flush (ActionTrail: about five minutes) or once `liveFlushEvents` wait.
         */
        liveFlushMs: z.coerce.number().int().min(100).max(3_600_000).default(60_000),
        liveFlushEvents: z.coerce.number().int().min(1).max(100_000).default(10_000),
        /**
         * A history job's OSS object (or OSS-layout file) covers a UTC day of one region, split
         * into hours, 5 minutes, then runs only above this many events (or 8 MiB of JSON).
         */
        historyFileEvents: z.coerce.number().int().min(1).max(100_000).default(10_000),
        /**
         * Read and prepare a history stream's next chunk while the current one is sent (faster,
         * at the cost of one more chunk in memory per stream being delivered).
         */
        readAhead: z
          .union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')])
          .default(true),
        /** Failed attempts before a region is marked failed. */
        maxFailures: z.coerce.number().int().min(1).max(100).default(8),
        /**
         * History jobs backfill OSS destinations too, and accept OSS-only trails: an opentrail
         * extension (ActionTrail backfills SLS only; decisions §5).
         */
        historyToOss: z
          .union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')])
          .default(false),
        /**
         * Alibaba Cloud Log Service. With the key pair set, SLS destinations are written there
         * (PutLogs); without it, the file sink writes the SLS layout instead (decisions §6).
         */
        sls: z
          .object({
            /** Any http(s) URL; unset, `https://<SlsProjectArn region>.log.aliyuncs.com`. */
            endpoint: z
              .string()
              .regex(/^https?:\/\/[^/\s]+\/?$/, 'must be an http(s) URL without a path')
              .optional(),
            accessKeyId: z.string().min(1).max(128).optional(),
            /** Never logged (observability/logger.ts redacts it). */
            accessKeySecret: z.string().min(1).max(256).optional(),
            /** STS token when the key pair is temporary (an assumed SlsWriteRole). */
            securityToken: z.string().min(1).optional(),
            compression: z.enum(['lz4', 'deflate', 'none']).default('lz4'),
            /** Log.Time: the event's time, or the delivery time for projects whose TTL drops old logs. */
            logTime: z.enum(['event', 'delivery']).default('event'),
            /** TTL of the logstores opentrail creates; 3650 is SLS's "permanent", as ActionTrail's. */
            logstoreTtlDays: z.coerce.number().int().min(1).max(3650).default(3650),
          })
          .prefault({})
          .refine((s) => (s.accessKeyId === undefined) === (s.accessKeySecret === undefined), {
            message:
              'accessKeyId and accessKeySecret must be given together (OPENTRAIL_SLS_ACCESS_KEY_ID / OPENTRAIL_SLS_ACCESS_KEY_SECRET)',
          }),
        /**
         * OSS (or any S3-compatible store) through the S3 API. With endpoint and key pair set, OSS
         * destinations are written there (PutObject); without them, the file sink writes the OSS
         * layout instead (decisions §6).
         */
        oss: z
          .object({
            /** e.g. `https://s3.oss-cn-hangzhou.aliyuncs.com` (delivery-sinks §4.3), or a CNAME. */
            endpoint: z
              .string()
              .regex(/^https?:\/\/[^/\s]+\/?$/, 'must be an http(s) URL without a path')
              .optional(),
            /** Signing region; unset, taken from an `oss-<region>` endpoint host, else `us-east-1`. */
            region: z.string().min(1).max(64).optional(),
            accessKeyId: z.string().min(1).max(128).optional(),
            /** Never logged (observability/logger.ts redacts it). */
            accessKeySecret: z.string().min(1).max(256).optional(),
            /** OSS wants virtual-hosted style (bucket in the host); S3 fakes often path style. */
            forcePathStyle: z
              .union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')])
              .default(false),
            /**
             * How long one PutObject may take, connection to last byte of the answer; past it
             * the attempt fails with `ETIMEDOUT` and the engine retries it (its backoff and
             * failure budget), so a receiver that never answers cannot hold a job forever.
             */
            requestTimeoutMs: z.coerce.number().int().min(100).max(600_000).default(60_000),
          })
          .prefault({})
          .refine((s) => (s.accessKeyId === undefined) === (s.accessKeySecret === undefined), {
            message:
              'accessKeyId and accessKeySecret must be given together (OPENTRAIL_OSS_ACCESS_KEY_ID / OPENTRAIL_OSS_ACCESS_KEY_SECRET)',
          })
          .refine((s) => s.accessKeyId === undefined || s.endpoint !== undefined, {
            message: 'an OSS key pair needs delivery.oss.endpoint (OPENTRAIL_OSS_ENDPOINT)',
          }),
      })
      .prefault({}),
    /**
     * HTTPS: a PEM certificate (chain) and its key, or a self-signed pair generated once into
     * `<dataDir>/tls/` (for development; clients must be told to trust it, see the README).
     */
    tls: z
      .object({
        cert: z.string().min(1).optional(),
        key: z.string().min(1).optional(),
        selfSigned: z
          .union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')])
          .default(false),
      })
      .prefault({})
      .refine((t) => (t.cert === undefined) === (t.key === undefined), {
        message: 'cert and key must be given together (OPENTRAIL_TLS_CERT / OPENTRAIL_TLS_KEY)',
      })
      .refine((t) => !(t.selfSigned && t.cert !== undefined), {
        message: 'use either a certificate (cert/key) or selfSigned, not both',
      }),
    console: z
      .object({
        /**
         * A console session ends this long after sign-in (sessions live in this process's memory:
         * a restart signs everyone out, and behind a load balancer a session needs sticky routing).
         */
        sessionTtlSeconds: z.coerce.number().int().min(1).max(604_800).default(28_800),
      })
      .prefault({}),
    /**
     * Prometheus metrics: on the API port at `/metrics` by default; `listen` (`host:port`) serves
     * them on another address instead (the API port then has none), `enabled: false` nowhere.
     * `/healthz` and `/readyz` stay on the API port either way.
     */
    metrics: z
      .object({
        enabled: z
          .union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')])
          .default(true),
        listen: z
          .string()
          .regex(/^(\[[0-9a-fA-F:.]+\]|[^\s:/]+):\d{1,5}$/, 'must be host:port, e.g. 0.0.0.0:9464')
          .optional(),
      })
      .prefault({}),
    /**
     * Emulator mode (`serve --dev`): the `/_opentrail/…` test hooks answer (else 404), and the
     * published per-key rate limits can be switched on (docs/emulator.md).
     */
    dev: z
      .object({
        enabled: z
          .union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')])
          .default(false),
        /** Per-key ActionTrail quotas from the start (a hook switches them at run time too). */
        rateLimits: z
          .union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')])
          .default(false),
        /** LookupEvents calls per second per key; ActionTrail publishes no figure for it. */
        lookupEventsPerSecond: z.coerce.number().int().min(1).max(10_000).default(20),
      })
      .prefault({}),
    /** Test hooks; never set in production. */
    testing: z.object({ crashAt: z.string().optional() }).prefault({}),
  })
  .refine((c) => c.regions.includes(c.region), {
    path: ['region'],
    message: 'the home region must be one of the configured regions',
  });

export type Config = Readonly<z.infer<typeof configSchema>> & {
  /** Where the SQLite database lives (derived from dataDir); unused when databaseUrl is set. */
  readonly databasePath: string;
  /** The file sink's root (delivery.root, or `<dataDir>/delivery`). */
  readonly deliveryRoot: string;
};
