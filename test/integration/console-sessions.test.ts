import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NewAccessKey } from '../../src/domain/accounts/access-keys.js';
import { call } from '../helpers/sdk-clients.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * The console's sessions on both databases, through the in-process app (the browser tests in
 * test/browser cover the pages): STS keys, account scoping, origin checks, and that neither the
 * secret nor the cookie ends up in stored events.
 */
let app: TestApp;

async function signIn(form: Record<string, unknown>, headers: Record<string, string> = {}) {
  const res = await app.app.inject({
    method: 'POST',
    url: '/console/api/session',
    headers: { host: app.host, 'content-type': 'application/json', ...headers },
    payload: JSON.stringify(form),
  });
  const cookie = String(res.headers['set-cookie'] ?? '').split(';')[0] ?? '';
  return { status: res.statusCode, body: res.json() as Record<string, unknown>, cookie };
}

async function consoleCall(
  session: { cookie: string; body: Record<string, unknown> },
  action: string,
  params: Record<string, unknown> = {},
) {
  const res = await app.app.inject({
    method: 'POST',
    url: `/console/api/actions/${action}`,
    headers: {
      host: app.host,
      cookie: session.cookie,
      'x-csrf-token': String(session.body.CsrfToken),
    },
    payload: JSON.stringify(params),
  });
  return { status: res.statusCode, body: res.json() as Record<string, unknown> };
}

const formOf = (k: NewAccessKey) => ({
  AccessKeyId: k.accessKeyId,
  AccessKeySecret: k.accessKeySecret,
});

beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.close();
});

describe('console sessions', () => {
  it('an STS key signs in only with its SecurityToken, and its session ends with the key', async () => {
    const sts = await app.newKey({ sts: { ttlSeconds: 600 } });
    const without = await signIn(formOf(sts));
    expect(without.status).toBe(400);
    expect(without.body.Code).toBe('MissingSecurityToken');
    expect(without.cookie).toBe('');

    const wrong = await signIn({ ...formOf(sts), SecurityToken: 'CAISbm90aGluZw.abc' });
    expect(wrong.body.Code).toMatch(/^InvalidSecurityToken\./);

    const ok = await signIn({ ...formOf(sts), SecurityToken: sts.securityToken });
    expect(ok.status).toBe(200);
    expect(ok.cookie).toMatch(/^opentrail_console=/);
    expect(Date.parse(String(ok.body.ExpiresAt))).toBeLessThanOrEqual(Number(sts.expiresAt));
    const trails = await consoleCall(ok, 'DescribeTrails');
    expect(trails).toMatchObject({ status: 200, body: { TrailList: [] } });
  });

  it('a session sees only its own account', async () => {
    const arn = `acs:log:cn-hangzhou:${app.key.accountId}:project/audit`;
    await call('openapi V3', app, app.key, 'CreateTrail', {
      Name: 'owner-trail',
      SlsProjectArn: arn,
    });
    const stranger = await app.newKey({ newAccount: true });
    const session = await signIn(formOf(stranger));
    expect((await consoleCall(session, 'DescribeTrails')).body.TrailList).toEqual([]);
    const theirs = await consoleCall(session, 'GetTrailStatus', { Name: 'owner-trail' });
    expect(theirs).toMatchObject({ status: 404, body: { Code: 'TrailNotFoundException' } });

    const own = await signIn(formOf(app.key));
    const mine = await consoleCall(own, 'DescribeTrails');
    expect((mine.body.TrailList as Array<{ Name: string }>).map((t) => t.Name)).toEqual([
      'owner-trail',
    ]);
  });

  it('a sign-in posted from another site is refused (login CSRF)', async () => {
    const res = await signIn(formOf(app.key), { origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    expect(res.body.Code).toBe('ConsoleSession.InvalidCsrfToken');
    expect(res.cookie).toBe('');
    const same = await signIn(formOf(app.key), { origin: `http://${app.host}` });
    expect(same.status).toBe(200);
  });

  it('the sign-in is audited without the secret; no cookie, token or secret is ever stored', async () => {
    const session = await signIn(formOf(app.key));
    await consoleCall(session, 'DescribeTrails');
    const rows = await app.handle.db.selectFrom('events').select('event_json').execute();
    const stored = rows.map((r) => r.event_json).join('\n');
    expect(stored).toContain('"eventName":"ConsoleSignin"');
    expect(stored).not.toContain(app.key.accessKeySecret);
    expect(stored).not.toContain(session.cookie.split('=')[1]);
    expect(stored).not.toContain(String(session.body.CsrfToken));
  });

  // Last: it locks this address out of signing in for the rest of the file.
  it('after 10 failed sign-ins from one address even the right secret is refused for a while', async () => {
    for (let i = 0; i < 10; i++) {
      const bad = await signIn({ ...formOf(app.key), AccessKeySecret: `guess-${i}` });
      expect(bad.body.Code).toBe('InvalidAccessKeySecret.Mismatch');
    }
    const locked = await signIn(formOf(app.key));
    expect(locked.status).toBe(429);
    expect(locked.body).toMatchObject({ Code: 'Throttling.SignIn' });
    expect(String(locked.body.Message)).toMatch(/try again in \d+ s/);
    expect(locked.cookie).toBe('');
  });
});
