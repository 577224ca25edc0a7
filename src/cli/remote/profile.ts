/**
 * Where a remote command finds its endpoint and key. Precedence, per setting: flags, then the
 * environment, then the profile in `~/.opentrail/config.json` (written by `opentrail configure`).
 * Per setting rather than all-or-nothing, so `--endpoint` can point a saved key at another node.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { normalizeEndpoint } from './api-client.js';

export interface Profile {
  endpoint?: string;
  accessKeyId?: string;
  accessKeySecret?: string;
  securityToken?: string;
}

export interface ProfileFile {
  profiles: Record<string, Profile>;
}

/** A usage problem (missing key, bad profile file): exit code 2, like a bad flag. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** `$HOME/.opentrail/config.json`; HOME is read on each call so tests can point it elsewhere. */
export function profilePath(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(env.HOME || homedir(), '.opentrail', 'config.json');
}

export function readProfiles(file: string): ProfileFile {
  if (!existsSync(file)) return { profiles: {} };
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UsageError(`${file} is not valid JSON (${(e as Error).message})`);
  }
  const profiles = (parsed as { profiles?: unknown }).profiles;
  if (typeof profiles !== 'object' || profiles === null) {
    throw new UsageError(`${file} has no "profiles" object`);
  }
  return { profiles: profiles as Record<string, Profile> };
}

/** Writes the whole file with mode 0600 (it holds secrets), via a rename so it is never half written. */
export function writeProfiles(file: string, content: ProfileFile): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
}

export interface RemoteFlags {
  endpoint?: string;
  accessKeyId?: string;
  accessKeySecret?: string;
  securityToken?: string;
  profile?: string;
}

export type SettingSource = 'flag' | 'env' | 'profile';

export interface ResolvedConnection {
  endpoint: string;
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string;
  profile: string;
  /** Where each setting came from (shown by `configure list`, handy when debugging). */
  sources: Record<'endpoint' | 'accessKeyId' | 'accessKeySecret', SettingSource>;
}

export function profileName(flags: RemoteFlags, env: NodeJS.ProcessEnv = process.env): string {
  return flags.profile || env.OPENTRAIL_PROFILE || 'default';
}

/** Resolves the connection; a missing endpoint or key is a UsageError naming every way to set it. */
export function resolveConnection(
  flags: RemoteFlags,
  env: NodeJS.ProcessEnv = process.env,
): ResolvedConnection {
  const name = profileName(flags, env);
  const file = profilePath(env);
  const profiles = readProfiles(file).profiles;
  const profile = profiles[name];
  // A named profile that does not exist is a mistake; the implicit default may be absent.
  if (!profile && (flags.profile || env.OPENTRAIL_PROFILE)) {
    throw new UsageError(
      `no profile "${name}" in ${file} (create it: opentrail configure --profile ${name})`,
    );
  }
  const pick = (
    flag: string | undefined,
    envValue: string | undefined,
    fromProfile: string | undefined,
  ): [string | undefined, SettingSource] => {
    if (flag) return [flag, 'flag'];
    if (envValue) return [envValue, 'env'];
    return [fromProfile, 'profile'];
  };
  const [endpoint, endpointFrom] = pick(
    flags.endpoint,
    env.OPENTRAIL_ENDPOINT || env.ALIBABA_CLOUD_ENDPOINT,
    profile?.endpoint,
  );
  const [id, idFrom] = pick(
    flags.accessKeyId,
    env.ALIBABA_CLOUD_ACCESS_KEY_ID,
    profile?.accessKeyId,
  );
  const [secret, secretFrom] = pick(
    flags.accessKeySecret,
    env.ALIBABA_CLOUD_ACCESS_KEY_SECRET,
    profile?.accessKeySecret,
  );
  // The token belongs to the key: take it from wherever the key id came from, so an STS token
  // in a profile is never sent with a long-term key given on the command line.
  const token =
    idFrom === 'flag'
      ? flags.securityToken
      : idFrom === 'env'
        ? env.ALIBABA_CLOUD_SECURITY_TOKEN
        : profile?.securityToken;
  if (!endpoint) {
    throw new UsageError(
      'no endpoint: pass --endpoint, set OPENTRAIL_ENDPOINT, or run opentrail configure',
    );
  }
  if (!id || !secret) {
    throw new UsageError(
      'no AccessKey: pass --access-key-id/--access-key-secret, set ALIBABA_CLOUD_ACCESS_KEY_ID/_SECRET, or run opentrail configure',
    );
  }
  return {
    endpoint: normalizeEndpoint(endpoint),
    accessKeyId: id,
    accessKeySecret: secret,
    ...(token ? { securityToken: token } : {}),
    profile: name,
    sources: { endpoint: endpointFrom, accessKeyId: idFrom, accessKeySecret: secretFrom },
  };
}
