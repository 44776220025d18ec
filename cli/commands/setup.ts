import { loadConfig } from '../../shared/config.js';
import { createClients } from '../../shared/runtime.js';
import { lifecycleRules, ZIP_TAG } from '../../shared/storage/lifecycle.js';
import type { Command } from '../command.js';

/**
 * Creates what the service needs and cannot create on each start: the media index table; checks the bucket and
 * applies its lifecycle rule.
 */
export const setup: Command = async (_args, { out, err, env }) => {
  const config = loadConfig(env);
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
};
