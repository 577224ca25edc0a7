import { type ResourceLimits, Worker } from 'node:worker_threads';

/**
 * A worker thread that answers requests, used as an accelerator only (the delivery engine's
 * scan thread and SLS-layout body thread, [G] rounds 5–6): started on first use from plain
 * CommonJS code (no loader, so the same from src/ and dist/), referenced only while it owes an
 * answer, and, should it fail to start or die, every request it still owes and every later one
 * is answered `undefined`, so the caller does the work itself instead of failing.
 *
 * The code answers each message `{ id, … }` with one message carrying the same `id`.
 */
export class HelperThread<Answer extends { id: number }> {
  private worker: Worker | undefined;
  private failed = false;
  private nextId = 0;
  private readonly pending = new Map<number, (answer: Answer | undefined) => void>();

  constructor(
    private readonly code: string,
    private readonly options: { workerData: unknown; resourceLimits: ResourceLimits },
  ) {}

  /** False once the thread failed or was closed: callers may skip preparing a request. */
  get usable(): boolean {
    return !this.failed;
  }

  private start(): Worker | undefined {
    if (this.worker || this.failed) return this.worker;
    try {
      const worker = new Worker(this.code, { eval: true, ...this.options });
      worker.unref();
      worker.on('message', (a: Answer) => this.settle(a.id, a));
      worker.on('error', () => this.giveUp());
      worker.on('exit', () => this.giveUp());
      this.worker = worker;
    } catch {
      this.failed = true;
    }
    return this.worker;
  }

  private giveUp(): void {
    this.failed = true;
    this.worker = undefined;
    for (const id of [...this.pending.keys()]) this.settle(id, undefined);
  }

  private settle(id: number, answer: Answer | undefined): void {
    const resolve = this.pending.get(id);
    if (!resolve) return;
    this.pending.delete(id);
    if (this.pending.size === 0) this.worker?.unref();
    resolve(answer);
  }

  /** The thread's answer to `message` (an `id` is added), or undefined when it has none. */
  request(message: object): Promise<Answer | undefined> {
    const worker = this.start();
    if (!worker) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const id = this.nextId++;
      this.pending.set(id, resolve);
      // Referenced while it owes an answer: the process waits for it.
      worker.ref();
      worker.postMessage({ ...message, id });
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.failed = true;
    this.worker = undefined;
    await worker?.terminate();
    this.giveUp();
  }
}
