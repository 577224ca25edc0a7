import { newTimeOrderedId } from '../../lib/ids.js';
import { formatIsoSeconds } from '../../lib/time.js';

/** Who made an authenticated call (a structural copy of the gateway's Caller). */
export interface AuditCaller {
  readonly accountId: string;
  readonly accessKeyId: string;
  readonly keyKind: 'long_term' | 'sts';
}

/** Everything the self-audit record is built from; the gateway fills it. */
export interface AuditedRequest {
  caller: AuditCaller;
  action: string;
  apiVersion: string | undefined;
  eventRW: 'Read' | 'Write';
  region: string;
  host: string;
  scheme: string;
  sourceIp: string;
  userAgent: string;
  requestId: string;
  /** Request time, epoch ms. */
  time: number;
  /** Business parameters (signature and common parameters are already gone). */
  params: Readonly<Record<string, string>>;
  /** The caller's STS token, so a copy of it in any parameter is blanked too. */
  securityToken?: string | undefined;
  error?: { code: string; message: string } | undefined;
}

/** Cap on the JSON of requestParameters (decisions §3). */
export const MAX_REQUEST_PARAMETERS_BYTES = 16 * 1024;
const MAX_ACTION_LENGTH = 128;
const MAX_USER_AGENT_LENGTH = 1024;

/** Parameter names that may carry a credential; never stored, whatever the Action. */
const SECRET_NAME =
  /secret|password|passwd|securitytoken|signature|credential|privatekey|^accesskeyid$/i;

const READ_VERBS = /^(Describe|List|Get|Lookup|Query|Check|Search)/;

/**
 * eventRW of a call: the Action definition's when opentrail implements it. A real ActionTrail
 * Action it does not implement yet (UnsupportedOperation) goes by its verb (Describe/List/Get/
 * Lookup/… are Read, the rest Write), so a Write-only trail still sees attempted changes. A
 * name that is no ActionTrail Action at all (InvalidAction.NotFound) changed nothing: Read.
 */
export function eventRWOf(
  action: string,
  defined: 'Read' | 'Write' | undefined,
  isActionTrailAction: boolean,
): 'Read' | 'Write' {
  if (defined) return defined;
  if (!isActionTrailAction) return 'Read';
  return READ_VERBS.test(action) ? 'Read' : 'Write';
}

/**
 * requestParameters without credentials, capped at 16 KB of JSON: parameters are kept in the
 * order sent while they fit; the ones that do not are dropped and `truncated` is set.
 */
export function auditParameters(
  params: Readonly<Record<string, string>>,
  securityToken: string | undefined,
): { parameters: Record<string, string>; truncated: boolean } {
  const parameters: Record<string, string> = {};
  let bytes = 2; // {}
  let truncated = false;
  for (const [name, value] of Object.entries(params)) {
    if (SECRET_NAME.test(name)) continue;
    if (securityToken && value.includes(securityToken)) continue;
    const size = Buffer.byteLength(`${JSON.stringify(name)}:${JSON.stringify(value)},`);
    if (bytes + size > MAX_REQUEST_PARAMETERS_BYTES) {
      truncated = true;
      continue;
    }
    parameters[name] = value;
    bytes += size;
  }
  return { parameters, truncated };
}

function eventSource(host: string, region: string): string {
  const name = host.replace(/:\d+$/, '').toLowerCase();
  return name.startsWith(`actiontrail.${region}.`) ? name : `actiontrail.${region}.aliyuncs.com`;
}

/**
 * Long-term keys are the account's own (root-account); STS keys are reported as an assumed
 * role. opentrail has no RAM roles, so the "role" is `opentrail-sts` and the session is the
 * key id: `userName` = `opentrail-sts:<key id>` (RoleName key: opentrail-sts).
 */
function userIdentity(caller: AuditCaller): Record<string, unknown> {
  if (caller.keyKind === 'sts') {
    return {
      type: 'assumed-role',
      principalId: `${caller.accountId}:${caller.accessKeyId}`,
      accountId: caller.accountId,
      accessKeyId: caller.accessKeyId,
      userName: `opentrail-sts:${caller.accessKeyId}`,
      sessionContext: { attributes: { mfaAuthenticated: 'false' } },
    };
  }
  return {
    type: 'root-account',
    principalId: caller.accountId,
    accountId: caller.accountId,
    accessKeyId: caller.accessKeyId,
    userName: 'root',
  };
}

/** The ActionTrail event (§4.3) that records one authenticated call to opentrail itself. */
export function selfAuditEvent(req: AuditedRequest): Record<string, unknown> {
  const { parameters, truncated } = auditParameters(req.params, req.securityToken);
  return {
    // Time-ordered: cheaper for the unique (account, eventId) index (ids.ts).
    eventId: newTimeOrderedId(req.time),
    eventVersion: '1',
    eventCategory: 'Management',
    eventType: 'ApiCall',
    eventName: req.action.slice(0, MAX_ACTION_LENGTH),
    eventRW: req.eventRW,
    eventSource: eventSource(req.host, req.region),
    eventTime: formatIsoSeconds(req.time),
    acsRegion: req.region,
    serviceName: 'Actiontrail',
    ...(req.apiVersion ? { apiVersion: req.apiVersion.slice(0, 32) } : {}),
    requestId: req.requestId,
    sourceIpAddress: req.sourceIp,
    userAgent: req.userAgent.slice(0, MAX_USER_AGENT_LENGTH),
    userIdentity: userIdentity(req.caller),
    requestParameters: parameters,
    additionalEventData: {
      Scheme: req.scheme,
      ...(truncated ? { RequestParametersTruncated: 'true' } : {}),
    },
    isGlobal: false,
    ...(req.error ? { errorCode: req.error.code, errorMessage: req.error.message } : {}),
    recipientAccountId: req.caller.accountId,
  };
}
