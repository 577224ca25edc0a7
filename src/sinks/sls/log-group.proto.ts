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

/** One log of encodeOneContentLogGroup: its time and its one content's value, as UTF-8 bytes. */
export interface OneContentLogs {
  count: number;
  /** Log.Time of log `i` (epoch seconds). */
  time(i: number): number;
  /** The value of log `i`'s one content. */
  value(i: number): Uint8Array;
}

/**
 * encodeLogGroup of logs that each have one content under the same `key`, written straight into
 * one buffer from the values' bytes ([G] round 7): the same bytes protobufjs writes for the same
 * group (log-group.proto.test.ts compares), without a message object and a string per log. The
 * SLS sink encodes every batch so, from the scan's bytes where it has them.
 */
export function encodeOneContentLogGroup(
  key: string,
  logs: OneContentLogs,
  topic?: string,
): Buffer {
  const keyBytes = Buffer.from(key, 'utf8');
  // An empty topic is left out, as protobufjs leaves it out.
  const topicBytes = topic ? Buffer.from(topic, 'utf8') : undefined;
  const times = new Array<number>(logs.count);
  const values = new Array<Uint8Array>(logs.count);
  let total = topicBytes ? lengthDelimited(topicBytes.length) : 0;
  for (let i = 0; i < logs.count; i++) {
    // uint32, as protobufjs writes it.
    const time = logs.time(i) >>> 0;
    const value = logs.value(i);
    times[i] = time;
    values[i] = value;
    const content = lengthDelimited(keyBytes.length) + lengthDelimited(value.length);
    total += lengthDelimited(1 + varintSize(time) + lengthDelimited(content));
  }
  const out = Buffer.allocUnsafe(total);
  let at = 0;
  const varint = (n: number) => {
    let v = n;
    while (v >= 128) {
      out[at++] = (v % 128) | 128;
      v = Math.floor(v / 128);
    }
    out[at++] = v;
  };
  const field = (tag: number, bytes: Uint8Array) => {
    out[at++] = tag;
    varint(bytes.length);
    out.set(bytes, at);
    at += bytes.length;
  };
  for (let i = 0; i < logs.count; i++) {
    const time = times[i] as number;
    const value = values[i] as Uint8Array;
    const content = lengthDelimited(keyBytes.length) + lengthDelimited(value.length);
    out[at++] = 0x0a; // LogGroup.Logs (1), length-delimited
    varint(1 + varintSize(time) + lengthDelimited(content));
    out[at++] = 0x08; // Log.Time (1), varint
    varint(time);
    out[at++] = 0x12; // Log.Contents (2), length-delimited
    varint(content);
    field(0x0a, keyBytes); // Content.Key (1)
    field(0x12, value); // Content.Value (2)
  }
  if (topicBytes) field(0x1a, topicBytes); // LogGroup.Topic (3)
  if (at !== total) throw new Error(`LogGroup encoded to ${at} bytes, ${total} planned`);
  return out;
}
