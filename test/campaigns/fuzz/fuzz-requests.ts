import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { ACTIONS as IMPLEMENTED } from '../../../src/api/actions/index.js';
import { ACTIONTRAIL_ACTIONS } from '../../../src/api/actions/known-actions.js';
import { buildIngestRequest } from '../../../src/api/ingest/ingest-client.js';
import {
  buildV1Request,
  buildV3Request,
  type Credentials,
  signV3Request,
} from '../../../src/api/signature/client-signers.js';
import type { RawRequest } from '../../../src/api/signature/types.js';
import { fuzzParams, fuzzParamsFor, fuzzValue, withAccount } from './fuzz-values.js';

/** What a generated request needs that is only known at run time. */
export interface FuzzContext {
  key: Credentials & { accountId?: string };
  host: string;
  nowMs: number;
  /** A nonce already used: a replay. */
  usedNonce: string;
}

export interface FuzzCase {
  /** The Action (or `ingest`) the figures count the request under. */
  target: string;
  /** `signed`: a valid signature over malformed content; `broken`: the signature is wrong. */
  signing: 'signed' | 'broken';
  build(ctx: FuzzContext): RawRequest;
}

const ACTIONS = [...new Set([...ACTIONTRAIL_ACTIONS, ...IMPLEMENTED.keys()])];
const action = fc.oneof(
  { weight: 20, arbitrary: fc.constantFrom(...ACTIONS) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('', 'Foo', 'lookupevents', 'CreateTrail ', 'A'.repeat(300)),
  },
);

const API_VERSION = '2020-07-06';
const version = fc.oneof(
  { weight: 12, arbitrary: fc.constant(API_VERSION) },
  { weight: 1, arbitrary: fuzzValue },
);

/** pop-core v1, GET or POST, correctly signed. */
const v1Signed = fc.record({ action, version, params: fuzzParams, post: fc.boolean() }).map(
  ({ action: a, version: v, params, post }): FuzzCase => ({
    target: a,
    signing: 'signed',
    build: (ctx) =>
      buildV1Request({
        ...ctx.key,
        method: post ? 'POST' : 'GET',
        action: a,
        version: v,
        params,
        nowMs: ctx.nowMs,
        host: ctx.host,
      }),
  }),
);

/** openapi-client V3, parameters in the query or a form body, correctly signed. */
const v3Signed = action
  .chain((a) =>
    fc.record({
      action: fc.constant(a),
      version,
      params: fuzzParamsFor(a),
      where: fc.constantFrom('query', 'form'),
    }),
  )
  .map(
    ({ action: a, version: v, params, where }): FuzzCase => ({
      target: a,
      signing: 'signed',
      build: (ctx) =>
        buildV3Request({
          ...ctx.key,
          method: 'POST',
          action: a,
          version: v,
          ...(where === 'query'
            ? { query: withAccount(params, ctx.key.accountId ?? '') }
            : { form: withAccount(params, ctx.key.accountId ?? '') }),
          nowMs: ctx.nowMs,
          host: ctx.host,
        }),
    }),
  );

/** Raw query strings and bodies in broken encodings and odd media types, signed over as sent. */
const rawEncoding = fc
  .record({
    action,
    query: fc.string({ unit: fc.constantFrom(...'%&=+;aZ9é\u0000 .[]'), maxLength: 60 }),
    body: fc.oneof(
      fc.uint8Array({ maxLength: 2_000 }).map((b) => Buffer.from(b)),
      fuzzValue.map((s) => Buffer.from(s)),
    ),
    contentType: fc.constantFrom(
      'application/x-www-form-urlencoded',
      'application/x-www-form-urlencoded; charset=latin1',
      'application/json',
      'text/plain',
      'multipart/form-data; boundary=x',
      '',
    ),
  })
  .map(
    ({ action: a, query, body, contentType }): FuzzCase => ({
      target: a,
      signing: 'signed',
      build: (ctx) => {
        const headers: RawRequest['headers'] = {
          host: ctx.host,
          'x-acs-action': a,
          'x-acs-version': API_VERSION,
          'x-acs-date': new Date(ctx.nowMs).toISOString().replace(/\.\d+Z$/, 'Z'),
          'x-acs-signature-nonce': randomBytes(16).toString('hex'),
        };
        if (contentType) headers['content-type'] = contentType;
        return signV3Request({ method: 'POST', url: `/?${query}`, headers, body }, ctx.key);
      },
    }),
  );

type Breakage =
  | 'wrong-secret'
  | 'unknown-key'
  | 'skewed'
  | 'bad-date'
  | 'replay'
  | 'no-auth'
  | 'garbage-auth'
  | 'tampered';

/** A correctly shaped request whose signature, key, time or nonce is wrong. */
const brokenSignature = fc
  .record({
    action,
    params: fuzzParams,
    breakage: fc.constantFrom<Breakage>(
      'wrong-secret',
      'unknown-key',
      'skewed',
      'bad-date',
      'replay',
      'no-auth',
      'garbage-auth',
      'tampered',
    ),
    garbage: fc.string({ maxLength: 200 }),
    skewMinutes: fc.oneof(
      fc.integer({ min: 16, max: 100_000 }),
      fc.integer({ min: -100_000, max: -16 }),
    ),
  })
  .map(
    ({ action: a, params, breakage, garbage, skewMinutes }): FuzzCase => ({
      target: a,
      signing: 'broken',
      build: (ctx) => {
        const key =
          breakage === 'wrong-secret'
            ? { ...ctx.key, accessKeySecret: `${ctx.key.accessKeySecret}x` }
            : breakage === 'unknown-key'
              ? { ...ctx.key, accessKeyId: 'LTAInotAKeyOfOurs' }
              : ctx.key;
        const req = buildV3Request({
          ...key,
          method: 'POST',
          action: a,
          version: API_VERSION,
          query: params,
          nowMs: breakage === 'skewed' ? ctx.nowMs + skewMinutes * 60_000 : ctx.nowMs,
          host: ctx.host,
          ...(breakage === 'replay' ? { nonce: ctx.usedNonce } : {}),
        });
        const headers = { ...req.headers };
        if (breakage === 'bad-date') headers['x-acs-date'] = garbage;
        if (breakage === 'no-auth') delete headers.authorization;
        if (breakage === 'garbage-auth') headers.authorization = garbage;
        if (breakage === 'tampered') headers['x-acs-action'] = `${a}x`;
        return { ...req, headers };
      },
    }),
  );

/** Event-shaped objects with fields of the wrong types and sizes. */
const badEvent = fc.dictionary(
  fc.constantFrom(
    'eventId',
    'eventName',
    'eventTime',
    'serviceName',
    'acsRegion',
    'eventRW',
    'userIdentity',
    'requestParameters',
    'eventType',
    'sourceIpAddress',
  ),
  fc.oneof(fuzzValue, fc.integer(), fc.constant(null), fc.jsonValue({ maxDepth: 3 })),
);

/** Ingest bodies: garbage, wrong shapes, deep JSON, huge strings, broken and bombing gzip. */
const ingestBody = fc.oneof(
  fc.array(badEvent, { maxLength: 20 }).map((e) => ({ body: Buffer.from(JSON.stringify(e)) })),
  fc.jsonValue({ maxDepth: 5 }).map((v) => ({ body: Buffer.from(JSON.stringify(v) ?? '') })),
  fc.uint8Array({ maxLength: 4_000 }).map((b) => ({ body: Buffer.from(b) })),
  fuzzValue.map((s) => ({ body: Buffer.from(s) })),
  fc
    .integer({ min: 10, max: 200_000 })
    .map((n) => ({ body: Buffer.from(`${'['.repeat(n)}${']'.repeat(n)}`) })),
  fc.array(fuzzValue, { maxLength: 30 }).map((lines) => ({
    body: Buffer.from(lines.join('\n')),
    contentType: 'application/x-ndjson',
  })),
  fc.uint8Array({ maxLength: 2_000 }).map((b) => ({
    body: Buffer.from(b),
    contentEncoding: 'gzip',
  })),
  fc.integer({ min: 1, max: 200 }).map((n) => ({
    // truncated gzip
    body: gzipSync(Buffer.from(JSON.stringify([{ eventId: 'x'.repeat(n) }]))).subarray(0, n),
    contentEncoding: 'gzip',
  })),
  fc.constantFrom(2, 11, 16).map((mb) => ({
    // a gzip bomb: a few KB that inflate past the body limit
    body: gzipSync(Buffer.alloc(mb * 1024 * 1024, 0x20)),
    contentEncoding: 'gzip',
  })),
  fc.constantFrom('br', 'deflate', 'gzip, gzip', 'identity', 'x-unknown').map((enc) => ({
    body: Buffer.from('[]'),
    contentEncoding: enc,
  })),
);

const ingest = fc
  .record({
    body: ingestBody,
    contentType: fc.constantFrom(undefined, 'application/json', 'text/plain', 'application/xml'),
    action: fc.oneof(
      { weight: 10, arbitrary: fc.constant('PutEvents') },
      { weight: 1, arbitrary: fc.constantFrom('LookupEvents', '', 'putevents') },
    ),
  })
  .map(
    ({ body, contentType, action: a }): FuzzCase => ({
      target: 'ingest',
      signing: 'signed',
      build: (ctx) =>
        buildIngestRequest({
          ...ctx.key,
          host: ctx.host,
          nowMs: ctx.nowMs,
          action: a,
          body: body.body,
          ...('contentEncoding' in body ? { contentEncoding: body.contentEncoding } : {}),
          ...(('contentType' in body ? body.contentType : contentType) !== undefined
            ? { contentType: ('contentType' in body ? body.contentType : contentType) as string }
            : {}),
        }),
    }),
  );

/** The mix: most requests are correctly signed; a fifth have a broken signature. */
export const fuzzCase: fc.Arbitrary<FuzzCase> = fc.oneof(
  { weight: 6, arbitrary: v1Signed },
  { weight: 6, arbitrary: v3Signed },
  { weight: 2, arbitrary: rawEncoding },
  { weight: 4, arbitrary: brokenSignature },
  { weight: 3, arbitrary: ingest },
);
