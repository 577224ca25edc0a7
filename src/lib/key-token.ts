import { errors } from '../errors/api-error.js';

/**
 * NextToken of the small keyed listings (ListDataEventSelectors, ListDataEventServices): the
 * last key of the page, base64url-encoded. Opaque to clients; a forged token can only move the
 * cursor inside the caller's own account, so it needs no MAC (LookupEvents' token does).
 */
export function encodeKeyToken(key: string): string {
  return Buffer.from(`k:${key}`, 'utf8').toString('base64url');
}

/** The key in a NextToken; undefined for an absent or empty one, 400 for a malformed one. */
export function decodeKeyToken(token: string | undefined): string | undefined {
  if (token === undefined || token === '') return undefined;
  const text = /^[A-Za-z0-9_-]+$/.test(token)
    ? Buffer.from(token, 'base64url').toString('utf8')
    : '';
  if (!text.startsWith('k:'))
    throw errors.invalidParameter('NextToken', 'It is not a token this listing returned.');
  return text.slice(2);
}
