// The console's only way to the server: same-origin fetch with the session cookie (HttpOnly,
// never readable here) and the CSRF token, which lives in this module's memory only.

let csrfToken = null;
let onSignedOut = () => {};
// Bumped at every sign-in and sign-out: a request still in flight from an earlier session (a
// page's poll at sign-out) may come back 401 after the next sign-in, and must not end that one.
let sessionEpoch = 0;

export class ApiFailure extends Error {
  constructor(status, body) {
    super(body?.Message ?? `HTTP ${status}`);
    this.status = status;
    this.code = body?.Code ?? '';
    this.requestId = body?.RequestId ?? '';
  }
}

/** Called with a message when the server says the session is gone (expired, signed out). */
export function whenSignedOut(handler) {
  onSignedOut = handler;
}

async function send(method, url, body) {
  const headers = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (csrfToken) headers['x-csrf-token'] = csrfToken;
  const sentIn = sessionEpoch;
  const res = await fetch(url, {
    method,
    headers,
    credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.ok) return res;
  let parsed = null;
  try {
    parsed = await res.json();
  } catch {
    // not JSON: keep the status
  }
  const failure = new ApiFailure(res.status, parsed);
  if (res.status === 401 && url !== '/console/api/session' && sentIn === sessionEpoch) {
    csrfToken = null;
    onSignedOut(failure.message);
  }
  throw failure;
}

const json = async (res) => res.json();

export async function currentSession() {
  try {
    const s = await json(await send('GET', '/console/api/session'));
    csrfToken = s.CsrfToken;
    return s;
  } catch (e) {
    if (e instanceof ApiFailure && e.status === 401) return null;
    throw e;
  }
}

export async function signIn(form) {
  const s = await json(await send('POST', '/console/api/session', form));
  sessionEpoch += 1;
  csrfToken = s.CsrfToken;
  return s;
}

export async function signOut() {
  try {
    await send('DELETE', '/console/api/session');
  } finally {
    sessionEpoch += 1;
    csrfToken = null;
  }
}

/** Runs an ActionTrail Action as the signed-in key; parameters are named as on the wire. */
export async function action(name, params = {}) {
  return json(await send('POST', `/console/api/actions/${encodeURIComponent(name)}`, params));
}

export async function timeline(params) {
  return json(await send('POST', '/console/api/events/timeline', params));
}

/** The NDJSON export as a Blob, with the file name the server chose. */
export async function exportEvents(params) {
  const res = await send('POST', '/console/api/events/export', params);
  const disposition = res.headers.get('content-disposition') ?? '';
  const name = /filename="([^"]+)"/.exec(disposition)?.[1] ?? 'events.ndjson';
  return {
    blob: await res.blob(),
    name,
    truncated: res.headers.get('x-opentrail-truncated') === 'true',
  };
}
