import { createHash } from 'node:crypto';
import {
  type DeliveryAck,
  eventTexts,
  type PreparedBatch,
  type Sink,
  SinkError,
} from '../../sinks/sink.js';

/** A Sink double that records what it delivered and can be told to fail. */
export class RecordingSink implements Sink {
  readonly kind = 'memory';
  readonly delivered = new Map<string, string[]>();
  deliveries = 0;
  /** Events in acknowledged deliveries, resends included. */
  sentEvents = 0;
  lastAccount: string | undefined;
  failNext = 0;
  failAlways: SinkError | undefined;
  /** Runs before each delivery; a promise that never settles makes the send hang. */
  onDeliver: (() => unknown) | undefined;
  /** Prepared batches say a re-send replaces the first copy, as the file sink and OSS do. */
  overwrites = false;
  /** Every delivery's object name in order, re-sends included. */
  readonly sends: string[] = [];

  async prepare(packedOrTexts: PreparedBatch['content']): Promise<PreparedBatch> {
    // Delivered events are recorded as texts: the scan's shared memory is reused after prepare.
    const content = { ...packedOrTexts, events: eventTexts(packedOrTexts), packed: undefined };
    const body = Buffer.from(content.events.join('\n'));
    // Content-addressed like the real layouts: same events, same name.
    const name = `${content.region}/${content.bucketStart}/${createHash('md5').update(body).digest('hex')}`;
    return {
      content,
      objectName: name,
      body,
      count: content.events.length,
      ...(this.overwrites ? { overwrites: true } : {}),
    };
  }

  async deliver(batch: PreparedBatch): Promise<DeliveryAck> {
    this.deliveries++;
    await this.onDeliver?.();
    this.sends.push(batch.objectName);
    if (this.failAlways) throw this.failAlways;
    if (this.failNext > 0) {
      this.failNext--;
      throw new SinkError('temporarily unavailable', {
        code: 'ServiceUnavailable',
        retryable: true,
      });
    }
    this.lastAccount = batch.content.accountId;
    this.sentEvents += batch.count;
    this.delivered.set(batch.objectName, [...batch.content.events]);
    return { objectName: batch.objectName, bytes: batch.body.length, count: batch.count };
  }

  eventIds(): string[] {
    return [...this.delivered.values()]
      .flat()
      .map((j) => (JSON.parse(j) as { eventId: string }).eventId);
  }
}
