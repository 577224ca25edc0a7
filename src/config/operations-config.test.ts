import { describe, expect, it } from 'vitest';
import { loadConfig } from './load-config.js';

describe('metrics and dev-mode configuration', () => {
  it('defaults: /metrics on the API port, dev mode off', () => {
    const c = loadConfig({ env: {} });
    expect(c.metrics).toEqual({ enabled: true });
    expect(c.dev).toEqual({ enabled: false, rateLimits: false, lookupEventsPerSecond: 20 });
  });

  it('reads the environment', () => {
    const c = loadConfig({
      env: {
        OPENTRAIL_METRICS_ENABLED: 'false',
        OPENTRAIL_METRICS_LISTEN: '0.0.0.0:9464',
        OPENTRAIL_DEV: 'true',
        OPENTRAIL_DEV_RATE_LIMITS: 'true',
        OPENTRAIL_DEV_LOOKUP_EVENTS_PER_SECOND: '5',
      },
    });
    expect(c.metrics).toEqual({ enabled: false, listen: '0.0.0.0:9464' });
    expect(c.dev).toEqual({ enabled: true, rateLimits: true, lookupEventsPerSecond: 5 });
    expect(loadConfig({ env: { OPENTRAIL_METRICS_LISTEN: '[::1]:9464' } }).metrics.listen).toBe(
      '[::1]:9464',
    );
  });

  it('names a listen address without a port', () => {
    expect(() => loadConfig({ env: { OPENTRAIL_METRICS_LISTEN: 'localhost' } })).toThrow(
      /metrics\.listen \(OPENTRAIL_METRICS_LISTEN\): must be host:port/,
    );
  });
});
