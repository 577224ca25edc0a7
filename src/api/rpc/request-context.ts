import type { Config } from '../../config/config.js';

const HOST_REGION = /^actiontrail\.([a-z0-9-]+)\./i;

/**
 * decisions §1: the request's region comes from a Host of the form `actiontrail.<region>.…`
 * when that region is configured, otherwise it is the home region.
 */
export function requestRegion(host: string, config: Pick<Config, 'region' | 'regions'>): string {
  const region = HOST_REGION.exec(host)?.[1]?.toLowerCase();
  return region && config.regions.includes(region) ? region : config.region;
}

/** Node gives repeated headers as arrays; the first value is the one that counts here. */
export function firstHeader(v: string | string[] | undefined): string {
  return (Array.isArray(v) ? v[0] : v) ?? '';
}
