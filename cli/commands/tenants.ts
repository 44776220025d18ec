import { cliEnvironment } from '../../shared/config.js';
import { generateApiKey, generateWebhookSecret, hashApiKey, tenantSchema } from '../../shared/tenants.js';
import { parseCommandArgs } from '../args.js';
import type { CliIo, Command } from '../command.js';
import { readTenantsFile, writeTenantsFile, type TenantRecord } from '../tenants-file.js';
import { UsageError } from '../usage.js';

export const TENANTS_HELP = `Usage: ferry tenants <add|list|rotate-key|remove> [options]

Edits the tenants file the service reads (FERRY_TENANTS_FILE, or --file). API keys are printed once and
stored only as their SHA-256. The service reads the file when it starts: restart it to apply a change.

  tenants add <id> [--limits <json>] [--no-webhook-secret]
                     Add a tenant with a new API key and webhook secret (the file is created if missing).
  tenants list       List the tenants: id, number of keys, webhook secret or not, limits.
  tenants rotate-key <id> [--revoke-old]
                     Add a new API key; the old ones keep working until --revoke-old (or a later
                     rotate-key --revoke-old) removes them.
  tenants remove <id>
                     Remove the tenant.

Options:
  --file <path>      The tenants file (default: FERRY_TENANTS_FILE)
  --limits <json>    With add: the tenant's limits, e.g. '{"jobsPerMinute": 30}'
  --no-webhook-secret  With add: no webhook secret (the tenant cannot ask for webhooks)
  --revoke-old       With rotate-key: remove every other key
  --json             With list: the file's entries as JSON
  -h, --help         Print this text
`;

const OPTIONS = {
  file: { type: 'string' },
  limits: { type: 'string' },
  'no-webhook-secret': { type: 'boolean' },
  'revoke-old': { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

function keyLines(key: string): string {
  return [
    `api key:        ${key}`,
    `api key sha256: ${hashApiKey(key)}`,
    // The plain key is not stored anywhere: this is the only time it is shown.
    'Give the key to the client now: only its sha256 is stored.',
    '',
  ].join('\n');
}

function find(tenants: TenantRecord[], id: string | undefined, sub: string): TenantRecord {
  if (id === undefined) throw new UsageError(`tenants ${sub} takes a tenant id`, TENANTS_HELP);
  const tenant = tenants.find((t) => t.id === id);
  if (!tenant) throw new Error(`No tenant "${id}"`);
  return tenant;
}

function parseLimits(json: string | undefined): Record<string, unknown> | undefined {
  if (json === undefined) return undefined;
  try {
    return JSON.parse(json) as Record<string, unknown>;
  } catch {
    throw new UsageError('--limits must be JSON', TENANTS_HELP);
  }
}

function list(tenants: TenantRecord[], json: boolean, io: CliIo): void {
  if (json) {
    io.out(`${JSON.stringify(tenants, null, 2)}\n`);
    return;
  }
  for (const t of tenants) {
    const keys = `${t.apiKeys.length} key${t.apiKeys.length === 1 ? '' : 's'}`;
    const secret = t.webhookSecret === undefined ? 'no webhook secret' : 'webhook secret';
    const limits = t.limits === undefined ? 'default limits' : `limits ${JSON.stringify(t.limits)}`;
    io.out(`${t.id}  ${keys}  ${secret}  ${limits}\n`);
  }
}

/** `ferry tenants add|list|rotate-key|remove`. */
export const tenants: Command = async (args, io) => {
  const parsed = parseCommandArgs(args, OPTIONS, TENANTS_HELP, io);
  if (!parsed) return 0;
  const [sub, id, ...extra] = parsed.positionals;
  const v = parsed.values;
  const file = v.file ?? cliEnvironment(io.env).FERRY_TENANTS_FILE;
  if (file === undefined) throw new UsageError('Give --file or set FERRY_TENANTS_FILE', TENANTS_HELP);
  if (extra.length > 0) throw new UsageError(`Unexpected arguments: ${extra.join(' ')}`, TENANTS_HELP);
  const all = await readTenantsFile(file);
  switch (sub) {
    case 'list':
      list(all, v.json === true, io);
      return 0;
    case 'add': {
      if (id === undefined) throw new UsageError('tenants add takes a tenant id', TENANTS_HELP);
      if (all.some((t) => t.id === id)) throw new Error(`Tenant "${id}" exists already`);
      const key = generateApiKey();
      const entry: TenantRecord = { id, apiKeys: [hashApiKey(key)] };
      const secret = v['no-webhook-secret'] ? undefined : generateWebhookSecret();
      if (secret) entry.webhookSecret = secret;
      const limits = parseLimits(v.limits);
      if (limits) entry.limits = limits;
      const checked = tenantSchema.safeParse(entry);
      if (!checked.success) {
        const why = checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
        throw new UsageError(`Not a valid tenant: ${why}`, TENANTS_HELP);
      }
      await writeTenantsFile(file, [...all, entry]);
      io.out(`Added tenant ${id} to ${file}\n${keyLines(key)}${secret ? `webhook secret: ${secret}\n` : ''}`);
      return 0;
    }
    case 'rotate-key': {
      const tenant = find(all, id, sub);
      const key = generateApiKey();
      tenant.apiKeys = v['revoke-old'] ? [hashApiKey(key)] : [...tenant.apiKeys, hashApiKey(key)];
      await writeTenantsFile(file, all);
      const kept = v['revoke-old'] ? 'the old keys are revoked' : `${tenant.apiKeys.length - 1} old key(s) still work`;
      io.out(`New key for tenant ${tenant.id} (${kept})\n${keyLines(key)}`);
      return 0;
    }
    case 'remove': {
      const tenant = find(all, id, sub);
      await writeTenantsFile(
        file,
        all.filter((t) => t !== tenant),
      );
      io.out(`Removed tenant ${tenant.id} from ${file}\n`);
      return 0;
    }
    default:
      throw new UsageError(
        sub === undefined ? 'tenants takes a subcommand' : `Unknown subcommand: ${sub}`,
        TENANTS_HELP,
      );
  }
};
