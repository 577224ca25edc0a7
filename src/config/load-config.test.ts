import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './load-config.js';

describe('loadConfig', () => {
  it('has the documented defaults', () => {
    const c = loadConfig({ env: {}, cwd: '/srv' });
    expect(c.host).toBe('127.0.0.1');
    expect(c.port).toBe(8080);
    expect(c.dataDir).toBe('/srv/data');
    expect(c.databasePath).toBe('/srv/data/opentrail.db');
    expect(c.region).toBe('cn-hangzhou');
    expect(c.regions).toContain('cn-shanghai');
    expect(c.auth.maxSkewSeconds).toBe(900);
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c.regions)).toBe(true);
  });

  it('layers file < env < flags', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ot-config-'));
    const file = path.join(dir, 'opentrail.json');
    writeFileSync(file, JSON.stringify({ port: 7000, host: '0.0.0.0', logLevel: 'warn' }));
    const c = loadConfig({
      file,
      env: { OPENTRAIL_PORT: '7100', OPENTRAIL_REGIONS: 'cn-hangzhou, cn-beijing' },
      flags: { port: 7200 },
      cwd: dir,
    });
    expect(c.port).toBe(7200);
    expect(c.host).toBe('0.0.0.0');
    expect(c.logLevel).toBe('warn');
    expect(c.regions).toEqual(['cn-hangzhou', 'cn-beijing']);
  });

  it('names the bad key and its env variable', () => {
    expect(() => loadConfig({ env: { OPENTRAIL_PORT: 'eighty' } })).toThrow(
      /port \(OPENTRAIL_PORT\)/,
    );
    expect(() => loadConfig({ env: { OPENTRAIL_REGION: 'mars-1' } })).toThrow(/region/);
    expect(() => loadConfig({ env: { OPENTRAIL_ACCESS_KEY_ID: 'abc' } })).toThrow(ConfigError);
    expect(() => loadConfig({ env: { OPENTRAIL_LOG_LEVEL: 'loud' } })).toThrow(/logLevel/);
  });

  it('keeps events 90 days unless retention.days or OPENTRAIL_RETENTION_DAYS says otherwise', () => {
    expect(loadConfig({ env: {} }).retention.days).toBe(90);
    expect(loadConfig({ env: { OPENTRAIL_RETENTION_DAYS: '30' } }).retention.days).toBe(30);
    const dir = mkdtempSync(path.join(tmpdir(), 'ot-config-'));
    const file = path.join(dir, 'opentrail.json');
    writeFileSync(file, JSON.stringify({ retention: { days: 7 } }));
    expect(loadConfig({ file, env: {} }).retention.days).toBe(7);
    expect(() => loadConfig({ env: { OPENTRAIL_RETENTION_DAYS: '0' } })).toThrow(
      /retention\.days \(OPENTRAIL_RETENTION_DAYS\)/,
    );
  });

  it('rejects a config file that is not JSON', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ot-config-'));
    const file = path.join(dir, 'bad.json');
    writeFileSync(file, '{ port: 1');
    expect(() => loadConfig({ file, env: {} })).toThrow(/not valid JSON/);
  });

  it('takes a PostgreSQL URL from OPENTRAIL_DATABASE_URL and never echoes a bad one', () => {
    expect(loadConfig({ env: {} }).databaseUrl).toBeUndefined();
    const url = 'postgres://ot:s3cret@db.internal:5432/opentrail';
    expect(loadConfig({ env: { OPENTRAIL_DATABASE_URL: url } }).databaseUrl).toBe(url);
    const bad = () => loadConfig({ env: { OPENTRAIL_DATABASE_URL: 'mysql://ot:s3cret@db/x' } });
    expect(bad).toThrow(/databaseUrl \(OPENTRAIL_DATABASE_URL\): must be a postgres:\/\//);
    expect(bad).not.toThrow(/s3cret/);
  });
});
