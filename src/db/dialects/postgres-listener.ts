import pg from 'pg';

export interface Listener {
  close(): Promise<void>;
}

const RETRY_MIN_MS = 500;
const RETRY_MAX_MS = 30_000;

/**
 * LISTEN on `channel` with a connection of its own (a pooled one would be handed to other
 * queries). `onNotify` runs for every notification, and once after each (re)connect, because
 * notifications sent while the connection was down are lost: the caller then looks for work
 * itself. A broken connection is reopened with exponential backoff until `close()`.
 */
export async function listen(
  config: pg.ClientConfig,
  channel: string,
  onNotify: () => void,
  onError: (err: unknown) => void = () => {},
): Promise<Listener> {
  let client: pg.Client | undefined;
  let closed = false;
  let retryMs = RETRY_MIN_MS;
  let timer: NodeJS.Timeout | undefined;

  const connect = async (): Promise<void> => {
    const c = new pg.Client(config);
    client = c;
    const lost = (err?: unknown) => {
      if (client !== c) return; // an older connection's late event
      client = undefined;
      c.removeAllListeners();
      c.on('error', () => undefined);
      void c.end().catch(() => undefined);
      if (closed) return;
      onError(err ?? new Error(`LISTEN ${channel}: connection ended`));
      timer = setTimeout(() => void connect().catch(() => undefined), retryMs);
      timer.unref();
      retryMs = Math.min(RETRY_MAX_MS, retryMs * 2);
    };
    c.on('error', lost);
    c.on('end', () => lost());
    c.on('notification', (msg) => {
      if (msg.channel === channel) onNotify();
    });
    try {
      await c.connect();
      await c.query(`listen ${pg.escapeIdentifier(channel)}`);
    } catch (err) {
      lost(err);
      throw err;
    }
    retryMs = RETRY_MIN_MS;
    onNotify();
  };

  await connect().catch(() => undefined); // the first failure is reported and retried like any
  return {
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      const c = client;
      client = undefined;
      if (c) {
        c.removeAllListeners();
        c.on('error', () => undefined);
        await c.end().catch(() => undefined);
      }
    },
  };
}
