import type { SignatureFailure } from './types.js';

// Messages follow Alibaba's published wording (see docs in openapi-protocol.md §6.2) so that
// clients and humans comparing against real Alibaba responses see the same text.

export function missingParameter(name: string): SignatureFailure {
  return {
    ok: false,
    code: 'MissingParameter',
    message: `The input parameter "${name}" that is mandatory for processing this request is not supplied.`,
    parameter: name,
  };
}

export function invalidParameter(name: string): SignatureFailure {
  return {
    ok: false,
    code: 'InvalidParameter',
    message: `The specified parameter "${name}" is not valid.`,
    parameter: name,
  };
}

export function incompleteSignature(detail?: string): SignatureFailure {
  const base = 'The request signature does not conform to Aliyun standards.';
  return { ok: false, code: 'IncompleteSignature', message: detail ? `${base} ${detail}` : base };
}

export function signatureDoesNotMatch(message: string): SignatureFailure {
  return { ok: false, code: 'SignatureDoesNotMatch', message };
}
