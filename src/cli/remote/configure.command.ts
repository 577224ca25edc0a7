import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import type { Command } from 'commander';
import { normalizeEndpoint } from './api-client.js';
import { printJson, printTable, reportError } from './output.js';
import {
  type Profile,
  profileName,
  profilePath,
  readProfiles,
  UsageError,
  writeProfiles,
} from './profile.js';

interface ConfigureOptions {
  profile?: string;
  endpoint?: string;
  accessKeyId?: string;
  accessKeySecret?: string;
  securityToken?: string;
  json?: boolean;
}

const FIELDS = [
  ['endpoint', 'Endpoint (e.g. http://127.0.0.1:8080)'],
  ['accessKeyId', 'AccessKeyId'],
  ['accessKeySecret', 'AccessKeySecret'],
  ['securityToken', 'SecurityToken (STS keys only, empty for none)'],
] as const;

/**
 * A readline on the terminal that can stop echoing: readline owns the echo (terminal mode puts
 * the TTY in raw mode), and its output goes through here, so a secret being typed is not shown.
 */
function terminalReader() {
  let muted = false;
  const output = new Writable({
    write(chunk, _encoding, done) {
      if (!muted) process.stderr.write(chunk);
      done();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  rl.on('SIGINT', () => {
    rl.close();
    process.stderr.write('\n');
    process.exit(130);
  });
  // An iterator buffers lines typed (or pasted) ahead of the question; rl.question drops them.
  const lines = rl[Symbol.asyncIterator]();
  return {
    async read(secret: boolean): Promise<string> {
      muted = secret;
      const line = String((await lines.next()).value ?? '');
      if (secret) process.stderr.write('\n'); // the Enter was not echoed either
      muted = false;
      return line.trim();
    },
    close: () => rl.close(),
  };
}

/** Asks on a terminal for what the flags left out; the current value is kept on Enter. */
async function prompt(current: Profile, given: ConfigureOptions): Promise<Profile> {
  const next: Profile = { ...current };
  const missing = FIELDS.filter(([k]) => given[k] === undefined);
  const reader = missing.length > 0 && process.stdin.isTTY ? terminalReader() : undefined;
  try {
    for (const [key, label] of FIELDS) {
      let value = given[key];
      if (value === undefined && reader) {
        const secret = key === 'accessKeySecret' || key === 'securityToken';
        const shown = current[key] ? (secret ? ' [****]' : ` [${current[key]}]`) : '';
        process.stderr.write(`${label}${shown}: `);
        const answer = await reader.read(secret);
        value = answer === '' ? current[key] : answer;
      }
      if (value === undefined || value === '') delete next[key];
      else next[key] = key === 'endpoint' ? normalizeEndpoint(value) : value;
    }
  } finally {
    reader?.close();
  }
  return next;
}

/** `opentrail configure`: saves a profile in ~/.opentrail/config.json (mode 0600). */
export function registerConfigureCommand(program: Command): void {
  const configure = program
    .command('configure')
    .description(
      'save an endpoint and AccessKey as a profile in ~/.opentrail/config.json (mode 0600)',
    )
    .option('-p, --profile <name>', 'profile to write (default: $OPENTRAIL_PROFILE, "default")')
    .option('--endpoint <url>', 'server URL')
    .option('--access-key-id <id>', 'AccessKeyId')
    .option('--access-key-secret <secret>', 'AccessKeySecret')
    .option('--security-token <token>', 'SecurityToken of an STS key ("" removes it)')
    .action(async (opts: ConfigureOptions) => {
      try {
        const name = profileName(opts);
        const file = profilePath();
        const content = readProfiles(file);
        const profile = await prompt(content.profiles[name] ?? {}, opts);
        if (!profile.endpoint || !profile.accessKeyId || !profile.accessKeySecret) {
          throw new UsageError(
            'a profile needs --endpoint, --access-key-id and --access-key-secret (asked for on a terminal)',
          );
        }
        content.profiles[name] = profile;
        writeProfiles(file, content);
        process.stdout.write(`saved profile "${name}" in ${file}\n`);
      } catch (e) {
        process.exitCode = reportError(e);
      }
    });

  configure
    .command('list')
    .description('list the saved profiles (never their secrets)')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }) => {
      try {
        const file = profilePath();
        const rows = Object.entries(readProfiles(file).profiles).map(([name, p]) => ({
          profile: name,
          endpoint: p.endpoint ?? '',
          accessKeyId: p.accessKeyId ?? '',
          securityToken: p.securityToken ? 'yes' : 'no',
        }));
        if (opts.json) return printJson({ file, profiles: rows });
        printTable(
          ['Profile', 'Endpoint', 'AccessKeyId', 'STS'],
          rows.map((r) => [r.profile, r.endpoint, r.accessKeyId, r.securityToken]),
        );
      } catch (e) {
        process.exitCode = reportError(e);
      }
    });
}
