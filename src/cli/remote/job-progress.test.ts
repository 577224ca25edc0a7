import { describe, expect, it } from 'vitest';
import {
  eta,
  formatDuration,
  RateTracker,
  regionLine,
  regionViews,
  summaryLines,
} from './job-progress.js';
import { barDetail } from './jobs-watch.js';

describe('jobs watch: what a region line shows', () => {
  it('shows only the status when the server sends no counters (before [C2])', () => {
    const [view] = regionViews({ Status: [{ Region: 'cn-hangzhou', Status: 1 }] });
    expect(view).toEqual({ region: 'cn-hangzhou', status: 1 });
    expect(regionLine(view!)).toBe('cn-hangzhou     running');
    expect(barDetail(view!, undefined, undefined)).toBe('running');
  });

  it('shows delivered/total, percent, events/s, ETA and errors when the server sends them', () => {
    const [view] = regionViews({
      Status: [
        {
          Region: 'cn-shanghai',
          Status: 1,
          TotalEvents: 3000,
          DeliveredEvents: 1200,
          ErrorCount: 2,
          ErrorCode: 'Throttled',
        },
      ],
    });
    expect(view).toMatchObject({ delivered: 1200, total: 3000, percent: 40, errors: 2 });
    expect(regionLine(view!, 300)).toBe(
      'cn-shanghai     running    1,200/3,000 events  40%  300 events/s  ETA 6s  2 errors  (Throttled)',
    );
    expect(barDetail(view!, 300, 6)).toBe(
      'running | 1,200/3,000 events | 300 events/s | ETA 6s | 2 errors | (Throttled)',
    );
  });

  it('reads Progress as a percentage or a fraction', () => {
    const views = regionViews({
      Status: [
        { Region: 'a', Status: 1, Progress: 25 },
        { Region: 'b', Status: 1, Progress: 0.5 },
      ],
    });
    expect(views.map((v) => v.percent)).toEqual([25, 50]);
  });

  it('a job without a Status list has no regions (never a crash)', () => {
    expect(regionViews({ JobId: 1 })).toEqual([]);
  });
});

describe('jobs watch: rates, ETA and the summary', () => {
  it('computes events/s over the polls and an ETA from what is left', () => {
    const rates = new RateTracker();
    expect(rates.add('r', 0, 0)).toBeUndefined();
    expect(rates.add('r', 2000, 1000)).toBe(500);
    expect(eta({ region: 'r', status: 1, delivered: 1000, total: 3000 }, 500)).toBe(4);
    expect(eta({ region: 'r', status: 1, delivered: 1000 }, 500)).toBeUndefined();
    expect(eta({ region: 'r', status: 2, delivered: 3000, total: 3000 }, 0)).toBe(0);
  });

  it('formats durations people read', () => {
    expect(formatDuration(4.4)).toBe('4s');
    expect(formatDuration(125)).toBe('2m05s');
    expect(formatDuration(7260)).toBe('2h01m');
    expect(formatDuration(Number.POSITIVE_INFINITY)).toBe('?');
  });

  it('summarises the end: status, regions and the events delivered when counted', () => {
    const lines = summaryLines(
      {
        JobId: 7,
        JobStatus: 3,
        State: 'Failed',
        Status: [
          { Region: 'cn-hangzhou', Status: 2, DeliveredEvents: 10, TotalEvents: 10 },
          { Region: 'cn-shanghai', Status: 3, DeliveredEvents: 5, TotalEvents: 10 },
        ],
      },
      65,
    );
    expect(lines[0]).toBe('job 7 failed (Failed) after 1m05s: 2 regions, 15 events delivered');
    expect(lines[2]).toMatch(/^ {2}cn-shanghai\s+failed\s+5\/10 events\s+50%$/);
  });
});
