import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { importEventFiles } from '../../../src/domain/events/ingest-files.js';
import { systemClock } from '../../../src/lib/clock.js';
import { DAY_MS } from '../../../src/lib/time.js';
import type { TestApp } from '../../helpers/test-app.js';
import { fuzzValue } from './fuzz-values.js';

/**
 * Truncated and malicious `import` files (issue 16 item 4): gzip bombs, deep JSON, huge strings,
 * random bytes, broken gzip, valid events mixed with garbage. The import must finish, count
 * every record (read = imported + duplicates + rejected), store only the valid events planted
 * in the files, and keep its memory bounded by one record.
 */
export interface ImportFuzzFigures {
  files: number;
  bytes: number;
  read: number;
  imported: number;
  rejected: number;
  rejectedByCode: Record<string, number>;
  /** RSS after a GC just before the import (the generated files are built in this process). */
  baseRssMb: number;
  peakRssMb: number;
  violations: string[];
}

const validEvent = (id: string) => ({
  eventId: id,
  eventName: 'DescribeInstances',
  serviceName: 'Ecs',
  eventTime: new Date(Date.now() - DAY_MS).toISOString().replace(/\.\d+Z$/, 'Z'),
});

type Piece = { kind: 'valid' } | { kind: 'garbage'; text: string } | { kind: 'deep'; n: number };
const piece = fc.oneof(
  { weight: 5, arbitrary: fc.constant<Piece>({ kind: 'valid' }) },
  { weight: 3, arbitrary: fuzzValue.map((text): Piece => ({ kind: 'garbage', text })) },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 10, max: 100_000 }).map((n): Piece => ({ kind: 'deep', n })),
  },
);

const fileSpec = fc.record({
  // Mostly a file that starts well and goes bad somewhere: the reader must keep what came before.
  pieces: fc
    .tuple(
      fc.oneof({ weight: 3, arbitrary: fc.constant<Piece>({ kind: 'valid' }) }, piece),
      fc.array(piece, { minLength: 1, maxLength: 30, size: 'medium' }),
    )
    .map(([first, rest]) => [first, ...rest]),
  shape: fc.constantFrom('ndjson', 'array'),
  gzip: fc.boolean(),
  // One file in four is cut short somewhere.
  truncate: fc.oneof(
    { weight: 3, arbitrary: fc.constant(null) },
    { weight: 1, arbitrary: fc.double({ min: 0, max: 1, noNaN: true }) },
  ),
});

/** `bombsMb`: how far the gzip bombs inflate (the fast test keeps them small). */
export async function runImportFuzz(
  app: TestApp,
  count: number,
  seed: number,
  bombsMb: readonly number[] = [4, 32, 256],
) {
  const dir = await mkdtemp(path.join(tmpdir(), 'opentrail-import-fuzz-'));
  const f: ImportFuzzFigures = {
    files: 0,
    bytes: 0,
    read: 0,
    imported: 0,
    rejected: 0,
    rejectedByCode: {},
    baseRssMb: 0,
    peakRssMb: 0,
    violations: [],
  };
  // Every valid event put in a file; those that must be imported whatever surrounds them: NDJSON
  // files that start with an event (the first byte tells the format) and are read in full; a
  // broken line costs only itself there, unlike in a JSON array.
  const written = new Set<string>();
  const planted = new Set<string>();
  const files: { path: string; size: number }[] = [];
  try {
    const withBomb = fc.record({
      spec: fileSpec,
      // One file in six is a gzip bomb.
      bombMb: fc.oneof(
        { weight: 5, arbitrary: fc.constant(null) },
        { weight: 1, arbitrary: fc.constantFrom(...bombsMb) },
      ),
    });
    const specs = fc
      .sample(withBomb, { numRuns: count, seed })
      .map(({ spec, bombMb }) => ({ ...spec, bombMb }));
    for (const [i, spec] of specs.entries()) {
      const items = spec.pieces.map((p, j) => {
        if (p.kind === 'valid') {
          const id = `fuzz-import-${seed}-${i}-${j}`;
          written.add(id);
          const whole = spec.shape === 'ndjson' && !spec.truncate && !spec.bombMb;
          if (whole && spec.pieces[0]?.kind === 'valid') planted.add(id);
          return JSON.stringify(validEvent(id));
        }
        return p.kind === 'deep' ? '['.repeat(p.n) : p.text;
      });
      let body = Buffer.from(spec.shape === 'ndjson' ? items.join('\n') : `[${items.join(',')}]`);
      if (spec.bombMb) {
        // One element (or line) that inflates to bombMb MB: a few KB of gzip.
        const open = spec.shape === 'ndjson' ? '{"eventId":"' : '[{"eventId":"';
        body = Buffer.concat([Buffer.from(open), Buffer.alloc(spec.bombMb * 1024 * 1024, 0x41)]);
      }
      if (spec.gzip || spec.bombMb) body = gzipSync(body);
      if (spec.truncate) body = body.subarray(0, Math.floor(body.length * spec.truncate));
      const file = path.join(
        dir,
        `f${i}.${spec.shape === 'ndjson' ? 'ndjson' : 'json'}${spec.gzip ? '.gz' : ''}`,
      );
      await writeFile(file, body);
      files.push({ path: file, size: (await stat(file)).size });
      f.bytes += body.length;
      body = Buffer.alloc(0);
    }
    f.files = files.length;
    (globalThis as { gc?: () => void }).gc?.();
    f.baseRssMb = Math.round(process.memoryUsage().rss / 1e6);
    let peak = 0;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 10);
    try {
      const summary = await importEventFiles({
        db: app.handle.db,
        files,
        clock: systemClock,
        validation: {
          accountId: app.key.accountId,
          retentionMs: 90 * DAY_MS,
          regions: app.services.config.regions,
          defaultRegion: 'cn-hangzhou',
        },
      });
      Object.assign(f, {
        read: summary.read,
        imported: summary.imported,
        rejected: summary.rejected,
        rejectedByCode: summary.rejectedByCode,
      });
      if (summary.read !== summary.imported + summary.duplicates + summary.rejected) {
        f.violations.push(`import counts do not add up: ${JSON.stringify(summary)}`);
      }
    } catch (err) {
      f.violations.push(`import threw: ${String(err)}`);
    } finally {
      clearInterval(sampler);
    }
    f.peakRssMb = Math.round(peak / 1e6);
    const stored = await app.handle.db
      .selectFrom('events')
      .select('event_id')
      .where('event_id', 'like', 'fuzz-import-%')
      .execute();
    const ids = new Set(stored.map((s) => s.event_id));
    for (const id of ids) if (!written.has(id)) f.violations.push(`stored ${id}, never written`);
    for (const id of planted) if (!ids.has(id)) f.violations.push(`valid event ${id} not imported`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return f;
}
