/**
 * Who calls, from where and with what: the people, robots and roles of a seeded account, the
 * user-agent strings of Alibaba's SDKs, CLI, Terraform provider and browsers, and the region
 * codes Alibaba embeds in resource ids. Every seeded account gets the same cast, so histories of
 * different accounts look alike and only differ in ids and volume.
 */
export type AgentKind = 'sdk' | 'cli' | 'terraform' | 'console';

export interface ActorTemplate {
  type: 'root-account' | 'ram-user' | 'assumed-role';
  /** RAM user name or role name ("root" for the account). */
  name: string;
  /** Share of the account's API calls. */
  weight: number;
  /** Probability that a call is a read. */
  readShare: number;
  agents: Partial<Record<AgentKind, number>>;
  /** Where calls come from: an office network, cloud hosts (VPC), or CI runners. */
  network: 'office' | 'vpc' | 'ci';
  /** Role session names (assumed roles only). */
  sessions?: string[];
  /** People sign in to the console; robots never do. */
  signsIn?: boolean;
}

// type, name, weight (share of calls), read share, agents, network, then `signin` (a person who
// signs in to the console) or the role's session names.
const ACTOR_TABLE = `
  root-account  root                4  0.60  console:6,cli:3,sdk:1        office  signin
  ram-user      alice               9  0.70  console:5,cli:4,sdk:1        office  signin
  ram-user      bob                 6  0.75  console:8,cli:2              office  signin
  ram-user      ops-admin           8  0.55  cli:5,terraform:3,console:2  office  signin
  ram-user      terraform-ci        8  0.60  terraform:1                  ci      -
  ram-user      backup-bot          6  0.45  sdk:1                        vpc     -
  ram-user      monitoring         10  0.95  sdk:1                        vpc     -
  assumed-role  k8s-node-role      18  0.80  sdk:1                        vpc     node-01,node-02,node-03,node-04,node-05,node-06
  assumed-role  terraform-deployer 10  0.50  terraform:1                  ci      pipeline-1842,pipeline-1843,pipeline-1851
  assumed-role  readonly-auditor    6  0.97  console:7,cli:3              office  carol,dave,erin
  assumed-role  app-ecs-role        9  0.75  sdk:1                        vpc     i-app-01,i-app-02,i-app-03
`;

export const ACTORS: ActorTemplate[] = ACTOR_TABLE.trim()
  .split('\n')
  .map((row) => {
    const [type, name, weight, readShare, agents, network, extra] = row
      .trim()
      .split(/\s+/) as string[];
    return {
      type: type as ActorTemplate['type'],
      name: name as string,
      weight: Number(weight),
      readShare: Number(readShare),
      agents: Object.fromEntries(
        (agents as string).split(',').map((pair) => {
          const [kind, share] = pair.split(':');
          return [kind, Number(share)];
        }),
      ),
      network: network as ActorTemplate['network'],
      signsIn: extra === 'signin',
      sessions: type === 'assumed-role' ? (extra as string).split(',') : undefined,
    };
  });

export const USER_AGENTS: Record<AgentKind, string[]> = {
  sdk: [
    'AlibabaCloud (Linux; x64) Node.js/v20.11.1 Core/1.0.1 TeaDSL/2',
    'AlibabaCloud (Mac OS X; x86_64) Java/1.8.0_252-b09 Core/4.4.6 HTTPClient/ApacheHttpClient',
    'AlibabaCloud (Linux; amd64) Go/1.21.5 Core/0.01 TeaDSL/1',
    'AlibabaCloud (Linux; x86_64) Python/3.11.4 Core/2.13.36 python-requests/2.31.0',
    'aliyun-sdk-java/3.17.4(Linux/5.10.134-16.al8.x86_64/amd64;17.0.9)',
  ],
  cli: [
    'AlibabaCloud (Linux; amd64) Go/1.21.3 Core/0.01 TeaDSL/1 Aliyun-CLI/3.0.188',
    'AlibabaCloud (Darwin; arm64) Go/1.21.3 Core/0.01 TeaDSL/1 Aliyun-CLI/3.0.198',
  ],
  terraform: [
    'HashiCorp Terraform/1.6.6 (+https://www.terraform.io) Terraform Plugin SDK/2.10.1 terraform-provider-alicloud/1.214.1',
    'HashiCorp Terraform/1.5.7 (+https://www.terraform.io) Terraform Plugin SDK/2.10.1 terraform-provider-alicloud/1.209.0',
  ],
  console: [
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Safari/605.1.15',
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.0.0',
  ],
};

/** First octets of the networks calls come from (office egress, VPC hosts, CI runners). */
export const NETWORK_PREFIXES: Record<ActorTemplate['network'], string[]> = {
  office: ['116.62', '47.98', '101.68', '120.55', '203.119'],
  vpc: ['172.16', '172.18', '192.168', '10.0'],
  ci: ['20.42', '13.77', '52.175', '47.243'],
};

/** Region code in Alibaba resource ids (i-bp1…: Hangzhou); other regions get a seeded code. */
export const REGION_ID_CODES: Record<string, string> = {
  'cn-hangzhou': 'bp1',
  'cn-shanghai': 'uf6',
  'cn-beijing': '2ze',
  'cn-shenzhen': 'wz9',
  'cn-qingdao': 'm5e',
  'cn-zhangjiakou': '8vb',
  'cn-hongkong': 'j6c',
  'ap-southeast-1': 't4n',
  'ap-northeast-1': '6we',
  'us-west-1': 'rj9',
  'us-east-1': '0xi',
  'eu-central-1': 'gw8',
};

const words = (text: TemplateStringsArray): string[] => text.join('').trim().split(/\s+/);

export const COMPANIES = words`acme globex initech umbrella hooli stark wayne tyrell`;

export const NAME_PARTS = {
  bucketUse: words`logs assets backup data static archive media artifacts`,
  env: words`prod staging dev`,
  extraUsers: words`carol dave erin frank grace heidi data-sync ci-runner`,
  roles: words`
    k8s-node-role terraform-deployer readonly-auditor app-ecs-role fc-exec-role
    AliyunActionTrailDefaultRole`,
  policies: words`
    ReadOnlyOSS DevOpsFullAccess CIDeployPolicy BackupWriter KMSDecryptOnly NetworkAdmin
    LogWriter AuditorReadOnly`,
  projectUse: words`logs audit app-logs k8s-log`,
  trailUse: words`audit security compliance`,
  domainSuffix: words`.com .cn -corp.com .io`,
};

export const SIGNIN_ERRORS: [string, string][] = [
  ['InvalidPassword', 'The password is incorrect.'],
  ['MFACodeIncorrect', 'The MFA code is incorrect.'],
];
