import {
  ACTORS,
  type ActorTemplate,
  type AgentKind,
  COMPANIES,
  NAME_PARTS,
  NETWORK_PREFIXES,
  REGION_ID_CODES,
} from './identity-catalog.js';
import { buildPayloadPools } from './payloads.js';
import { type Rng, weightedIndex } from './prng.js';
import { COMMON_ERRORS, type ResourceKind, SERVICES, type ServiceSpec } from './service-catalog.js';

/**
 * Everything a seeded history draws from, built once: accounts with their cast of callers,
 * compiled operations, per-region endpoints, payloads, and resource ids (created lazily per
 * account, service and region, then reused so the same instances recur as in a real account).
 */
export interface Actor {
  template: ActorTemplate;
  principalId: string;
  accessKeyIds: string[];
  ips: string[];
  pickAgent: (rng: Rng) => AgentKind;
}

export interface Account {
  id: string;
  company: string;
  actors: Actor[];
  pickActor: (rng: Rng) => Actor;
  signers: Actor[];
}

export interface Operation {
  name: string;
  rw: 'Read' | 'Write';
  /** Index into the service's `kinds`. */
  kind?: number;
  payload?: string;
  /** Create-style operations carry a ClientToken and tags. */
  creates: boolean;
  /** The service assigns the resource id: it is answered, not sent. */
  assignsId: boolean;
  /** Whole-collection reads (Describe*s, List*) page through results. */
  paged: boolean;
}

export interface Service {
  spec: ServiceSpec;
  kinds: ResourceKind[];
  reads: Operation[];
  writes: Operation[];
  /** eventSource per region index. */
  hosts: string[];
  consoleAgent: string;
  errors: [string, string][];
}

const POOL_SIZES: Record<ResourceKind['id'], number> = {
  regional: 24,
  bucket: 8,
  user: 10,
  role: 6,
  uuid: 6,
  project: 4,
  trail: 2,
  domain: 3,
  policy: 8,
};

export class SeedWorld {
  readonly accounts: Account[];
  readonly services: Service[];
  readonly pickService: (rng: Rng) => Service;
  readonly pickAccount: (rng: Rng) => Account;
  readonly pickRegion: (rng: Rng) => number;
  readonly serviceEventServices: Service[];
  private readonly payloads: Map<string, string[]>;
  private readonly pools = new Map<string, string[]>();

  constructor(
    private readonly rng: Rng,
    accountIds: readonly string[],
    readonly regions: readonly string[],
  ) {
    this.accounts = accountIds.map((id, index) => this.buildAccount(id, index));
    this.services = SERVICES.map((spec) => compileService(spec, regions));
    this.serviceEventServices = this.services.filter((s) => s.spec.serviceEvents);
    const byService = weightedIndex(SERVICES.map((s) => s.weight));
    this.pickService = (r) => this.services[byService(r)] as Service;
    // A few accounts and regions carry most of the traffic, as in real organisations.
    const byAccount = weightedIndex(accountIds.map((_, i) => 1 / (i + 1) ** 0.7));
    this.pickAccount = (r) => this.accounts[byAccount(r)] as Account;
    this.pickRegion = weightedIndex(regions.map((_, i) => 1 / (i + 1) ** 1.3));
    this.payloads = buildPayloadPools(rng);
  }

  payload(param: string, rng: Rng): string {
    return rng.pick(this.payloads.get(param) ?? ['']);
  }

  /** The ids of one kind of resource an account has in a region (names for global kinds). */
  resourceIds(account: Account, kind: ResourceKind, region: string): string[] {
    const key = `${account.id}|${kind.type}|${kind.id === 'regional' ? region : ''}`;
    let pool = this.pools.get(key);
    if (!pool) {
      pool = [];
      for (let i = 0; i < POOL_SIZES[kind.id]; i++) pool.push(this.newId(account, kind, region));
      this.pools.set(key, pool);
    }
    return pool;
  }

  private newId(account: Account, kind: ResourceKind, region: string): string {
    const r = this.rng;
    const c = account.company;
    switch (kind.id) {
      case 'regional': {
        const code = REGION_ID_CODES[region] ?? `${r.alnum(1)}${r.int(10)}${r.alnum(1)}`;
        return `${kind.prefix}${code}${r.alnum(17)}`;
      }
      case 'bucket':
        return `${c}-${r.pick(NAME_PARTS.bucketUse)}-${r.pick(NAME_PARTS.env)}-${r.alnum(4)}`;
      case 'user':
        return r.pick([
          ...ACTORS.filter((a) => a.type === 'ram-user').map((a) => a.name),
          ...NAME_PARTS.extraUsers,
        ]);
      case 'role':
        return r.pick(NAME_PARTS.roles);
      case 'uuid':
        return r.uuid().toLowerCase();
      case 'project':
        return `${c}-${r.pick(NAME_PARTS.projectUse)}-${r.pick(NAME_PARTS.env)}`;
      case 'trail':
        return `${c}-${r.pick(NAME_PARTS.trailUse)}-trail`;
      case 'domain':
        return `${c}${r.pick(NAME_PARTS.domainSuffix)}`;
      case 'policy':
        return r.pick(NAME_PARTS.policies);
    }
  }

  private buildAccount(id: string, index: number): Account {
    const r = this.rng;
    const company = COMPANIES[index % COMPANIES.length] as string;
    const actors = ACTORS.map((template): Actor => {
      const agentKinds = Object.keys(template.agents) as AgentKind[];
      const byAgent = weightedIndex(agentKinds.map((k) => template.agents[k] ?? 0));
      const prefixes = NETWORK_PREFIXES[template.network];
      const principalId =
        template.type === 'root-account'
          ? id
          : `${template.type === 'ram-user' ? '2' : '3'}${r.digits(16)}`;
      const keyCount = template.type === 'assumed-role' ? 8 : 2;
      return {
        template,
        principalId,
        accessKeyIds: Array.from({ length: keyCount }, () =>
          template.type === 'assumed-role'
            ? `STS.${mixedCase(r, 25)}`
            : `LTAI5t${mixedCase(r, 18)}`,
        ),
        ips: Array.from({ length: 3 }, () => `${r.pick(prefixes)}.${r.int(256)}.${1 + r.int(254)}`),
        pickAgent: (rng) => agentKinds[byAgent(rng)] as AgentKind,
      };
    });
    const byActor = weightedIndex(actors.map((a) => a.template.weight));
    return {
      id,
      company,
      actors,
      pickActor: (rng) => actors[byActor(rng)] as Actor,
      signers: actors.filter((a) => a.template.signsIn),
    };
  }
}

function compileService(spec: ServiceSpec, regions: readonly string[]): Service {
  const kindKeys = Object.keys(spec.resources);
  const compile = (token: string, rw: 'Read' | 'Write'): Operation => {
    const [head = token, payload] = token.split('>');
    const [name = head, kindMark] = head.split(':');
    const kindKey = kindMark?.replace('!', '');
    const kind = kindKey === undefined ? undefined : kindKeys.indexOf(kindKey);
    return {
      name,
      rw,
      kind,
      payload,
      creates: /^(Create|Run|Allocate|Add)/.test(name),
      assignsId: kindMark?.endsWith('!') ?? false,
      paged: kind === undefined && /^(Describe|List)/.test(name),
    };
  };
  const lower = spec.serviceName.toLowerCase();
  return {
    spec,
    kinds: kindKeys.map((k) => spec.resources[k] as ResourceKind),
    reads: spec.reads.map((t) => compile(t, 'Read')),
    writes: spec.writes.map((t) => compile(t, 'Write')),
    hosts: regions.map((region) => spec.host.replace('{r}', region)),
    consoleAgent: `${lower}.console.aliyun.com`,
    errors: [...spec.errors, ...COMMON_ERRORS],
  };
}

function mixedCase(rng: Rng, length: number): string {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let out = '';
  for (let i = 0; i < length; i++) out += chars[rng.int(chars.length)];
  return out;
}
