import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSelfSigned } from '../../src/config/tls-files.js';
import {
  freshDataDir,
  REPO_ROOT,
  type ServerProcess,
  startServer,
} from '../helpers/server-process.js';
import { TEST_DB } from '../helpers/test-database.js';

const KEY = {
  OPENTRAIL_ACCOUNT_ID: '1500000000000001',
  OPENTRAIL_ACCESS_KEY_ID: 'LTAIhttpstest000001',
  OPENTRAIL_ACCESS_KEY_SECRET: 'https-test-secret',
};

/**
 * The official SDKs configured as the README says for HTTPS, run in a fresh Node process so
 * NODE_EXTRA_CA_CERTS (read at start-up only) trusts the certificate exactly as a user's would.
 */
const SDK_SCRIPT = `
import { createRequire } from 'node:module';
const require = createRequire(process.cwd() + '/package.json');
const RPCClient = require('@alicloud/pop-core').RPCClient;
const OpenApi = require('@alicloud/openapi-client');
const [url, host, id, secret] = process.argv.slice(1);
const out = {};
try {
  const pop = new RPCClient({ endpoint: url, accessKeyId: id, accessKeySecret: secret, apiVersion: '2020-07-06' });
  out.popCore = await pop.request('DescribeRegions', {}, { method: 'POST' });
} catch (e) { out.popCoreError = String(e.message); }
try {
  const client = new OpenApi.default(new OpenApi.Config({ endpoint: host, protocol: 'https', accessKeyId: id, accessKeySecret: secret }));
  const params = new OpenApi.Params({ action: 'DescribeTrails', version: '2020-07-06', protocol: 'HTTPS', pathname: '/',
    method: 'POST', authType: 'AK', style: 'RPC', reqBodyType: 'formData', bodyType: 'json' });
  out.openapi = (await client.callApi(params, new OpenApi.OpenApiRequest({ query: {} }), {})).body;
} catch (e) { out.openapiError = String(e.message); }
console.log(JSON.stringify(out));
`;

function runSdk(
  server: ServerProcess,
  caFile: string | undefined,
): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const env: Record<string, string | undefined> = { ...process.env, NODE_EXTRA_CA_CERTS: caFile };
    if (!caFile) delete env.NODE_EXTRA_CA_CERTS;
    const child = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        SDK_SCRIPT,
        server.url,
        server.host,
        KEY.OPENTRAIL_ACCESS_KEY_ID,
        KEY.OPENTRAIL_ACCESS_KEY_SECRET,
      ],
      { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.once('exit', () => {
      try {
        resolve(JSON.parse(stdout.trim()) as Record<string, unknown>);
      } catch {
        reject(new Error(`SDK script failed:\n${stdout}\n${stderr}`));
      }
    });
  });
}

/** One HTTPS request trusting `ca` (Node's fetch takes no CA of its own). */
function httpsRequest(
  url: string,
  options: { ca: Buffer; method?: string; body?: string },
): Promise<{ status: number; body: string; setCookie: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method: options.method ?? 'GET', ca: options.ca }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => {
        body += d.toString();
      });
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          body,
          setCookie: String(res.headers['set-cookie']?.[0] ?? ''),
        }),
      );
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

// HTTPS does not depend on the database: run once (SQLite).
describe.runIf(TEST_DB === 'sqlite')('HTTPS: official SDKs over TLS', () => {
  let selfSigned: ServerProcess;
  let given: ServerProcess;
  let givenCert: string;

  beforeAll(async () => {
    // A certificate of the user's own (here one we generate) through --tls-cert/--tls-key.
    const dir = freshDataDir('opentrail-tls-');
    const pems = await generateSelfSigned('127.0.0.1');
    givenCert = path.join(dir, 'server.crt');
    writeFileSync(givenCert, pems.cert);
    writeFileSync(path.join(dir, 'server.key'), pems.key, { mode: 0o600 });
    [selfSigned, given] = await Promise.all([
      startServer({ env: KEY, args: ['--tls-self-signed'] }),
      startServer({
        env: KEY,
        args: ['--tls-cert', givenCert, '--tls-key', path.join(dir, 'server.key')],
      }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([selfSigned?.stop(), given?.stop()]);
  });

  it('serve --tls-self-signed: pop-core (https:// endpoint) and openapi-client (protocol https) succeed once the certificate is trusted', async () => {
    expect(selfSigned.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    // The startup line tells the user which file to trust.
    const certFile = path.join(selfSigned.dataDir, 'tls', 'cert.pem');
    expect(selfSigned.stderr()).toContain(`NODE_EXTRA_CA_CERTS=${certFile}`);
    const out = await runSdk(selfSigned, certFile);
    expect(out.popCoreError).toBeUndefined();
    expect(out.openapiError).toBeUndefined();
    const regions = (out.popCore as { Regions: { Region: Array<{ RegionId: string }> } }).Regions;
    expect(regions.Region.map((r) => r.RegionId)).toContain('cn-hangzhou');
    expect((out.openapi as { TrailList: unknown[] }).TrailList).toEqual([]);
  });

  it('without trusting the self-signed certificate the SDKs refuse the connection', async () => {
    const out = await runSdk(selfSigned, undefined);
    expect(out.popCore).toBeUndefined();
    expect(String(out.popCoreError)).toMatch(/certificate/i);
    expect(String(out.openapiError)).toMatch(/certificate/i);
  });

  it('the console is served over HTTPS too, and its session cookie is Secure there', async () => {
    const ca = readFileSync(path.join(selfSigned.dataDir, 'tls', 'cert.pem'));
    const page = await httpsRequest(`${selfSigned.url}/console`, { ca });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>opentrail console</title>');
    const signIn = await httpsRequest(`${selfSigned.url}/console/api/session`, {
      ca,
      method: 'POST',
      body: JSON.stringify({
        AccessKeyId: KEY.OPENTRAIL_ACCESS_KEY_ID,
        AccessKeySecret: KEY.OPENTRAIL_ACCESS_KEY_SECRET,
      }),
    });
    expect(signIn.status).toBe(200);
    expect(signIn.setCookie).toMatch(
      /^opentrail_console=[\w-]{43}; Path=\/console; HttpOnly; SameSite=Strict; Secure$/,
    );
  });

  it('serve --tls-cert/--tls-key serves the given certificate', async () => {
    expect(given.url).toMatch(/^https:\/\//);
    const out = await runSdk(given, givenCert);
    expect(out.popCoreError).toBeUndefined();
    expect(out.openapiError).toBeUndefined();
    expect((out.openapi as { TrailList: unknown[] }).TrailList).toEqual([]);
  });
});
