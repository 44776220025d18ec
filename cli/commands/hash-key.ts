import { hashApiKey } from '../../shared/tenants.js';
import type { Command } from '../command.js';
import { UsageError } from '../usage.js';

/** Prints the SHA-256 hex of one API key: what a tenant's `apiKeys` holds. */
export const hashKey: Command = (args, { out }) => {
  const key = args[0];
  if (args.length !== 1 || key === undefined || key === '') {
    throw new UsageError('hash-key takes exactly one non-empty key');
  }
  out(`${hashApiKey(key)}\n`);
  return 0;
};
