/**
 * The index opentrail creates on a new `actiontrail_<trail>` logstore (delivery-sinks §1.3):
 * `__topic__` as text, and `event` as a JSON index over the documented ActionTrail fields, so
 * queries such as `event.eventName: ConsoleSignin` work as on a logstore ActionTrail made.
 * Fields used in SQL analysis get `doc_value`.
 */
const TOKENS = [
  ',',
  ' ',
  "'",
  '"',
  ';',
  '=',
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  '?',
  '@',
  '&',
  '<',
  '>',
  '/',
  ':',
  '\n',
  '\t',
  '\r',
];

const TEXT_KEYS = [
  'eventId',
  'eventName',
  'eventRW',
  'eventType',
  'eventCategory',
  'eventTime',
  'eventSource',
  'acsRegion',
  'serviceName',
  'sourceIpAddress',
  'userAgent',
  'requestId',
  'apiVersion',
  'errorCode',
  'errorMessage',
  'recipientAccountId',
  'resourceType',
  'resourceName',
  'userIdentity.type',
  'userIdentity.accountId',
  'userIdentity.principalId',
  'userIdentity.userName',
  'userIdentity.accessKeyId',
  'additionalEventData.mfaChecked',
  'requestParameterJson',
];

/** Analysed in SQL (group by / count): kept as doc values. */
const ANALYTIC_KEYS = new Set([
  'eventName',
  'eventRW',
  'eventType',
  'acsRegion',
  'serviceName',
  'sourceIpAddress',
  'errorCode',
  'userIdentity.type',
  'userIdentity.accountId',
  'userIdentity.userName',
]);

/** JSON sub-keys take the tokens and case rule of their parent (SLS's own index examples). */
function textKey(name: string) {
  return { type: 'text', doc_value: ANALYTIC_KEYS.has(name) };
}

export function actionTrailIndex() {
  return {
    keys: {
      __topic__: { type: 'text', token: TOKENS, caseSensitive: false, doc_value: true },
      event: {
        type: 'json',
        token: TOKENS,
        caseSensitive: false,
        doc_value: false,
        index_all: true,
        max_depth: -1,
        json_keys: Object.fromEntries(TEXT_KEYS.map((k) => [k, textKey(k)])),
      },
    },
  };
}
