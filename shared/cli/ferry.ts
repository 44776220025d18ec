import { loadConfig } from '../config.js';
import { createClients } from '../runtime.js';
import { lifecycleRules, ZIP_TAG } from '../storage/lifecycle.js';
import { generateApiKey, generateWebhookSecret, hashApiKey } from '../tenants.js';

const USAGE = `Usage: npm run ferry -- <command>
       node dist/shared/cli/ferry.js <command>

Commands:
  hash-key <key>   Print the SHA-256 hex of an API key: what a tenant's "apiKeys" holds.
  new-key          Print a new API key, its SHA-256 hex and a new webhook secret.
  setup            Create the DynamoDB media table if missing, check that the bucket is reachable and
                   apply its lifecycle rule (reads the same environment as the service).
  help             Print this text.
`;

interface Output {
  out: (text: string) => void;
  err: (text: string) => void;
}

/** Creates what the service needs and cannot create on each start: the media index table. */
async function setup({ out, err }: Output): Promise<number> {
  await import('dotenv/config');
  const config = loadConfig();
  const clients = createClients(config, 'ferry-setup');
  try {
    const created = await clients.index.ensureTable();
    out(`DynamoDB table ${config.DYNAMODB_TABLE}: ${created ? 'created' : 'already there'}\n`);
    await clients.store.ping();
    out(`S3 bucket ${config.S3_BUCKET}: reachable\n`);
    const rules = lifecycleRules(config);
    const applied = await clients.store.applyLifecycle(rules);
    out(
      applied
        ? `S3 lifecycle: archives tagged ${ZIP_TAG.key}=${ZIP_TAG.value} expire after ${rules.expireDays} days; unfinished uploads are aborted after ${rules.abortUploadsAfterDays} day\n`
        : 'S3 lifecycle: this S3 store does not support lifecycle rules: expire old archives yourself\n',
    );
    return 0;
  } catch (e) {
    err(`setup failed: ${(e as Error).message || (e as Error).name}\n`);
    return 1;
  } finally {
    await clients.close();
  }
}

/** Runs one command; returns the exit code (2 for a usage error, as most Unix tools do). */
function run(args: readonly string[], { out, err }: Output): number | Promise<number> {
  const [command, ...rest] = args;
  switch (command) {
    case 'hash-key': {
      const key = rest[0];
      if (rest.length !== 1 || key === undefined || key === '') {
        err(`hash-key takes exactly one non-empty key\n\n${USAGE}`);
        return 2;
      }
      out(`${hashApiKey(key)}\n`);
      return 0;
    }
    case 'new-key': {
      if (rest.length > 0) {
        err(`new-key takes no arguments\n\n${USAGE}`);
        return 2;
      }
      const key = generateApiKey();
      out(
        [
          `api key:        ${key}`,
          `api key sha256: ${hashApiKey(key)}`,
          `webhook secret: ${generateWebhookSecret()}`,
          '',
          // The plain key is not stored anywhere: this is the only time it is shown.
          'Give the key to the client; put its sha256 in the tenant\'s "apiKeys" and the secret in "webhookSecret".',
          '',
        ].join('\n'),
      );
      return 0;
    }
    case 'setup':
      return setup({ out, err });
    case 'help':
    case '--help':
    case '-h':
      out(USAGE);
      return 0;
    default:
      err(command === undefined ? USAGE : `Unknown command: ${command}\n\n${USAGE}`);
      return 2;
  }
}

const output: Output = { out: (text) => process.stdout.write(text), err: (text) => process.stderr.write(text) };
Promise.resolve(run(process.argv.slice(2), output)).then(
  (code) => (process.exitCode = code),
  (e: unknown) => {
    output.err(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
