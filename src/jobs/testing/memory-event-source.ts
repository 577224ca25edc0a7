import type { EventSource, ScopeFilter, StoredEvent } from '../event-source.js';

export interface MemoryEvent extends StoredEvent {
  accountId: string;
  region: string;
  eventRW: 'Read' | 'Write';
}

function inScope(e: MemoryEvent, f: ScopeFilter): boolean {
  return (
    e.accountId === f.accountId &&
    e.region === f.region &&
    (f.eventRW === 'All' || e.eventRW === f.eventRW) &&
    e.eventTime >= f.fromTime &&
    e.seq <= f.maxSeq
  );
}

/** An in-memory EventSource for engine unit tests (the real one reads the events table). */
export class MemoryEventSource implements EventSource {
  readonly events: MemoryEvent[] = [];

  add(e: Omit<MemoryEvent, 'seq' | 'json'> & { json?: string }): MemoryEvent {
    const seq = this.events.length + 1;
    const event = {
      ...e,
      seq,
      json: e.json ?? JSON.stringify({ eventId: `ev-${seq}`, acsRegion: e.region }),
    };
    this.events.push(event);
    return event;
  }

  async horizon(): Promise<number> {
    return this.events.length;
  }

  async scan(filter: ScopeFilter, afterSeq: number, limit: number): Promise<StoredEvent[]> {
    return this.events.filter((e) => e.seq > afterSeq && inScope(e, filter)).slice(0, limit);
  }

  async batch(
    filter: ScopeFilter,
    r: { firstSeq: number; lastSeq: number; from: number; to: number },
  ): Promise<StoredEvent[]> {
    return this.events.filter(
      (e) =>
        inScope(e, filter) &&
        e.seq >= r.firstSeq &&
        e.seq <= r.lastSeq &&
        e.eventTime >= r.from &&
        e.eventTime < r.to,
    );
  }
}
