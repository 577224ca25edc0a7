import fc from 'fast-check';

/**
 * Malformed values for request parameters: what a broken client, a fuzzing attacker or a
 * copy-paste error sends. Weighted toward the shapes our parsers special-case (numbers, dates,
 * booleans, JSON, lists) so the fuzzer reaches past the first check of each parameter.
 */

const SPECIAL = [
  '',
  ' ',
  '\u0000',
  '\t\r\n',
  '%',
  '%zz',
  '%C3%28',
  '../../etc/passwd',
  "' OR 1=1 --",
  '"; DROP TABLE events; --',
  '<script>alert(1)</script>',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the attack string itself
  '${jndi:ldap://x}',
  '{{7*7}}',
  'null',
  'undefined',
  '[]',
  '{}',
  '__proto__',
  'constructor',
  'NaN',
  'Infinity',
  '-0',
  '1e400',
  '0x1F',
  '99999999999999999999999',
  '-9223372036854775809',
  '2026-13-45T99:99:99Z',
  '2026-02-30T00:00:00Z',
  '1970-01-01T00:00:00Z',
  '9999-12-31T23:59:59Z',
  '2026-11-25 00:00:00',
  'true',
  'TRUE',
  'yes',
  'Read',
  'Write',
  'All',
  'cn-hangzhou',
  'acs:log:cn-hangzhou:1:project/',
  'acs:log:cn-hangzhou:1234567890123456:project/x',
  'acs:ram::1:role/AliyunServiceRoleForActionTrail',
];

/** Large enough to cross every per-field cap, small enough for a shared CI machine. */
const hugeString = fc
  .tuple(fc.constantFrom('A', 'é', '€', '😀', '%', '\u0000'), fc.integer({ min: 300, max: 70_000 }))
  .map(([c, n]) => c.repeat(n));

const deepJson = fc
  .tuple(fc.constantFrom('[', '{"a":'), fc.integer({ min: 50, max: 5_000 }))
  .map(([open, n]) => open.repeat(n));

export const fuzzValue: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...SPECIAL) },
  { weight: 4, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 3, arbitrary: fc.integer({ min: -1e9, max: 1e12 }).map(String) },
  { weight: 2, arbitrary: fc.double().map(String) },
  { weight: 2, arbitrary: fc.date({ noInvalidDate: false }).map((d) => safeIso(d)) },
  { weight: 2, arbitrary: fc.json({ maxDepth: 4 }) },
  { weight: 1, arbitrary: hugeString },
  { weight: 1, arbitrary: deepJson },
);

function safeIso(d: Date): string {
  return Number.isNaN(d.getTime()) ? 'Invalid Date' : d.toISOString();
}

/** Parameter names the Actions read, with list forms; plus random names. */
const KNOWN_PARAMETERS = [
  'Name',
  'TrailName',
  'NameList',
  'OssBucketName',
  'OssKeyPrefix',
  'OssWriteRoleArn',
  'SlsProjectArn',
  'SlsWriteRoleArn',
  'EventRW',
  'TrailRegion',
  'TrailRegionIds',
  'IsOrganizationTrail',
  'IncludeShadowTrails',
  'IncludeOrganizationTrail',
  'StartTime',
  'EndTime',
  'NextToken',
  'MaxResults',
  'Direction',
  'LookupAttribute.1.Key',
  'LookupAttribute.1.Value',
  'LookupAttribute.2.Key',
  'LookupAttribute.21.Value',
  'LookupAttribute.0.Key',
  'LookupAttribute.x.Key',
  'JobId',
  'PageNumber',
  'PageSize',
  'ClientToken',
  'EventSelectors',
  'ServiceName',
  'AccessKey',
  'SelectedAccessKey',
  'AccessKeyId',
  'TemplateId',
  'TemplateName',
  'TemplateSql',
  'SimpleQuery',
  'Lang',
  'AcceptLanguage',
  'Period',
  'MetricName',
  'RegionId',
  'StorageRegion',
  'EventName',
  'Ip',
  'Version',
  'Action',
  'Format',
  'Signature',
  'SecurityToken',
];

export const fuzzParamName: fc.Arbitrary<string> = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...KNOWN_PARAMETERS) },
  { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 20 }) },
);

export const fuzzParams: fc.Arbitrary<Record<string, string>> = fc
  .array(fc.tuple(fuzzParamName, fuzzValue), { maxLength: 8 })
  .map((pairs) => Object.fromEntries(pairs.filter(([k]) => k !== '')));

/**
 * The parameters each Action requires, so most requests get past "MissingParameter" and into
 * the Action's own checks. `FUZZ_TRAIL` exists (the runner creates it), so some requests reach
 * a real trail; the values are otherwise plausible or malformed at random.
 */
export const FUZZ_TRAIL = 'fuzz-trail';
const REQUIRED: Record<string, string[]> = {
  CreateTrail: ['Name', 'SlsProjectArn'],
  UpdateTrail: ['Name'],
  DeleteTrail: ['Name'],
  StartLogging: ['Name'],
  StopLogging: ['Name'],
  GetTrailStatus: ['Name'],
  CreateDeliveryHistoryJob: ['TrailName'],
  GetDeliveryHistoryJob: ['JobId'],
  DeleteDeliveryHistoryJob: ['JobId'],
  StopDeliveryHistoryJob: ['JobId'],
  RetryDeliveryHistoryJob: ['JobId'],
  ListDeliveryHistoryJobFailures: ['JobId'],
  PutDataEventSelector: ['TrailName', 'EventSelectors'],
  GetDataEventSelector: ['TrailName'],
  DeleteDataEventSelector: ['TrailName'],
  DescribeTrailDeliveryMetricData: ['TrailName', 'StartTime', 'EndTime', 'MetricName', 'Period'],
  CreateAdvancedQueryTemplate: ['TemplateName', 'TemplateSql', 'SimpleQuery'],
  UpdateAdvancedQueryTemplate: ['TemplateId', 'TemplateName', 'TemplateSql', 'SimpleQuery'],
  GetAdvancedQueryTemplate: ['TemplateId'],
  DeleteAdvancedQueryTemplate: ['TemplateId'],
  UpdateGlobalEventsStorageRegion: ['StorageRegion'],
  GetAccessKeyLastUsedInfo: ['AccessKey'],
  GetAccessKeyLastUsedEvents: ['AccessKey'],
  GetAccessKeyLastUsedIps: ['AccessKey'],
  GetAccessKeyLastUsedProducts: ['AccessKey'],
  GetAccessKeyLastUsedResources: ['AccessKey'],
};

const PLAUSIBLE: Record<string, string[]> = {
  Name: [FUZZ_TRAIL, 'a', 'trail-2', 'Trail_3'],
  TrailName: [FUZZ_TRAIL],
  SlsProjectArn: ['acs:log:cn-hangzhou:{account}:project/fuzz-project'],
  OssBucketName: ['fuzz-bucket'],
  JobId: ['1', '2', '0', '-1'],
  EventSelectors: ['[{"ServiceName":"OSS"}]', '[]', '[{"ServiceName":"Nope"}]'],
  StartTime: ['2026-11-01T00:00:00Z'],
  EndTime: ['2026-11-02T00:00:00Z'],
  MetricName: ['DeliverySucceedCount', 'Nope'],
  Period: ['3600', '60'],
  TemplateId: ['aqt-1', '1'],
  TemplateName: ['t'],
  TemplateSql: ['select * from actiontrail_x'],
  SimpleQuery: ['true', 'false'],
  StorageRegion: ['cn-hangzhou', 'cn-shanghai'],
  AccessKey: ['LTAIfuzz'],
};

/** Fills in the caller's account id, known only when the request is built. */
export function withAccount(params: Record<string, string>, accountId: string) {
  return Object.fromEntries(
    Object.entries(params).map(([k, v]) => [k, v.replaceAll('{account}', accountId)]),
  );
}

/** Params for `action`: its required ones (plausible or malformed) plus random extras. */
export function fuzzParamsFor(action: string): fc.Arbitrary<Record<string, string>> {
  const required = REQUIRED[action] ?? [];
  const value = (name: string) =>
    fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...(PLAUSIBLE[name] ?? ['x'])) },
      { weight: 2, arbitrary: fuzzValue },
    );
  return fc
    .tuple(fc.tuple(...required.map((n) => fc.option(value(n), { freq: 8 }))), fuzzParams)
    .map(([values, extra]) => {
      const params: Record<string, string> = { ...extra };
      required.forEach((n, i) => {
        const v = values[i];
        if (v !== null && v !== undefined) params[n] = v;
      });
      return params;
    });
}
