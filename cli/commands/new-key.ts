import { generateApiKey, generateWebhookSecret, hashApiKey } from '../../shared/tenants.js';
import type { Command } from '../command.js';
import { UsageError } from '../usage.js';

/** Prints a new API key, its SHA-256 hex and a new webhook secret. */
export const newKey: Command = (args, { out }) => {
  if (args.length > 0) throw new UsageError('new-key takes no arguments');
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
};
