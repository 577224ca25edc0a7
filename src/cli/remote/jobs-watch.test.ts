import { afterEach, describe, expect, it, vi } from 'vitest';
import { type ApiClient, ConnectionError, RemoteApiError } from './api-client.js';
import { watchJob } from './jobs-watch.js';

function clientAnswering(...answers: (Record<string, unknown> | Error)[]): ApiClient {
  const call = vi.fn(async () => {
    const next = answers.length > 1 ? answers.shift() : answers[0];
    if (next instanceof Error) throw next;
    return next as Record<string, unknown>;
  });
  return { endpoint: 'http://x', call, putEvents: vi.fn() };
}

const opts = { intervalMs: 1, json: true, quiet: true, tty: false };
const done = (status: number) => ({ JobId: 1, JobStatus: status, Status: [] });

describe('jobs watch ends with the job', () => {
  afterEach(() => vi.restoreAllMocks());

  it('exits 0 at status 2 and 1 at status 3', async () => {
    vi.spyOn(process.stdout, 'write').mockReturnValue(true);
    expect(await watchJob(clientAnswering(done(1), done(2)), '1', opts)).toBe(0);
    expect(await watchJob(clientAnswering(done(0), done(3)), '1', opts)).toBe(1);
  });

  it('rides out a node restart (connection refused, 503) and gives up after 5 in a row', async () => {
    vi.spyOn(process.stdout, 'write').mockReturnValue(true);
    const stderr = vi.spyOn(process.stderr, 'write').mockReturnValue(true);
    const down = new ConnectionError('http://x', 'cannot reach http://x (ECONNREFUSED)');
    const busy = new RemoteApiError(503, 'ServiceUnavailable', 'busy');
    expect(await watchJob(clientAnswering(done(1), down, busy, done(2)), '1', opts)).toBe(0);
    expect(stderr).toHaveBeenCalledWith(expect.stringMatching(/ECONNREFUSED.*; retrying/));
    await expect(watchJob(clientAnswering(down), '1', opts)).rejects.toBe(down);
  });

  it('does not retry what a retry cannot fix (an unknown job)', async () => {
    const missing = new RemoteApiError(404, 'DeliveryHistoryJobNotFound', 'no');
    const client = clientAnswering(missing);
    await expect(watchJob(client, '9', opts)).rejects.toBe(missing);
    expect(client.call).toHaveBeenCalledTimes(1);
  });

  it('stops at --timeout with exit 7 while the job still runs', async () => {
    vi.spyOn(process.stdout, 'write').mockReturnValue(true);
    vi.spyOn(process.stderr, 'write').mockReturnValue(true);
    expect(
      await watchJob(clientAnswering(done(1)), '1', { ...opts, intervalMs: 5, timeoutMs: 20 }),
    ).toBe(7);
  });
});
