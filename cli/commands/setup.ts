import { loadConfig } from '../../shared/config.js';
import { createClients } from '../../shared/runtime.js';
import { checkRedis } from '../../shared/startup-checks.js';
import { createBucket } from '../../shared/storage/create-bucket.js';
import { lifecycleRules, ZIP_TAG } from '../../shared/storage/lifecycle.js';
import { explainStorageError, isMissingBucket } from '../../shared/storage/storage-diagnosis.js';
import { parseCommandArgs } from '../args.js';
import type { Command } from '../command.js';

const HELP = `Usage: ferry setup [--create-bucket]

Creates the media table (DYNAMODB_TABLE) if it is not there, checks the bucket (S3_BUCKET) and applies its
lifecycle rule, and checks Redis's settings (maxmemory-policy noeviction, appendonly yes).

  --create-bucket          Create the bucket when it does not exist
  -h, --help               Print this text
`;

/** How long setup waits for Redis's settings: Redis is not what setup makes, so it only warns. */
const REDIS_CHECK_TIMEOUT_MS = 5000;

/**
 * Creates what the service needs and cannot create on each start: the media index table (and the bucket, when
 * asked); checks the bucket and applies its lifecycle rule. Each failure says its cause and its fix.
 */
export const setup: Command = async (args, io) => {
  const parsed = parseCommandArgs(args, { 'create-bucket': { type: 'boolean' } }, HELP, io);
  if (!parsed) return 0;
  const { out, err, env } = io;
  const config = loadConfig(env);
  const clients = createClients(config, 'ferry-setup');
  clients.redis.on('error', () => undefined);
  try {
    try {
      const created = await clients.index.ensureTable();
      out(`DynamoDB table ${config.DYNAMODB_TABLE}: ${created ? 'created' : 'already there'}\n`);
    } catch (e) {
      err(`setup failed: ${explainStorageError(e, config, 'table')}\n`);
      return 1;
    }
    try {
      await clients.store.ping();
      out(`S3 bucket ${config.S3_BUCKET}: reachable\n`);
    } catch (e) {
      if (parsed.values['create-bucket'] !== true || !isMissingBucket(e)) {
        err(`setup failed: ${explainStorageError(e, config, 'bucket')}\n`);
        return 1;
      }
      try {
        await createBucket(clients.s3, config.S3_BUCKET, config.S3_REGION);
      } catch (ce) {
        err(`setup failed: could not create the bucket: ${explainStorageError(ce, config, 'bucket')}\n`);
        return 1;
      }
      out(`S3 bucket ${config.S3_BUCKET}: created\n`);
    }
    const rules = lifecycleRules(config);
    const applied = await clients.store.applyLifecycle(rules);
    out(
      applied
        ? `S3 lifecycle: archives tagged ${ZIP_TAG.key}=${ZIP_TAG.value} expire after ${rules.expireDays} days; unfinished uploads are aborted after ${rules.abortUploadsAfterDays} day\n`
        : 'S3 lifecycle: this S3 store does not support lifecycle rules: expire old archives yourself\n',
    );
    const warnings = await Promise.race([
      checkRedis(clients),
      new Promise<string[]>((resolve) =>
        setTimeout(
          () => resolve([`Redis did not answer within ${REDIS_CHECK_TIMEOUT_MS / 1000} s: check REDIS_URL`]),
          REDIS_CHECK_TIMEOUT_MS,
        ).unref(),
      ),
    ]);
    for (const w of warnings) err(`warning: Redis: ${w}\n`);
    if (warnings.length === 0) out('Redis: maxmemory-policy noeviction, appendonly yes\n');
    return 0;
  } catch (e) {
    err(`setup failed: ${(e as Error).message || (e as Error).name}\n`);
    return 1;
  } finally {
    await clients.close();
  }
};
