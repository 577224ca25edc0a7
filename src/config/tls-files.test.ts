import { X509Certificate } from 'node:crypto';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './load-config.js';
import { generateSelfSigned, loadTlsMaterial } from './tls-files.js';

const tmp = () => mkdtempSync(path.join(tmpdir(), 'opentrail-tls-unit-'));

describe('TLS configuration', () => {
  it('a certificate without its key (or the reverse) is refused, naming the env variables', () => {
    expect(() => loadConfig({ env: { OPENTRAIL_TLS_CERT: '/x.pem' } })).toThrow(
      /tls.*OPENTRAIL_TLS_CERT \/ OPENTRAIL_TLS_KEY/s,
    );
    expect(() =>
      loadConfig({ env: {}, flags: { tls: { cert: 'a', key: 'b', selfSigned: true } } }),
    ).toThrow(/either a certificate .* or selfSigned/);
  });

  it('no TLS settings: plain HTTP', async () => {
    expect(await loadTlsMaterial(loadConfig({ env: { OPENTRAIL_DATA_DIR: tmp() } }))).toBe(
      undefined,
    );
  });

  it('an unreadable certificate file is a ConfigError naming the setting', async () => {
    const config = loadConfig({
      env: { OPENTRAIL_TLS_CERT: '/nonexistent/cert.pem', OPENTRAIL_TLS_KEY: '/nonexistent/k' },
    });
    await expect(loadTlsMaterial(config)).rejects.toThrow(ConfigError);
    await expect(loadTlsMaterial(config)).rejects.toThrow(/tls\.cert \(--tls-cert/);
  });

  it('selfSigned: generated once into <dataDir>/tls (key 0600), reused on the next start', async () => {
    const dataDir = tmp();
    const config = loadConfig({
      env: { OPENTRAIL_DATA_DIR: dataDir, OPENTRAIL_TLS_SELF_SIGNED: 'true' },
    });
    const first = await loadTlsMaterial(config);
    expect(first?.selfSigned).toBe(true);
    expect(first?.certFile).toBe(path.join(dataDir, 'tls', 'cert.pem'));
    expect(statSync(path.join(dataDir, 'tls', 'key.pem')).mode & 0o777).toBe(0o600);
    const second = await loadTlsMaterial(config);
    expect(second?.cert.equals(first?.cert ?? Buffer.alloc(0))).toBe(true);
  });

  it('the self-signed certificate is its own CA and names the loopback addresses and the host', async () => {
    const pems = await generateSelfSigned('trail.example.test');
    const cert = new X509Certificate(pems.cert);
    expect(cert.ca).toBe(true);
    expect(cert.checkHost('localhost')).toBe('localhost');
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(cert.checkHost('trail.example.test')).toBe('trail.example.test');
    expect(cert.verify(cert.publicKey)).toBe(true);
  });
});
