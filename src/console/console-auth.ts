import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Caller } from '../api/actions/action.js';
import { firstHeader } from '../api/rpc/request-context.js';
import { findAccessKey } from '../db/repositories/access-keys.repository.js';
import type { Database } from '../db/schema.js';
import { checkSecurityToken } from '../domain/accounts/security-token.js';
import { ApiError, errors } from '../errors/api-error.js';
import { type ConsoleSession, type SessionStore, sameToken } from './session-store.js';

export const SESSION_COOKIE = 'opentrail_console';
export const CSRF_HEADER = 'x-csrf-token';

export interface SignInForm {
  AccessKeyId: string;
  AccessKeySecret: string;
  SecurityToken?: string | undefined;
}

/** The caller a key pair stands for, checked the way the signed API checks it (decisions §1). */
export async function verifySignIn(
  db: Kysely<Database>,
  form: SignInForm,
  now: number,
): Promise<{ caller: Caller; limitMs: number | undefined }> {
  const key = await findAccessKey(db, form.AccessKeyId);
  if (!key) throw new ApiError('InvalidAccessKeyId.NotFound');
  if (key.status !== 'Active') throw new ApiError('InvalidAccessKeyId.Inactive');
  if (!sameToken(form.AccessKeySecret, key.secret)) {
    throw new ApiError('InvalidAccessKeySecret.Mismatch');
  }
  const tokenProblem = checkSecurityToken(key, form.SecurityToken, now);
  if (tokenProblem) throw new ApiError(tokenProblem);
  return {
    caller: {
      accountId: key.account_id,
      accessKeyId: key.id,
      keyKind: key.kind,
      admin: key.is_admin === 1,
    },
    // A temporary key's session ends with the key.
    limitMs: key.expires_at === null ? undefined : Number(key.expires_at),
  };
}

/** Reads the sign-in body: three strings, nothing else trusted. */
export function readSignInForm(body: Record<string, unknown>): SignInForm {
  const field = (name: keyof SignInForm, required: boolean): string | undefined => {
    const v = body[name];
    if (v === undefined || v === '') {
      if (required) throw errors.missingParameter(name);
      return undefined;
    }
    if (typeof v !== 'string' || v.length > 1024) {
      throw errors.invalidParameter(name, 'It must be a string of at most 1024 characters.');
    }
    return v;
  };
  return {
    AccessKeyId: field('AccessKeyId', true) as string,
    AccessKeySecret: field('AccessKeySecret', true) as string,
    SecurityToken: field('SecurityToken', false),
  };
}

export function readCookie(request: FastifyRequest, name: string): string | undefined {
  const header = firstHeader(request.headers.cookie);
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/**
 * The Set-Cookie value: HttpOnly (page scripts never see it), SameSite=Strict (no other site's
 * page can send it), scoped to /console, Secure over HTTPS. No Max-Age: it ends with the browser
 * or the server-side expiry, whichever comes first.
 */
export function sessionCookie(value: string, secure: boolean): string {
  const attributes = [
    'Path=/console',
    'HttpOnly',
    'SameSite=Strict',
    ...(secure ? ['Secure'] : []),
  ];
  return [`${SESSION_COOKIE}=${value}`, ...attributes].join('; ');
}

export function clearedSessionCookie(secure: boolean): string {
  return `${sessionCookie('', secure)}; Max-Age=0`;
}

/**
 * A state-changing request must come from our own page: an Origin header, when the browser sends
 * one, names this host (this also covers sign-in, which has no session yet, against login CSRF).
 */
export function checkOrigin(request: FastifyRequest): void {
  const origin = firstHeader(request.headers.origin);
  if (origin === '') return;
  // Host only, not the scheme: behind a TLS-terminating proxy this process sees http.
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    host = '';
  }
  if (host === '' || host !== firstHeader(request.headers.host)) {
    throw new ApiError('ConsoleSession.InvalidCsrfToken');
  }
}

/**
 * The session of a console API request: the cookie must name a live session (401 otherwise), and
 * unless `readOnly`, the CSRF header must match its token (403). The key is looked up again, so a
 * key disabled or deleted since sign-in ends its sessions at once.
 */
export async function requireSession(
  request: FastifyRequest,
  store: SessionStore,
  db: Kysely<Database>,
  options: { readOnly: boolean },
): Promise<{ id: string; session: ConsoleSession }> {
  const id = readCookie(request, SESSION_COOKIE);
  const session = store.get(id);
  if (!id || !session) throw new ApiError('ConsoleSession.Required');
  if (!options.readOnly) {
    checkOrigin(request);
    const token = firstHeader(request.headers[CSRF_HEADER]);
    if (token === '' || !sameToken(token, session.csrfToken)) {
      throw new ApiError('ConsoleSession.InvalidCsrfToken');
    }
  }
  const key = await findAccessKey(db, session.caller.accessKeyId);
  if (key?.status !== 'Active') {
    store.delete(id);
    throw new ApiError('ConsoleSession.Required');
  }
  return { id, session };
}
