import { type BatchContent, type Destination, eventCount, SinkError } from '../sink.js';

/**
 * What every layout requires of a batch: a destination of its kind and at least one event.
 * Both are programming errors that no retry can fix, hence not retryable.
 */
export function batchDestination<K extends Destination['kind']>(
  content: BatchContent,
  kind: K,
): Extract<Destination, { kind: K }> {
  const destination = destinationOfKind(content, kind);
  if (eventCount(content) === 0) {
    throw new SinkError('a batch needs at least one event', {
      code: 'EmptyBatch',
      retryable: false,
    });
  }
  return destination;
}

/**
 * The destination alone, for a prepared batch whose content no longer holds its event texts
 * (PreparedBatch.content).
 */
export function destinationOfKind<K extends Destination['kind']>(
  content: BatchContent,
  kind: K,
): Extract<Destination, { kind: K }> {
  if (content.destination.kind !== kind) {
    throw new SinkError(
      `the ${kind.toUpperCase()} layout needs an ${kind.toUpperCase()} destination`,
      {
        code: 'WrongDestination',
        retryable: false,
      },
    );
  }
  return content.destination as Extract<Destination, { kind: K }>;
}
