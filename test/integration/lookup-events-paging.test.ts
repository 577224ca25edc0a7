import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertEvents } from '../../src/db/repositories/events.repository.js';
import type { NewAccessKey } from '../../src/domain/accounts/access-keys.js';
import { ManualClock } from '../../src/lib/clock.js';
import { DAY_MS, formatIsoSeconds, HOUR_MS } from '../../src/lib/time.js';
import { type SampleEvent, sampleEvent } from '../helpers/sample-events.js';
import { type ClientKey, call, callExpectingError, type Variant } from '../helpers/sdk-clients.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

/** NextToken paging: complete, stable under inserts, and bound to account and parameters. */
let app: TestApp;
/** Starts at the real time (the SDKs sign with it) and moves only when a test says so. */
const clock = new ManualClock(Date.now());
let other: NewAccessKey;
const T0 = Math.floor((Date.now() - 3 * DAY_MS) / 1000) * 1000;
const WINDOW = {
  StartTime: formatIsoSeconds(T0 - HOUR_MS),
  EndTime: formatIsoSeconds(T0 + HOUR_MS),
};
const COUNT = 3000;
/** Seven events share each second, so the order within a second comes from the sequence. */
const bulk: SampleEvent[] = Array.from({ length: COUNT }, (_, i) =>
  sampleEvent(T0 - 30 * 60_000 + Math.floor(i / 7) * 1000, { serviceName: 'Bulk' }),
);
/** Spread over six UTC days with two empty days in between: pages cross day boundaries. */
const DAYS_START = Math.floor((Date.now() - 20 * DAY_MS) / DAY_MS) * DAY_MS;
const multiDay: SampleEvent[] = Array.from({ length: 600 }, (_, i) => {
  const day = [0, 1, 4, 5][i % 4] ?? 0;
  return sampleEvent(DAYS_START + day * DAY_MS + Math.floor(i / 4) * 60_000, {
    serviceName: 'Multi',
  });
}).sort((a, b) => String(a.eventTime).localeCompare(String(b.eventTime)));
const idsOf = (events: SampleEvent[]) => events.map((e) => String(e.eventId));
const FILTER = { 'LookupAttribute.1.Key': 'ServiceName', 'LookupAttribute.1.Value': 'Bulk' };

async function page(params: Record<string, unknown>, key: ClientKey = app.key, variant?: Variant) {
  const body = await call(variant ?? 'openapi V3', app, key, 'LookupEvents', params);
  return {
    ids: (body.Events as SampleEvent[]).map((e) => String(e.eventId)),
    next: body.NextToken as string | undefined,
    body,
  };
}

beforeAll(async () => {
  app = await startTestApp({ clock });
  other = await app.newKey({ newAccount: true });
  await insertEvents(app.handle.db, app.key.accountId, bulk);
  await insertEvents(app.handle.db, app.key.accountId, multiDay);
  await insertEvents(app.handle.db, other.accountId, bulk.slice(0, 100));
});
afterAll(async () => {
  await app?.close();
});

describe('LookupEvents paging', () => {
  it('walks thousands of events newest first without gaps or repeats while events arrive', async () => {
    const seen: string[] = [];
    let next: string | undefined;
    let pages = 0;
    do {
      const p = await page({ ...WINDOW, MaxResults: 50, ...(next ? { NextToken: next } : {}) });
      seen.push(...p.ids);
      next = p.next;
      pages += 1;
      if (pages === 10) {
        // Newer than the cursor: must not appear later, must not shift what follows.
        const late = Array.from({ length: 100 }, () => sampleEvent(T0, { serviceName: 'Late' }));
        await insertEvents(app.handle.db, app.key.accountId, late);
      }
    } while (next);
    expect(pages).toBe(COUNT / 50);
    expect(seen).toEqual(idsOf([...bulk].reverse()));
  });

  it('walks them oldest first with a filter, MaxResults may change between pages', async () => {
    const seen: string[] = [];
    let next: string | undefined;
    let size = 47;
    do {
      const params = { ...WINDOW, ...FILTER, Direction: 'FORWARD', MaxResults: size };
      const p = await page(
        next ? { ...params, NextToken: next } : params,
        app.key,
        'pop-core POST',
      );
      seen.push(...p.ids);
      next = p.next;
      size = size === 47 ? 50 : 47;
    } while (next);
    expect(seen).toEqual(idsOf(bulk));
  });

  it('fills pages across UTC days, skipping empty ones, in both directions', async () => {
    const range = {
      StartTime: formatIsoSeconds(DAYS_START),
      EndTime: formatIsoSeconds(DAYS_START + 6 * DAY_MS),
      'LookupAttribute.1.Key': 'ServiceName',
      'LookupAttribute.1.Value': 'Multi',
    };
    for (const direction of ['BACKWARD', 'FORWARD']) {
      const seen: string[] = [];
      let next: string | undefined;
      do {
        const params = { ...range, Direction: direction, MaxResults: 45 };
        const p = await page(next ? { ...params, NextToken: next } : params);
        if (next === undefined) expect(p.ids).toHaveLength(45);
        seen.push(...p.ids);
        next = p.next;
      } while (next);
      const want = idsOf(multiDay);
      expect(seen).toEqual(direction === 'FORWARD' ? want : want.reverse());
    }
  });

  it('keeps the default range (last 7 days) across pages when no time is given', async () => {
    const first = await page({ ...FILTER, MaxResults: 50 });
    clock.advance(60_000); // "now" moves on between the pages
    const second = await page({ ...FILTER, MaxResults: 50, NextToken: first.next });
    expect(second.body.StartTime).toBe(first.body.StartTime);
    expect(second.body.EndTime).toBe(first.body.EndTime);
    expect([...first.ids, ...second.ids]).toEqual(idsOf([...bulk].reverse().slice(0, 100)));
  });

  it('sends no NextToken on a last page that is exactly full', async () => {
    const all = await page({
      ...WINDOW,
      'LookupAttribute.1.Key': 'EventId',
      'LookupAttribute.1.Value': String(bulk[0]?.eventId),
      MaxResults: 1,
    });
    expect(all.ids).toEqual([bulk[0]?.eventId]);
    expect(all.next).toBeUndefined();
    expect('NextToken' in all.body).toBe(false);
  });
});

describe('LookupEvents NextToken checks', () => {
  let token: string;
  beforeAll(async () => {
    token = (await page({ ...WINDOW, ...FILTER, MaxResults: 10 })).next ?? '';
    expect(token).not.toBe('');
  });
  const reject = async (params: Record<string, unknown>, key: ClientKey = app.key) => {
    const failure = await callExpectingError('openapi V3', app, key, 'LookupEvents', params);
    expect(failure).toMatchObject({ code: 'InvalidParameter', statusCode: 400 });
    expect(failure.message).toContain('NextToken');
  };

  it('accepts its own token with the same parameters', async () => {
    const p = await page({ ...WINDOW, ...FILTER, MaxResults: 10, NextToken: token });
    expect(p.ids).toEqual(idsOf([...bulk].reverse().slice(10, 20)));
  });

  it('rejects a forged or altered token', async () => {
    const [body, mac] = token.split('.') as [string, string];
    const altered = Buffer.from(
      Buffer.from(body, 'base64url')
        .toString()
        .replace(/,\d+\]$/, ',1]'),
    );
    await reject({ ...WINDOW, ...FILTER, NextToken: `${altered.toString('base64url')}.${mac}` });
    await reject({ ...WINDOW, ...FILTER, NextToken: 'eyJ0IjoxfQ' });
  });

  it("rejects another account's token", async () => {
    await reject({ ...WINDOW, ...FILTER, NextToken: token }, other);
  });

  it('rejects a token used with other conditions, times or direction', async () => {
    await reject({ ...WINDOW, NextToken: token });
    await reject({
      ...WINDOW,
      'LookupAttribute.1.Key': 'ServiceName',
      'LookupAttribute.1.Value': 'Ecs',
      NextToken: token,
    });
    await reject({ ...WINDOW, ...FILTER, Direction: 'FORWARD', NextToken: token });
    await reject({ ...FILTER, NextToken: token });
    await reject({
      ...FILTER,
      StartTime: WINDOW.StartTime,
      EndTime: formatIsoSeconds(T0),
      NextToken: token,
    });
  });
});
