import protobuf from 'protobufjs';

/**
 * SLS's `LogGroup` (proto2, the schema `@alicloud/log` ships as `sls.proto`; delivery-sinks §3.4),
 * declared in code rather than loaded from a .proto file so the compiled package needs no asset.
 * protobufjs writes fields in field-number order, exactly as the official SDK does, so our bytes
 * equal its bytes for the same group (log-group.proto.test.ts).
 */
const root = protobuf.Root.fromJSON({
  nested: {
    sls: {
      nested: {
        Log: {
          fields: {
            Time: { rule: 'required', type: 'uint32', id: 1 },
            Contents: { rule: 'repeated', type: 'Content', id: 2 },
            TimeNs: { type: 'fixed32', id: 4 },
          },
          nested: {
            Content: {
              fields: {
                Key: { rule: 'required', type: 'string', id: 1 },
                Value: { rule: 'required', type: 'string', id: 2 },
              },
            },
          },
        },
        LogTag: {
          fields: {
            Key: { rule: 'required', type: 'string', id: 1 },
            Value: { rule: 'required', type: 'string', id: 2 },
          },
        },
        LogGroup: {
          fields: {
            Logs: { rule: 'repeated', type: 'Log', id: 1 },
            Reserved: { type: 'string', id: 2 },
            Topic: { type: 'string', id: 3 },
            Source: { type: 'string', id: 4 },
            LogTags: { rule: 'repeated', type: 'LogTag', id: 6 },
          },
        },
      },
    },
  },
});

const LogGroupType = root.lookupType('sls.LogGroup');

export interface SlsLog {
  /** Log.Time: epoch seconds (`__time__`). */
  time: number;
  /** Log.Contents in this order. */
  contents: ReadonlyArray<readonly [key: string, value: string]>;
}

export interface SlsLogGroup {
  logs: readonly SlsLog[];
  topic?: string;
  source?: string;
  tags?: ReadonlyArray<readonly [key: string, value: string]>;
}

interface WireLogGroup {
  Logs?: Array<{ Time: number; Contents?: Array<{ Key: string; Value: string }> }>;
  Topic?: string;
  Source?: string;
  LogTags?: Array<{ Key: string; Value: string }>;
}

export function encodeLogGroup(group: SlsLogGroup): Buffer {
  const wire: WireLogGroup = {
    Logs: group.logs.map((log) => ({
      Time: log.time,
      Contents: log.contents.map(([Key, Value]) => ({ Key, Value })),
    })),
  };
  if (group.topic !== undefined) wire.Topic = group.topic;
  if (group.source !== undefined) wire.Source = group.source;
  if (group.tags) wire.LogTags = group.tags.map(([Key, Value]) => ({ Key, Value }));
  const bytes = LogGroupType.encode(LogGroupType.fromObject(wire)).finish();
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Decodes a LogGroup; throws on bytes that are not one (a missing required field included). */
export function decodeLogGroup(bytes: Uint8Array): SlsLogGroup {
  const message = LogGroupType.decode(bytes);
  const wire = LogGroupType.toObject(message, { longs: Number, defaults: false }) as WireLogGroup;
  const group: SlsLogGroup = {
    logs: (wire.Logs ?? []).map((log) => ({
      time: log.Time,
      contents: (log.Contents ?? []).map((c) => [c.Key, c.Value] as const),
    })),
    ...(wire.Topic !== undefined ? { topic: wire.Topic } : {}),
    ...(wire.Source !== undefined ? { source: wire.Source } : {}),
    ...(wire.LogTags ? { tags: wire.LogTags.map((t) => [t.Key, t.Value] as const) } : {}),
  };
  return group;
}

function varintSize(n: number): number {
  let size = 1;
  let v = n;
  while (v >= 128) {
    v = Math.floor(v / 128);
    size += 1;
  }
  return size;
}

/** Bytes of a length-delimited field with a one-byte tag. */
function lengthDelimited(payload: number): number {
  return 1 + varintSize(payload) + payload;
}

/**
 * Exact bytes one log `{Time, Contents: [[key, value]]}` adds to an encoded LogGroup, with the
 * time's varint counted at its maximum (5 bytes) — so a batcher can keep requests under SLS's
 * raw-size limit without encoding them first.
 */
export function encodedLogSize(key: string, value: string): number {
  return encodedLogSizeOfBytes(key, Buffer.byteLength(value, 'utf8'));
}

/** encodedLogSize of a value known by its UTF-8 length. */
export function encodedLogSizeOfBytes(key: string, valueBytes: number): number {
  const content = lengthDelimited(Buffer.byteLength(key, 'utf8')) + lengthDelimited(valueBytes);
  const log = 1 + 5 + lengthDelimited(content);
  return lengthDelimited(log);
}

/** Bytes the Topic field adds to an encoded LogGroup. */
export function encodedTopicSize(topic: string): number {
  return lengthDelimited(Buffer.byteLength(topic, 'utf8'));
}
