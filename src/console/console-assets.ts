import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The console's page, scripts and styles: plain files under `web/console/`, read once at start
 * (no build step, no CDN). `web/` sits two levels above both `src/console/` and `dist/console/`,
 * so a checkout and an installed package find it alike.
 */
export const ASSET_DIR = fileURLToPath(new URL('../../web/console/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** Names a request may ask for: no dots but the extension, no slashes, so no path tricks. */
const ASSET_NAME = /^[a-z0-9-]+\.(html|js|css|svg)$/;

export interface Asset {
  type: string;
  body: Buffer;
}

export function loadAssets(dir: string = ASSET_DIR): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  for (const name of readdirSync(dir)) {
    if (!ASSET_NAME.test(name)) continue;
    const type = TYPES[path.extname(name)];
    if (type) assets.set(name, { type, body: readFileSync(path.join(dir, name)) });
  }
  return assets;
}

/**
 * Headers of every console response. The CSP allows only our own scripts and styles (no inline
 * script, so injected markup cannot run), no framing (clickjacking), no referrer leaks.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};
