import type { Rng } from './prng.js';

/**
 * Large request parameters (user data, policy documents, index configs, …) are what spread event
 * sizes. Their sizes are fixed by design — VARIANTS sizes spaced geometrically between a
 * per-parameter min and max, independent of the seed — so every seeded history has the same size
 * distribution and benchmarks stay comparable. Only the content depends on the seed.
 */
const VARIANTS = 16;

const SIZE_RANGES: Record<string, [number, number]> = {
  UserData: [400, 8000],
  PolicyDocument: [200, 4000],
  Policy: [200, 4000],
  AssumeRolePolicyDocument: [200, 1200],
  Lifecycle: [300, 3000],
  IndexDetail: [800, 6000],
  SecurityIps: [50, 1500],
};

const ACTIONS = [
  'oss:GetObject',
  'oss:PutObject',
  'oss:ListObjects',
  'ecs:Describe*',
  'ecs:StartInstance',
  'ecs:StopInstance',
  'kms:Decrypt',
  'kms:GenerateDataKey',
  'log:PostLogStoreLogs',
  'vpc:Describe*',
  'ram:PassRole',
  'rds:Describe*',
  'actiontrail:LookupEvents',
  'sts:AssumeRole',
];
const INDEX_FIELDS = [
  'eventName',
  'eventRW',
  'eventType',
  'acsRegion',
  'serviceName',
  'sourceIpAddress',
  'userAgent',
  'requestId',
  'errorCode',
  'errorMessage',
  'resourceName',
  'resourceType',
  'userIdentity.userName',
  'userIdentity.principalId',
  'userIdentity.accessKeyId',
  'requestParameterJson',
  'level',
  'module',
];

/** Pre-built values per parameter; events pick one, which keeps generation cheap. */
export function buildPayloadPools(rng: Rng): Map<string, string[]> {
  const pools = new Map<string, string[]>();
  for (const [param, [min, max]] of Object.entries(SIZE_RANGES)) {
    const pool: string[] = [];
    for (let i = 0; i < VARIANTS; i++) {
      const target = Math.round(min * (max / min) ** (i / (VARIANTS - 1)));
      pool.push(buildPayload(param, target, rng));
    }
    pools.set(param, pool);
  }
  return pools;
}

function buildPayload(param: string, target: number, rng: Rng): string {
  switch (param) {
    case 'UserData': {
      // Base64 of a cloud-init script: 3 bytes of script per 4 characters.
      let script = '#!/bin/bash\nset -euo pipefail\n';
      while ((script.length * 4) / 3 < target) {
        script += `echo "step ${rng.alnum(6)}" >> /var/log/bootstrap.log && yum install -y pkg-${rng.alnum(4)}\n`;
      }
      return Buffer.from(script).toString('base64');
    }
    case 'Lifecycle':
      return grow(
        target,
        (rules: unknown[]) => JSON.stringify({ Rule: rules }),
        () => ({
          ID: `rule-${rng.alnum(8)}`,
          Prefix: `${rng.pick(['logs', 'tmp', 'backup', 'upload'])}/`,
          Status: 'Enabled',
          Expiration: { Days: 7 + rng.int(358) },
        }),
      );
    case 'IndexDetail':
      return grow(
        target,
        (keys: [string, unknown][]) =>
          JSON.stringify({ line: { token: [',', ' ', ';'] }, keys: Object.fromEntries(keys) }),
        (): [string, unknown] => [
          `${rng.pick(INDEX_FIELDS)}_${rng.alnum(3)}`,
          { type: 'text', token: [',', ' ', '"', ';', '='], caseSensitive: false, doc_value: true },
        ],
      );
    case 'SecurityIps':
      return grow(
        target,
        (ips: string[]) => ips.join(','),
        () => `${10 + rng.int(200)}.${rng.int(256)}.${rng.int(256)}.0/24`,
      );
    default:
      // RAM / OSS policy documents.
      return grow(
        target,
        (statements: unknown[]) => JSON.stringify({ Version: '1', Statement: statements }),
        () => ({
          Effect: rng.chance(0.85) ? 'Allow' : 'Deny',
          Action: [rng.pick(ACTIONS), rng.pick(ACTIONS)],
          Resource: [`acs:oss:*:*:bucket-${rng.alnum(6)}/*`],
          Condition: { IpAddress: { 'acs:SourceIp': [`${rng.int(224)}.${rng.int(256)}.0.0/16`] } },
        }),
      );
  }
}

/** Adds items until the rendered text reaches `target` characters. */
function grow<T>(target: number, render: (items: T[]) => string, item: () => T): string {
  const items: T[] = [item()];
  let text = render(items);
  while (text.length < target) {
    items.push(item());
    text = render(items);
  }
  return text;
}
