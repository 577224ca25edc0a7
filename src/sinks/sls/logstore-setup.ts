import { createIndex, createLogStore, indexExists, logStoreExists } from './sls-api.js';
import type { SlsClient } from './sls-client.js';
import { actionTrailIndex } from './sls-index.js';

export interface LogstoreSettings {
  /** Days SLS keeps logs; ActionTrail's logstores keep them "permanently" (3650). */
  ttlDays: number;
  shardCount: number;
}

/**
 * Makes sure `actiontrail_<trail>` and its index exist before the first PutLogs to it
 * (decisions §6): GetLogStore → CreateLogStore when missing → CreateIndex when missing.
 * "Already exists" answers count as success, so two nodes racing both succeed. A success is
 * remembered for the life of the process, per (endpoint, project, logstore); a failure is not,
 * so the next attempt asks again.
 */
export class LogstoreSetup {
  private readonly done = new Map<string, Promise<void>>();

  constructor(private readonly settings: LogstoreSettings) {}

  ensure(client: SlsClient, project: string, logstore: string): Promise<void> {
    const key = `${client.endpoint.href} ${project} ${logstore}`;
    let pending = this.done.get(key);
    if (!pending) {
      pending = this.setUp(client, project, logstore);
      this.done.set(key, pending);
      pending.catch(() => this.done.delete(key));
    }
    return pending;
  }

  /** Forgets a logstore (e.g. SLS said it no longer exists), so the next delivery sets it up again. */
  forget(client: SlsClient, project: string, logstore: string): void {
    this.done.delete(`${client.endpoint.href} ${project} ${logstore}`);
  }

  private async setUp(client: SlsClient, project: string, logstore: string): Promise<void> {
    const existed = await logStoreExists(client, project, logstore);
    if (!existed) {
      await createLogStore(client, project, {
        logstoreName: logstore,
        ttl: this.settings.ttlDays,
        shardCount: this.settings.shardCount,
      });
    }
    // A logstore we just created has no index; one that existed may have one already.
    if (!existed || !(await indexExists(client, project, logstore))) {
      await createIndex(client, project, logstore, actionTrailIndex());
    }
  }
}
