/**
 * errno codes of a connection that failed, not a request the destination refused: the same
 * batch may pass on a later attempt. Shared by every sink that speaks to a remote service.
 */
export const NETWORK_ERROR_CODES: readonly string[] = [
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'ENOTFOUND',
];
