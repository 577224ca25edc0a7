/**
 * Rough figures for docs/events.md: insertEvents throughput into a fresh SQLite store and
 * LookupEvents page latency over it. Not a benchmark suite ([G] builds that); run with
 * `npx tsx scripts/measure-event-store.ts [events=200000]`. Uses a temporary directory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDatabase } from '../src/db/open-database.js';
import { insertEvents } from '../src/db/repositories/events.repository.js';
import { lookupEventsPage } from '../src/domain/events/lookup-events.js';
import type { RawAttribute } from '../src/domain/events/lookup-rules.js';
import { DAY_MS, formatIsoSeconds } from '../src/lib/time.js';

const total = Number(process.argv[2] ?? 200_000);
const ACCOUNT = '1000000000000001';
const SERVICES = ['Ecs', 'Oss', 'Ram', 'Vpc', 'Actiontrail', 'Rds', 'Slb', 'Sts', 'Kms', 'Sls'];
const T0 = Date.UTC(2026, 0, 1);
const SPAN = 60 * DAY_MS;
const random = (n: number) => Math.floor(Math.random() * n);

/** A plausible mix: skewed services, a few hundred users and keys, 20k resources. */
function event(i: number): Record<string, unknown> {
  const service = SERVICES[Math.min(9, Math.floor(-Math.log(Math.random()) * 2))] ?? 'Ecs';
  const role = random(5) === 0;
  return {
    eventId: `E-${i}-${random(1e9)}`,
    eventVersion: '1',
    eventType: random(20) ? 'ApiCall' : 'ConsoleOperation',
    eventName: `${service}Op${random(40)}`,
    eventRW: random(4) ? 'Read' : 'Write',
    eventTime: formatIsoSeconds(T0 + Math.floor((i * SPAN) / total)),
    acsRegion: random(2) ? 'cn-hangzhou' : 'cn-beijing',
    serviceName: service,
    sourceIpAddress: `10.0.${random(64)}.${random(256)}`,
    userIdentity: role
      ? { type: 'assumed-role', userName: `role${random(20)}:s`, accessKeyId: `STS.${random(999)}` }
      : { type: 'ram-user', userName: `user${random(200)}`, accessKeyId: `LTAI${random(400)}` },
    ...(random(100) ? {} : { eventAttributes: { SensitiveAction: 'true' } }),
    resourceType: 'ACS::X::Thing',
    resourceName: `res-${random(20_000)}`,
    requestParameters: { Payload: 'x'.repeat(300) },
  };
}

const LOOKUPS: Array<[string, RawAttribute[]]> = [
  ['no filter', []],
  ['ServiceName', [{ key: 'ServiceName', value: 'Ecs' }]],
  ['ServiceName (rare)', [{ key: 'ServiceName', value: 'Sls' }]],
  ['User', [{ key: 'User', value: 'user7' }]],
  ['SensitiveAction', [{ key: 'SensitiveAction', value: 'true' }]],
  ['ResourceName', [{ key: 'ResourceName', value: 'res-77' }]],
  [
    'ServiceName+EventRW',
    [
      { key: 'ServiceName', value: 'Oss' },
      { key: 'EventRW', value: 'Write' },
    ],
  ],
  [
    'ResourceName+User',
    [
      { key: 'ResourceName', value: 'res-78' },
      { key: 'User', value: 'user1' },
    ],
  ],
];

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'opentrail-measure-'));
  const handle = await openDatabase({ databasePath: path.join(dir, 'events.db') });
  try {
    const started = performance.now();
    for (let i = 0; i < total; i += 10_000) {
      const batch = Array.from({ length: Math.min(10_000, total - i) }, (_, k) => event(i + k));
      await insertEvents(handle.db, ACCOUNT, batch);
    }
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `insertEvents: ${total} events in ${seconds.toFixed(1)} s = ${Math.round(total / seconds)}/s`,
    );

    const now = T0 + SPAN;
    const range = {
      startTime: formatIsoSeconds(now - 90 * DAY_MS),
      endTime: formatIsoSeconds(now),
    };
    const all: number[] = [];
    for (const [name, attributes] of LOOKUPS) {
      const times: number[] = [];
      for (let r = 0; r < 20; r++) {
        const t = performance.now();
        await lookupEventsPage(
          handle.db,
          ACCOUNT,
          {
            attributes,
            ...range,
            maxResults: 50,
            direction: r % 2 ? 'FORWARD' : 'BACKWARD',
            nextToken: undefined,
          },
          now,
        );
        times.push(performance.now() - t);
      }
      times.sort((a, b) => a - b);
      all.push(...times);
      console.log(`LookupEvents ${name.padEnd(20)} median ${times[10]?.toFixed(2)} ms`);
    }
    all.sort((a, b) => a - b);
    console.log(`LookupEvents p95 over all: ${all[Math.floor(all.length * 0.95)]?.toFixed(2)} ms`);
  } finally {
    await handle.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
