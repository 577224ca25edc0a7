import type { BatchContent, DeliveryAck, PreparedBatch, Sink } from './sink.js';

/**
 * One sink over several: each batch goes to the sink for its destination's kind (`sls`, `oss`),
 * or to `fallback` when that kind has none configured. `prepare` and `deliver` of one batch
 * always pick the same sink, since the choice depends only on the batch's destination.
 */
export function createRouterSink(routes: {
  fallback: Sink;
  byDestination: Partial<Record<BatchContent['destination']['kind'], Sink>>;
}): Sink {
  const pick = (content: BatchContent): Sink =>
    routes.byDestination[content.destination.kind] ?? routes.fallback;
  const all = [routes.fallback, ...Object.values(routes.byDestination)];
  return {
    kind: all.map((s) => s.kind).join('+'),
    prepare: (content: BatchContent): Promise<PreparedBatch> => pick(content).prepare(content),
    deliver: (batch: PreparedBatch, signal?: AbortSignal): Promise<DeliveryAck> =>
      pick(batch.content).deliver(batch, signal),
    // The file sink's check covers what the router adds: SLS is checked per project by doctor.
    ...(routes.fallback.healthCheck
      ? { healthCheck: () => (routes.fallback.healthCheck as () => Promise<string>)() }
      : {}),
    async close(): Promise<void> {
      for (const sink of all) await sink.close?.();
    },
  };
}
