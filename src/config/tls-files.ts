import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import type { Config } from './config.js';
import { ConfigError } from './load-config.js';

/** What Node's https server takes. */
export interface TlsMaterial {
  cert: Buffer;
  key: Buffer;
  /** The certificate file clients must trust (NODE_EXTRA_CA_CERTS) when it is self-signed. */
  certFile: string;
  selfSigned: boolean;
}

const SELF_SIGNED_DAYS = 825;

/** Where `--tls-self-signed` keeps its pair: reused on restart, so clients keep trusting it. */
export function selfSignedPaths(dataDir: string): { cert: string; key: string } {
  return { cert: path.join(dataDir, 'tls', 'cert.pem'), key: path.join(dataDir, 'tls', 'key.pem') };
}

/**
 * The certificate and key to serve, or undefined for plain HTTP. A configured pair is read (an
 * unreadable file is a ConfigError naming the key, not a stack trace); `selfSigned` generates a
 * pair for localhost, 127.0.0.1, ::1 and the listen host once, then reuses it.
 */
export async function loadTlsMaterial(config: Config): Promise<TlsMaterial | undefined> {
  const { tls } = config;
  if (tls.cert && tls.key) {
    return {
      cert: readPem(tls.cert, 'tls.cert (--tls-cert, OPENTRAIL_TLS_CERT)'),
      key: readPem(tls.key, 'tls.key (--tls-key, OPENTRAIL_TLS_KEY)'),
      certFile: path.resolve(tls.cert),
      selfSigned: false,
    };
  }
  if (!tls.selfSigned) return undefined;
  const files = selfSignedPaths(config.dataDir);
  if (!existsSync(files.cert) || !existsSync(files.key)) {
    const pems = await generateSelfSigned(config.host);
    mkdirSync(path.dirname(files.cert), { recursive: true });
    writeFileSync(files.key, pems.key, { mode: 0o600 });
    chmodSync(files.key, 0o600);
    writeFileSync(files.cert, pems.cert);
  }
  return {
    cert: readFileSync(files.cert),
    key: readFileSync(files.key),
    certFile: files.cert,
    selfSigned: true,
  };
}

function readPem(file: string, what: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    throw new ConfigError(`${what}: cannot read ${file}: ${(e as Error).message}`);
  }
}

/**
 * A self-signed certificate that is its own CA (so NODE_EXTRA_CA_CERTS or a browser can trust it
 * directly), valid for the loopback names and the listen host.
 */
export async function generateSelfSigned(host: string): Promise<{ cert: string; key: string }> {
  const altNames: Array<{ type: 2; value: string } | { type: 7; ip: string }> = [
    { type: 2, value: 'localhost' },
    { type: 7, ip: '127.0.0.1' },
    { type: 7, ip: '::1' },
  ];
  const wildcard = host === '0.0.0.0' || host === '::';
  if (!wildcard && host !== 'localhost' && !['127.0.0.1', '::1'].includes(host)) {
    altNames.push(isIP(host) ? { type: 7, ip: host } : { type: 2, value: host });
  }
  const notBefore = new Date(Date.now() - 60_000);
  const notAfter = new Date(notBefore.getTime() + SELF_SIGNED_DAYS * 86_400_000);
  // Loaded only here: it is needed once per data directory, and loading it at start-up grew every
  // serve's heap by ~19 MB (measured, [G] round 5).
  const { generate } = await import('selfsigned');
  const pems = await generate([{ name: 'commonName', value: 'opentrail self-signed' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: notBefore,
    notAfterDate: notAfter,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyCertSign: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}
