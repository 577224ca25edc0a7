/**
 * Every error code opentrail can answer with, its HTTP status and its default message.
 * Statuses and wording follow Alibaba's published tables and real responses
 * (reference: openapi-protocol.md §6.2, actiontrail-api.md §6, decisions.md §1).
 * Nothing else in the code base may invent a status for a code.
 */
export const ERROR_CATALOG = {
  // Protocol and authentication
  MissingParameter: {
    status: 400,
    message:
      'The input parameter "{0}" that is mandatory for processing this request is not supplied.',
  },
  InvalidParameter: { status: 400, message: 'The specified parameter "{0}" is not valid.' },
  InvalidVersion: { status: 400, message: 'Specified parameter Version is not valid.' },
  'InvalidAction.NotFound': {
    status: 404,
    message: 'Specified api is not found, please check your url and method.',
  },
  UnsupportedOperation: {
    status: 400,
    message: 'The operation "{0}" is not supported by opentrail yet.',
  },
  'InvalidAccessKeyId.NotFound': { status: 404, message: 'Specified access key is not found.' },
  'InvalidAccessKeyId.Inactive': { status: 400, message: 'Specified access key is disabled.' },
  SignatureDoesNotMatch: {
    status: 400,
    message: 'Specified signature is not matched with our calculation.',
  },
  IncompleteSignature: {
    status: 400,
    message: 'The request signature does not conform to Aliyun standards.',
  },
  'InvalidTimeStamp.Format': {
    status: 400,
    message: 'Specified time stamp or date value is not well formatted.',
  },
  'InvalidTimeStamp.Expired': {
    status: 400,
    message: 'Specified time stamp or date value is expired.',
  },
  SignatureNonceUsed: { status: 400, message: 'Specified signature nonce was used already.' },
  MissingSecurityToken: {
    status: 400,
    message: 'The security token is required for the temporary access key.',
  },
  'InvalidSecurityToken.Expired': { status: 400, message: 'Specified SecurityToken is expired.' },
  'InvalidSecurityToken.Malformed': {
    status: 400,
    message: 'Specified SecurityToken is malformed.',
  },
  'InvalidSecurityToken.MismatchWithAccessKey': {
    status: 400,
    message: 'Specified SecurityToken mismatch with the AccessKey.',
  },
  // Trails (actiontrail-api.md §3.7: 2020-07-06 pages for TrailNotFoundException, the 2017/2018
  // tables for the create/update codes; decisions.md §4)
  TrailNotFoundException: { status: 404, message: 'The specified Trail does not exist.' },
  TrailAlreadyExistsException: {
    status: 400,
    message: 'The specified trail name already exists.',
  },
  InvalidTrailNameException: { status: 400, message: 'The specified trail name is invalid.' },
  InvalidBucketNameException: { status: 400, message: 'The specified bucket name is invalid.' },
  InvalidPrefixException: { status: 400, message: 'The specified prefix is invalid.' },
  // With an OSS endpoint configured, CreateTrail/UpdateTrail check the bucket (decisions §4).
  BucketDoesNotExistException: { status: 404, message: 'The specified bucket does not exist.' },
  InsufficientBucketPolicyException: {
    status: 403,
    message: 'The bucket policy does not allow delivery to the specified bucket.',
  },
  MaximumNumberOfTrailsExceededException: {
    status: 403,
    message: 'The number of trails in this region exceeds the limit.',
  },
  // LookupEvents: EndTime before StartTime or a span over 90 days (actiontrail-api.md §4.2)
  InvalidTimeRangeException: {
    status: 400,
    message: 'The specified time range is not valid.',
  },
  // Historical event delivery jobs (decisions §5)
  DeliveryHistoryJobNotFound: {
    status: 404,
    message: 'The specified historical event delivery job does not exist.',
  },
  DeliveryHistoryJobAlreadyRunning: {
    status: 400,
    message: 'A historical event delivery job is already running for this account.',
  },
  // decisions §5 (v3): a job needs a single-account trail that delivers to SLS.
  // [C2] Stop/Retry in a state that does not allow it (the message names the state).
  InvalidJobStatus: {
    status: 400,
    message: 'The historical event delivery job is not in a state that allows this operation.',
  },
  InvalidTrailDestination: {
    status: 400,
    message:
      'A historical event delivery job needs a single-account trail that delivers events to Log Service (SlsProjectArn).',
  },
  IdempotentParameterMismatch: {
    status: 400,
    message: 'The ClientToken was already used with different parameters.',
  },
  // Advanced query templates (issue 13): no code is published; 404 so Terraform's
  // alicloud_actiontrail_advanced_query_template reads an unknown id as gone.
  AdvancedQueryTemplateNotFound: {
    status: 404,
    message: 'The specified advanced query template does not exist.',
  },
  // Web console ([F2]): opentrail's own codes, no Alibaba equivalent.
  'InvalidAccessKeySecret.Mismatch': {
    status: 400,
    message: 'The AccessKeySecret does not match the AccessKeyId.',
  },
  'ConsoleSession.Required': {
    status: 401,
    message: 'Sign in to the console: there is no session, or it has expired.',
  },
  'Throttling.SignIn': {
    status: 429,
    message: 'Too many failed sign-ins from this address; try again later.',
  },
  'ConsoleSession.InvalidCsrfToken': {
    status: 403,
    message:
      'The request has no valid CSRF token (header x-csrf-token) or comes from another origin.',
  },
  RequestEntityTooLarge: { status: 413, message: 'The request body is too large.' },
  InternalError: {
    status: 500,
    message: 'The request processing has failed due to some unknown error, exception or failure.',
  },
  ServiceUnavailable: {
    status: 503,
    message: 'The service is unavailable. Please try again later.',
  },
  // Emulator mode (serve --dev): per-key quotas and injected throttling answer as Alibaba's
  // gateway does (openapi-protocol.md §6.2: 400, with x-acs-retry-after in ms).
  'Throttling.User': { status: 400, message: 'Request was denied due to user flow control.' },
  // The /_opentrail test hooks take an admin-flagged key (keys create --admin).
  Forbidden: {
    status: 403,
    message: 'User not authorized to operate on the specified resource.',
  },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOG;

/** Fills `{0}`, `{1}` … in a catalog message. */
export function formatMessage(template: string, args: readonly string[]): string {
  return template.replace(/\{(\d+)\}/g, (_, i: string) => args[Number(i)] ?? '');
}
