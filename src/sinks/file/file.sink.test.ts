import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSink } from '../create-sink.js';
import { type BatchContent, type Destination, isSinkError, SinkError } from '../sink.js';
import { createFileSink } from './file.sink.js';
import { toFileSinkError } from './file-errors.js';

const OSS: Destination = { kind: 'oss', bucket: 'audit-bucket', prefix: 'actiontrail' };
const SLS: Destination = {
  kind: 'sls',
  project: 'audit-project',
  logstore: 'actiontrail_trail-test',
  region: 'cn-hangzhou',
  accountId: '1234567890123456',
};

function batch(destination: Destination, events = ['{"eventId":"e-1","n":1}']): BatchContent {
  return {
    accountId: '1234567890123456',
    trailName: 'trail-test',
    region: 'cn-hangzhou',
    destination,
    bucketStart: Date.UTC(2021, 7, 5, 0, 25, 0),
    firstSeq: 41,
    lastSeq: 41,
    events,
  };
}

/** Every regular file under `dir`, relative, so stray temporary files would show up too. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true }).catch(() => [] as string[]);
  const files: string[] = [];
  for (const e of entries) if ((await stat(join(dir, e))).isFile()) files.push(e);
  return files.sort();
}

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'opentrail-file-sink-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('file sink', () => {
  it('writes an OSS batch to <root>/oss/<bucket>/<key> and acknowledges what it wrote', async () => {
    const sink = createFileSink({ root });
    const prepared = await sink.prepare(batch(OSS));
    const ack = await sink.deliver(prepared);
    expect(ack).toEqual({
      objectName: prepared.objectName,
      bytes: prepared.body.length,
      count: 1,
    });
    expect(prepared.objectName.startsWith('actiontrail/AliyunLogs/Actiontrail/')).toBe(true);
    const written = await readFile(join(root, 'oss', 'audit-bucket', prepared.objectName));
    expect(written.equals(prepared.body)).toBe(true);
    expect(await filesUnder(root)).toEqual([join('oss', 'audit-bucket', prepared.objectName)]);
  });

  it('writes an SLS batch to <root>/sls/<project>/<logstore>/…', async () => {
    const sink = createFileSink({ root });
    const prepared = await sink.prepare(batch(SLS));
    await sink.deliver(prepared);
    expect(
      prepared.objectName.startsWith('audit-project/actiontrail_trail-test/cn-hangzhou/'),
    ).toBe(true);
    const written = await readFile(join(root, 'sls', prepared.objectName), 'utf8');
    expect(JSON.parse(written.trim())).toMatchObject({ event: '{"eventId":"e-1","n":1}' });
    expect(await filesUnder(root)).toEqual([join('sls', prepared.objectName)]);
  });

  it('leaves exactly one identical file when the same batch is delivered twice', async () => {
    const sink = createFileSink({ root });
    const first = await sink.prepare(batch(OSS, ['{"a":1}', '{"b":2}']));
    await sink.deliver(first);
    const resent = await sink.prepare(batch(OSS, ['{"a":1}', '{"b":2}']));
    await sink.deliver(resent);
    await Promise.all([sink.deliver(resent), sink.deliver(resent)]);
    const files = await filesUnder(root);
    expect(files).toHaveLength(1);
    expect((await readFile(join(root, files[0] ?? ''))).equals(first.body)).toBe(true);
  });

  it('writes nothing when the signal is already aborted', async () => {
    const sink = createFileSink({ root });
    const prepared = await sink.prepare(batch(OSS));
    const controller = new AbortController();
    controller.abort(new Error('shutting down'));
    const err = await sink.deliver(prepared, controller.signal).catch((e: unknown) => e);
    expect(isSinkError(err) && err.details).toMatchObject({ code: 'Aborted', retryable: true });
    expect(await filesUnder(root)).toEqual([]);
  });

  it('fails without retry when the root is under a regular file', async () => {
    const file = join(root, 'not-a-directory');
    await writeFile(file, 'x');
    const sink = createFileSink({ root: join(file, 'delivery') });
    const err = await sink.deliver(await sink.prepare(batch(OSS))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SinkError);
    expect((err as SinkError).details).toMatchObject({ code: 'ENOTDIR', retryable: false });
    expect((err as SinkError).message).toContain('not-a-directory');
  });

  it('refuses destination names that would leave the delivery root', async () => {
    const sink = createFileSink({ root: join(root, 'delivery') });
    const prepared = await sink.prepare(batch({ kind: 'oss', bucket: '..', prefix: '' }));
    await expect(sink.deliver(prepared)).rejects.toMatchObject({
      details: { code: 'InvalidPath', retryable: false },
    });
    expect(await filesUnder(root)).toEqual([]);
  });

  it('retries full or failing disks but not permission problems', () => {
    const errno = (code: string) => Object.assign(new Error(code), { code });
    for (const code of ['ENOSPC', 'EIO', 'EDQUOT', 'EMFILE']) {
      expect(toFileSinkError(errno(code), '/x').details).toMatchObject({ code, retryable: true });
    }
    for (const code of ['EACCES', 'EPERM', 'EROFS']) {
      expect(toFileSinkError(errno(code), '/x').details).toMatchObject({ code, retryable: false });
    }
    expect(toFileSinkError(new Error('odd'), '/x').details).toMatchObject({
      code: 'IOError',
      retryable: true,
    });
  });

  it('is what createSink returns for now', async () => {
    const sink = createSink({ root });
    expect(sink.kind).toBe('file');
    await sink.deliver(await sink.prepare(batch(SLS)));
    expect(await filesUnder(root)).toHaveLength(1);
  });
});
