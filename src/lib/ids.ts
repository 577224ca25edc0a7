import { randomBytes, randomInt, randomUUID } from 'node:crypto';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function randomAlnum(length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALNUM[randomInt(ALNUM.length)];
  return out;
}

/** Alibaba request ids are upper-case UUIDs. */
export function newRequestId(): string {
  return randomUUID().toUpperCase();
}

/** Alibaba Cloud account ids are 16 digits and never start with 0. */
export function newAccountId(): string {
  let out = String(1 + randomInt(9));
  for (let i = 0; i < 15; i++) out += String(randomInt(10));
  return out;
}

/** Long-term AccessKey ids look like Alibaba's: `LTAI` + 20 characters. */
export function newLongTermKeyId(): string {
  return `LTAI${randomAlnum(20)}`;
}

/** Temporary (STS) AccessKey ids start with `STS.` as Alibaba's do. */
export function newStsKeyId(): string {
  return `STS.${randomAlnum(25)}`;
}

export function newAccessKeySecret(): string {
  return randomAlnum(30);
}

/** Random part of a security token; the token itself is built in domain/accounts. */
export function newTokenNonce(): string {
  return randomBytes(24).toString('base64url');
}
