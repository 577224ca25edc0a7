import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';

function walk(dir: string): string[] {
  let out: string[] = [];
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  for (const name of entries) {
    const full = path.join(dir, name);
    out = statSync(full).isDirectory() ? out.concat(walk(full)) : out.concat(full);
  }
  return out;
}

export interface DeliveredEvent {
  file: string;
  eventId: string;
  acsRegion: string;
}

/**
 * Every event in the OSS-layout files under `<deliveryRoot>/oss/<bucket>`, read back as a user
 * would; only those whose eventId starts with `idPrefix` when given (a job also delivers the
 * account's self-audit records).
 */
export function readOssDelivery(
  deliveryRoot: string,
  bucket: string,
  idPrefix = '',
): DeliveredEvent[] {
  const root = path.join(deliveryRoot, 'oss', bucket);
  return walk(root)
    .filter((f) => f.endsWith('.gz'))
    .flatMap((file) =>
      (
        JSON.parse(gunzipSync(readFileSync(file)).toString('utf8')) as Array<{
          eventId: string;
          acsRegion: string;
        }>
      )
        .filter((e) => e.eventId.startsWith(idPrefix))
        .map((e) => ({
          file: path.relative(root, file),
          eventId: e.eventId,
          acsRegion: e.acsRegion,
        })),
    );
}

/** Every file under the delivery root, relative to it (temp files included, to catch leftovers). */
export function listDeliveryFiles(deliveryRoot: string): string[] {
  return walk(deliveryRoot).map((f) => path.relative(deliveryRoot, f));
}
