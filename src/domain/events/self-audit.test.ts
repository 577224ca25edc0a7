import { describe, expect, it } from 'vitest';
import {
  type AuditedRequest,
  auditParameters,
  eventRWOf,
  MAX_REQUEST_PARAMETERS_BYTES,
  selfAuditEvent,
} from './self-audit.js';

const request: AuditedRequest = {
  caller: { accountId: '1000000000000001', accessKeyId: 'LTAIkey', keyKind: 'long_term' },
  action: 'ListDeliveryHistoryJobs',
  apiVersion: '2020-07-06',
  eventRW: 'Read',
  region: 'cn-hangzhou',
  host: '127.0.0.1:8080',
  scheme: 'http',
  sourceIp: '127.0.0.1',
  userAgent: 'AlibabaCloud (linux; x64) Node.js/v20',
  requestId: 'REQ-1',
  time: Date.UTC(2026, 0, 10, 12, 0, 0, 500),
  params: { PageSize: '5' },
};

describe('selfAuditEvent', () => {
  it('records the call as an Actiontrail ApiCall of the caller account', () => {
    const event = selfAuditEvent(request);
    expect(event).toMatchObject({
      eventVersion: '1',
      eventType: 'ApiCall',
      eventName: 'ListDeliveryHistoryJobs',
      eventRW: 'Read',
      eventSource: 'actiontrail.cn-hangzhou.aliyuncs.com',
      eventTime: '2026-01-10T12:00:00Z',
      acsRegion: 'cn-hangzhou',
      serviceName: 'Actiontrail',
      apiVersion: '2020-07-06',
      requestId: 'REQ-1',
      sourceIpAddress: '127.0.0.1',
      requestParameters: { PageSize: '5' },
      additionalEventData: { Scheme: 'http' },
      recipientAccountId: '1000000000000001',
      userIdentity: {
        type: 'root-account',
        principalId: '1000000000000001',
        accountId: '1000000000000001',
        accessKeyId: 'LTAIkey',
      },
    });
    expect(event.eventId).toMatch(/^[0-9A-F-]{36}$/);
    expect(event).not.toHaveProperty('errorCode');
  });

  it('names an STS caller as an assumed role and records errors', () => {
    const event = selfAuditEvent({
      ...request,
      caller: { ...request.caller, accessKeyId: 'STS.abc', keyKind: 'sts' },
      error: {
        code: 'InvalidParameter',
        message: 'The specified parameter "PageSize" is not valid.',
      },
    });
    expect(event.userIdentity).toMatchObject({
      type: 'assumed-role',
      principalId: '1000000000000001:STS.abc',
      accessKeyId: 'STS.abc',
      userName: 'opentrail-sts:STS.abc',
    });
    expect(event).toMatchObject({ errorCode: 'InvalidParameter' });
    expect(event.errorMessage).toContain('PageSize');
  });

  it('uses the Host as eventSource only when it names the request region', () => {
    const host = 'actiontrail.cn-shanghai.aliyuncs.com:443';
    expect(selfAuditEvent({ ...request, host, region: 'cn-shanghai' }).eventSource).toBe(
      'actiontrail.cn-shanghai.aliyuncs.com',
    );
    expect(selfAuditEvent({ ...request, host, region: 'cn-hangzhou' }).eventSource).toBe(
      'actiontrail.cn-hangzhou.aliyuncs.com',
    );
  });
});

describe('auditParameters', () => {
  it('drops credential-like parameters and any value holding the security token', () => {
    const { parameters } = auditParameters(
      {
        Name: 'trail',
        AccessKeySecret: 's3cret',
        Password: 'p',
        SecurityToken: 'CAIStoken',
        Signature: 'sig',
        AccessKeyId: 'LTAIkey',
        Note: 'has CAIStoken inside',
        NextToken: 'page-2',
      },
      'CAIStoken',
    );
    expect(parameters).toEqual({ Name: 'trail', NextToken: 'page-2' });
  });

  it('caps the parameters at 16 KB and says so', () => {
    const params: Record<string, string> = {};
    for (let i = 0; i < 40; i++) params[`P${i}`] = 'x'.repeat(1000);
    const { parameters, truncated } = auditParameters(params, undefined);
    expect(truncated).toBe(true);
    expect(Buffer.byteLength(JSON.stringify(parameters))).toBeLessThanOrEqual(
      MAX_REQUEST_PARAMETERS_BYTES,
    );
    expect(Object.keys(parameters).length).toBeGreaterThan(10);
    const event = selfAuditEvent({ ...request, params });
    expect(event.additionalEventData).toEqual({
      Scheme: 'http',
      RequestParametersTruncated: 'true',
    });
  });
});

describe('eventRWOf', () => {
  it("uses the Action's own value, else the verb of a real ActionTrail Action, else Read", () => {
    expect(eventRWOf('LookupEvents', 'Read', true)).toBe('Read');
    expect(eventRWOf('DeleteAdvancedQueryTemplate', undefined, true)).toBe('Write');
    expect(eventRWOf('DescribeScenes', undefined, true)).toBe('Read');
    expect(eventRWOf('DeleteEverything', undefined, false)).toBe('Read');
  });
});
