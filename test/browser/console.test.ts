import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIngestRequest, sendIngestRequest } from '../../src/api/ingest/ingest-client.js';
import { setAccessKeyStatus } from '../../src/db/repositories/access-keys.repository.js';
import { HOUR_MS } from '../../src/lib/time.js';
import { sampleEvent } from '../helpers/sample-events.js';
import { call, callExpectingError } from '../helpers/sdk-clients.js';
import { REPO_ROOT } from '../helpers/server-process.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

/** Debian's chromium (installed by .ci/run); CHROMIUM_PATH may point elsewhere. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Flags for a headless browser on a closed network: nothing phones home, no sandbox in CI. */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--no-first-run',
  '--no-default-browser-check',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-default-apps',
  '--disable-sync',
  '--disable-domain-reliability',
  '--metrics-recording-only',
  '--disable-features=Translate,OptimizationHints,MediaRouter,AutofillServerCommunication',
];
// [F3]: without Chromium (a machine with only Node and a C++ toolchain) the browser tests skip
// with a notice instead of failing `npm test`; .ci/run installs Debian's chromium.
const HAS_CHROMIUM = existsSync(CHROMIUM);
if (!HAS_CHROMIUM) {
  process.stderr.write(
    `\nopentrail: browser tests skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)\n\n`,
  );
}
const ARTIFACTS = path.join(REPO_ROOT, 'test-results', 'console');
const SEEDED = 30;
const SESSION_TTL_SECONDS = 3600;

describe.runIf(HAS_CHROMIUM)('web console in headless Chromium', () => {
  // The clock moves forward at the end to expire the session; everything else runs in real time.
  const skew = { ms: 0 };
  let app: TestApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let seededIds: string[];

  const shot = (name: string) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
  const signedKey = () => ({
    accessKeyId: app.key.accessKeyId,
    accessKeySecret: app.key.accessKeySecret,
  });

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    [app, browser] = await Promise.all([
      startTestApp({
        clock: { now: () => Date.now() + skew.ms },
        env: {
          OPENTRAIL_REGIONS: 'cn-hangzhou,cn-shanghai',
          OPENTRAIL_CONSOLE_SESSION_TTL_SECONDS: String(SESSION_TTL_SECONDS),
          OPENTRAIL_DELIVERY_POLL_MS: '100',
        },
      }),
      chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS }),
    ]);
    // The delivery engine starts in the jobs test, so a job can be seen queued, stopped, retried.
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
    page.on('dialog', (d) => void d.accept());

    // Management events over the last two days, one with markup in the user name.
    const now = Date.now();
    const events = Array.from({ length: SEEDED }, (_, i) =>
      sampleEvent(
        now - (i + 1) * 1.5 * HOUR_MS,
        { acsRegion: i % 3 === 0 ? 'cn-shanghai' : 'cn-hangzhou' },
        { userName: i === 0 ? '<img src=x onerror=alert(1)>' : 'alice' },
      ),
    );
    seededIds = events.map((e) => String(e.eventId));
    const res = await sendIngestRequest(
      buildIngestRequest({ ...signedKey(), host: app.host, events }),
    );
    expect(res.body.Accepted).toBe(SEEDED);
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('an unknown key and a wrong secret are refused on the sign-in form, and no cookie is set', async () => {
    await page.goto(`${app.url}/console`);
    await page.locator('#sign-in-form').waitFor();
    expect(await page.locator('#nav').isVisible()).toBe(false);

    await page.fill('input[name=AccessKeyId]', 'LTAInosuchkey0000001');
    await page.fill('input[name=AccessKeySecret]', 'whatever');
    await page.click('#sign-in-form button[type=submit]');
    await expect
      .poll(() => page.textContent('#sign-in-error'))
      .toContain('InvalidAccessKeyId.NotFound');

    await page.fill('input[name=AccessKeyId]', app.key.accessKeyId);
    await page.fill('input[name=AccessKeySecret]', 'not-the-secret');
    await page.click('#sign-in-form button[type=submit]');
    await expect
      .poll(() => page.textContent('#sign-in-error'))
      .toContain('InvalidAccessKeySecret.Mismatch');
    expect(await context.cookies()).toEqual([]);
    await shot('01-sign-in-refused');
  });

  it('signing in gives an HttpOnly SameSite=Strict session cookie; the secret stays nowhere in the page', async () => {
    await page.fill('input[name=AccessKeyId]', app.key.accessKeyId);
    await page.fill('input[name=AccessKeySecret]', app.key.accessKeySecret);
    await page.click('#sign-in-form button[type=submit]');
    await page.locator('#nav').waitFor();
    expect(await page.textContent('#who')).toContain(app.key.accountId);
    expect(page.url()).toContain('#/trails');

    const cookies = await context.cookies();
    expect(cookies).toHaveLength(1);
    expect(cookies[0]).toMatchObject({
      name: 'opentrail_console',
      httpOnly: true,
      sameSite: 'Strict',
      path: '/console',
    });
    // Evaluated in the page (a string: this project compiles without the DOM types).
    const stored = (await page.evaluate(`({
      cookie: document.cookie,
      local: JSON.stringify(localStorage),
      session: JSON.stringify(sessionStorage),
      html: document.documentElement.outerHTML,
      field: document.querySelector('input[name=AccessKeySecret]').value,
    })`)) as Record<string, string>;
    expect(stored.cookie).toBe('');
    for (const v of [stored.local, stored.session, stored.html, stored.field]) {
      expect(v).not.toContain(app.key.accessKeySecret);
    }
  });

  it('CSRF: a console call without the token, with a wrong one, or from another origin is 403', async () => {
    const statuses = await page.evaluate(async () => {
      const post = (headers: Record<string, string>) =>
        fetch('/console/api/actions/CreateTrail', {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify({ Name: 'forged-trail', OssBucketName: 'forged-bucket' }),
        }).then(async (r) => ({
          status: r.status,
          body: (await r.json()) as Record<string, unknown>,
        }));
      return [await post({}), await post({ 'x-csrf-token': 'guessed' })];
    });
    for (const s of statuses) {
      expect(s.status).toBe(403);
      expect(s.body).toMatchObject({ Code: 'ConsoleSession.InvalidCsrfToken' });
      expect(Object.keys(s.body)).toEqual(['RequestId', 'HostId', 'Code', 'Message', 'Recommend']);
    }
    // The right token from another site's page: the Origin gives it away.
    const cookie = (await context.cookies())[0];
    const token = await page.evaluate(() =>
      fetch('/console/api/session').then(
        async (r) => ((await r.json()) as { CsrfToken: string }).CsrfToken,
      ),
    );
    const foreign = await fetch(`${app.url}/console/api/actions/CreateTrail`, {
      method: 'POST',
      headers: {
        cookie: `${cookie?.name}=${cookie?.value}`,
        'x-csrf-token': token,
        origin: 'https://evil.example',
      },
      body: JSON.stringify({ Name: 'forged-trail', OssBucketName: 'forged-bucket' }),
    });
    expect(foreign.status).toBe(403);
    const trails = await call('openapi V3', app, signedKey(), 'DescribeTrails');
    expect(trails.TrailList).toEqual([]);
  });

  it('trails page: create a trail, start logging; the signed API sees the same trail', async () => {
    // A refused create shows the API's error code and message on the page.
    await page.click('#new-trail');
    await page.fill('#trail-form input[name=Name]', 'x');
    await page.fill('#trail-form input[name=OssBucketName]', 'some-bucket');
    await page.click('#trail-form button[type=submit]');
    await expect.poll(() => page.textContent('#notice')).toContain('InvalidTrailNameException');
    await page.locator('#trail-form').getByRole('button', { name: 'Cancel' }).click();

    await page.click('#new-trail');
    await page.fill('#trail-form input[name=Name]', 'console-trail');
    await page.fill(
      '#trail-form input[name=SlsProjectArn]',
      `acs:log:cn-hangzhou:${app.key.accountId}:project/audit`,
    );
    await page.click('#trail-form button[type=submit]');
    const row = page.locator('tr[data-trail="console-trail"]');
    await row.waitFor();
    expect(await row.locator('.logging').textContent()).toBe('Stopped');
    await row.getByRole('button', { name: 'Start logging' }).click();
    await expect.poll(() => row.locator('.logging').textContent()).toBe('Logging');
    await shot('02-trails');

    const status = await call('openapi V3', app, signedKey(), 'GetTrailStatus', {
      Name: 'console-trail',
    });
    expect(status.IsLogging).toBe(true);
  });

  it('jobs page: create a job, stop and retry it, then watch it reach status 2 with its counters per region', async () => {
    await page.click('nav a[data-page=jobs]');
    await page.locator('#job-form select[name=TrailName]').waitFor();
    await page.click('#job-form button[type=submit]');
    const status = page.locator('#job-status');
    const detail = page.locator('#job-detail');
    // No engine runs yet: the job waits in the queue.
    await expect.poll(() => status.textContent()).toBe('Not started (0)');
    expect(await detail.textContent()).toContain('Queued');
    await detail.getByRole('button', { name: 'Stop' }).click();
    await expect.poll(() => status.textContent()).toBe('Failed (3)');
    expect(await detail.textContent()).toContain('Stopped');
    expect(await detail.getByRole('button', { name: 'Stop' }).isDisabled()).toBe(true);
    await detail.getByRole('button', { name: 'Retry' }).click();
    await expect.poll(() => status.textContent()).toBe('Not started (0)');

    // The engine starts; the page, polling on its own, follows the job to the end.
    app.engine.start();
    await expect.poll(() => status.getAttribute('data-status'), { timeout: 30_000 }).toBe('2');
    expect(await status.textContent()).toContain('Finished (2)');

    const delivered = await page.textContent('[data-counter="Delivered"]');
    const [done, total] = String(delivered).split(' / ').map(Number);
    // The seeded events plus the console's own self-audit events so far.
    expect(total).toBeGreaterThan(SEEDED);
    expect(done).toBe(total);
    const regions = page.locator('table[aria-label=Regions] tbody tr');
    expect(await regions.count()).toBe(2);
    expect(await regions.allTextContents()).toEqual([
      expect.stringMatching(/^cn-hangzhouFinished/),
      expect.stringMatching(/^cn-shanghaiFinished/),
    ]);
    expect(await page.textContent('#job-detail')).toContain('No failed deliveries.');
    await expect.poll(() => page.locator('tr[data-job] .status-2').count()).toBe(1);
    await shot('03-job-finished');

    // Delete it from the page: gone from the list and from the signed API.
    const jobId = Number(await page.locator('tr[data-job]').getAttribute('data-job'));
    await page.locator('#job-detail').getByRole('button', { name: 'Delete' }).click();
    await expect.poll(() => page.textContent('#job-list')).toBe('No jobs yet.');
    const gone = await callExpectingError('openapi V3', app, signedKey(), 'GetDeliveryHistoryJob', {
      JobId: jobId,
    });
    expect(gone.code).toBe('DeliveryHistoryJobNotFound');
  });

  it('events page: filter, timeline per hour, paging, open an event with the keyboard', async () => {
    await page.click('nav a[data-page=events]');
    await page.locator('#events-form').waitFor();
    await page.selectOption('select[name="LookupAttribute.1.Key"]', 'ServiceName');
    await page.fill('input[name="LookupAttribute.1.Value"]', 'Ecs');
    await page.click('#events-form button[type=submit]');
    await expect.poll(() => page.textContent('#event-count')).toBe('20 events shown');
    expect(await page.textContent('#timeline-summary')).toContain(`${SEEDED} events in the window`);
    const bars = await page.$$eval('svg.timeline rect.hour', (rects) =>
      rects.map((r) => Number(r.getAttribute('data-count'))),
    );
    expect(bars.reduce((a, b) => a + b, 0)).toBe(SEEDED);
    // Each seeded hour holds one event, the most in any hour: its bar has the chart's height.
    const tallest = await page.locator('svg.timeline rect.hour').first().boundingBox();
    expect(tallest?.height).toBeGreaterThan(100);

    await page.click('#next-page');
    await expect.poll(() => page.textContent('#event-count')).toBe(`${SEEDED} events shown`);
    const shownIds = await page.$$eval('tr[data-event-id]', (rows) =>
      rows.map((r) => r.getAttribute('data-event-id')),
    );
    expect(new Set(shownIds)).toEqual(new Set(seededIds));
    // Markup in event data is shown as text, never run.
    expect(await page.locator('td', { hasText: '<img src=x onerror=alert(1)>' }).count()).toBe(1);

    await page.locator('#timeline').scrollIntoViewIfNeeded();
    await shot('04-events-timeline');
    const first = page.locator('tr[data-event-id]').first();
    await first.focus();
    await page.keyboard.press('Enter');
    const json = JSON.parse(String(await page.textContent('#event-json'))) as Record<
      string,
      unknown
    >;
    expect(json.eventId).toBe(await first.getAttribute('data-event-id'));
    expect(json.serviceName).toBe('Ecs');
    await shot('04-events-json');
  });

  it('export: the whole result as NDJSON, one event per line', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export')]);
    expect(download.suggestedFilename()).toMatch(/^events-.*\.ndjson$/);
    const file = await download.path();
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(SEEDED);
    const ids = lines.map((l) => (JSON.parse(l) as { eventId: string }).eventId);
    expect(new Set(ids)).toEqual(new Set(seededIds));
  });

  it('every console call was self-audited as the signed-in key', async () => {
    const page1 = await call('openapi V3', app, signedKey(), 'LookupEvents', {
      'LookupAttribute.1.Key': 'EventName',
      'LookupAttribute.1.Value': 'CreateTrail',
    });
    const created = page1.Events as Array<Record<string, unknown>>;
    // The refused create (bad name) is recorded with its error; the forged ones (no CSRF
    // token) were refused before the session counted, so they are not.
    expect(created).toHaveLength(2);
    expect(created[1]).toMatchObject({
      errorCode: 'InvalidTrailNameException',
      requestParameters: { Name: 'x' },
    });
    expect(created[0]).toMatchObject({
      serviceName: 'Actiontrail',
      requestParameters: { Name: 'console-trail' },
      userIdentity: { accessKeyId: app.key.accessKeyId },
    });
    expect(String(created[0]?.userAgent)).toContain('HeadlessChrome');
    const signins = await call('openapi V3', app, signedKey(), 'LookupEvents', {
      'LookupAttribute.1.Key': 'EventName',
      'LookupAttribute.1.Value': 'ConsoleSignin',
    });
    expect(signins.Events).toHaveLength(1);
  });

  it('trails page: edit a trail and stop logging', async () => {
    await page.click('nav a[data-page=trails]');
    const row = page.locator('tr[data-trail="console-trail"]');
    await row.waitFor();
    // Edit: write events only.
    await row.getByRole('button', { name: 'Edit' }).click();
    expect(await page.inputValue('#trail-form input[name=Name]')).toBe('console-trail');
    await page.selectOption('#trail-form select[name=EventRW]', 'Write');
    await page.click('#trail-form button[type=submit]');
    await expect.poll(() => row.locator('td').nth(2).textContent()).toBe('Write · All');
    const described = await call('openapi V3', app, signedKey(), 'DescribeTrails');
    expect(described.TrailList).toMatchObject([{ Name: 'console-trail', EventRW: 'Write' }]);
    await row.getByRole('button', { name: 'Stop logging' }).click();
    await expect.poll(() => row.locator('.logging').textContent()).toBe('Stopped');
  });

  it('keyboard: the skip link leads to the content, and a trail form opens and closes with keys alone', async () => {
    // A reload keeps the session (the cookie) and asks for the CSRF token again.
    await page.click('nav a[data-page=trails]');
    await page.reload();
    await page.locator('tr[data-trail="console-trail"]').waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.className')).toBe('skip');
    await page.keyboard.press('Enter');
    expect(await page.evaluate('document.activeElement.id')).toBe('main');
    expect(page.url()).toMatch(/#\/trails$/);
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.id')).toBe('new-trail');
    await page.keyboard.press('Enter');
    expect(await page.evaluate('document.activeElement.name')).toBe('Name');
    await page.keyboard.press('Escape');
    expect(await page.locator('#trail-form').count()).toBe(0);
    expect(await page.evaluate('document.activeElement.id')).toBe('new-trail');
  });

  it('phone width: the pages fit 390 px without sideways scrolling of the page', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    for (const name of ['trails', 'jobs', 'events']) {
      await page.click(`nav a[data-page=${name}]`);
      await page.locator(`#page[data-page=${name}] h1`).waitFor();
      await page.waitForLoadState('networkidle');
      const width = Number(await page.evaluate('document.documentElement.scrollWidth'));
      expect(width, name).toBeLessThanOrEqual(390);
      await shot(`05-phone-${name}`);
    }
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('console API: a malformed body or an unknown Action is a 4xx in the API error shape, never a 500', async () => {
    const answers = await page.evaluate(async () => {
      const token = ((await (await fetch('/console/api/session')).json()) as { CsrfToken: string })
        .CsrfToken;
      const post = (url: string, body: string) =>
        fetch(url, { method: 'POST', headers: { 'x-csrf-token': token }, body }).then(
          async (r) => ({ status: r.status, code: ((await r.json()) as { Code: string }).Code }),
        );
      return [
        await post('/console/api/actions/DescribeTrails', '{not json'),
        await post('/console/api/actions/DescribeTrails', '[1,2]'),
        await post('/console/api/actions/LookupEvents', '{"MaxResults":{"a":1}}'),
        await post('/console/api/actions/NoSuchAction', '{}'),
        await post('/console/api/actions/LookupEvents', '{"MaxResults":"500"}'),
      ];
    });
    expect(answers).toEqual([
      { status: 400, code: 'InvalidParameter' },
      { status: 400, code: 'InvalidParameter' },
      { status: 400, code: 'InvalidParameter' },
      { status: 404, code: 'InvalidAction.NotFound' },
      { status: 400, code: 'InvalidParameter' },
    ]);
  });

  it('signing out ends the session; a key disabled after sign-in loses its session', async () => {
    const before = (await context.cookies())[0];
    await page.click('#sign-out');
    await page.locator('#sign-in').waitFor();
    expect(await page.textContent('#sign-in-error')).toBe('Signed out.');
    expect(await context.cookies()).toEqual([]);
    const replay = await fetch(`${app.url}/console/api/session`, {
      headers: { cookie: `${before?.name}=${before?.value}` },
    });
    expect(replay.status).toBe(401);

    // A second key signs in (no browser needed), then is disabled.
    const other = await app.newKey();
    const signIn = await fetch(`${app.url}/console/api/session`, {
      method: 'POST',
      body: JSON.stringify({
        AccessKeyId: other.accessKeyId,
        AccessKeySecret: other.accessKeySecret,
      }),
    });
    expect(signIn.status).toBe(200);
    const cookie = String(signIn.headers.get('set-cookie')).split(';')[0] ?? '';
    const ok = await fetch(`${app.url}/console/api/session`, { headers: { cookie } });
    expect(ok.status).toBe(200);
    await setAccessKeyStatus(app.handle.db, other.accessKeyId, 'Inactive');
    const after = await fetch(`${app.url}/console/api/session`, { headers: { cookie } });
    expect(after.status).toBe(401);
    expect(await after.json()).toMatchObject({ Code: 'ConsoleSession.Required' });

    // Back in for the last test.
    await page.fill('input[name=AccessKeyId]', app.key.accessKeyId);
    await page.fill('input[name=AccessKeySecret]', app.key.accessKeySecret);
    await page.click('#sign-in-form button[type=submit]');
    await page.locator('#nav').waitFor();
  });

  it('an expired session is refused: the page returns to sign-in and the cookie no longer works', async () => {
    const cookie = (await context.cookies())[0];
    skew.ms = (SESSION_TTL_SECONDS + 1) * 1000;
    await page.click('nav a[data-page=trails]');
    await page.locator('#sign-in').waitFor();
    expect(await page.textContent('#sign-in-error')).toContain('Your session has ended');
    const replay = await fetch(`${app.url}/console/api/session`, {
      headers: { cookie: `${cookie?.name}=${cookie?.value}` },
    });
    expect(replay.status).toBe(401);
    expect(await replay.json()).toMatchObject({ Code: 'ConsoleSession.Required' });
    await shot('06-session-expired');
  });
});
