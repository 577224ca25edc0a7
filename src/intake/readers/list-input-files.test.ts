import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listInputFiles } from './list-input-files.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'opentrail-list-'));
  // An OSS-like export tree: AliyunLogs/Actiontrail/<region>/<yyyy>/<mm>/<dd>/…
  const day = join(dir, 'AliyunLogs', 'Actiontrail', 'cn-hangzhou', '2024', '05', '10');
  await mkdir(day, { recursive: true });
  await mkdir(join(dir, 'sls'), { recursive: true });
  const files: [string, string][] = [
    [join(day, '1234_CloudTrail_cn-hangzhou_20240510T1105Z_abc.json.gz'), 'gz'],
    [join(day, '1234_CloudTrail_cn-hangzhou_20240510T1100Z_abc.json.gz'), 'gz'],
    [join(dir, 'sls', 'export.log'), 'log'],
    [join(dir, 'sls', 'export.jsonl'), 'jsonl'],
    [join(dir, 'a.ndjson'), 'nd'],
    [join(dir, 'b.json'), 'json'],
    [join(dir, 'c.gz'), 'gz'],
    [join(dir, 'README.md'), 'skip'],
    [join(dir, 'events.csv'), 'skip'],
  ];
  for (const [path, content] of files) await writeFile(path, content);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('listInputFiles', () => {
  it('walks directories recursively, keeps input extensions, sorts by path', async () => {
    const files = await listInputFiles([dir]);
    const names = files.map((f) => f.path.slice(dir.length + 1));
    expect(names).toEqual([
      'AliyunLogs/Actiontrail/cn-hangzhou/2024/05/10/1234_CloudTrail_cn-hangzhou_20240510T1100Z_abc.json.gz',
      'AliyunLogs/Actiontrail/cn-hangzhou/2024/05/10/1234_CloudTrail_cn-hangzhou_20240510T1105Z_abc.json.gz',
      'a.ndjson',
      'b.json',
      'c.gz',
      'sls/export.jsonl',
      'sls/export.log',
    ]);
    expect(files.find((f) => f.path.endsWith('b.json'))?.size).toBe(4);
  });

  it('takes explicitly named files whatever their name, once', async () => {
    const csv = join(dir, 'events.csv');
    const files = await listInputFiles([csv, join(dir, 'sls'), join(dir, 'sls', 'export.log')]);
    expect(files.map((f) => f.path)).toEqual([
      csv,
      join(dir, 'sls', 'export.jsonl'),
      join(dir, 'sls', 'export.log'),
    ]);
  });

  it('fails on a missing path, naming it', async () => {
    await expect(listInputFiles([join(dir, 'missing')])).rejects.toThrow(/missing: ENOENT/);
  });
});
