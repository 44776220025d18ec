import { createClient, type FerryClient } from '../client/create-client.js';
import type { CliIo } from './command.js';
import { resolveConnection } from './profile.js';

/** The typed client for the API the flags, the environment or the profile name. */
export async function connect(
  flags: { url?: string | undefined; key?: string | undefined },
  io: CliIo,
  help: string,
): Promise<FerryClient> {
  const { url, apiKey } = await resolveConnection(flags, io, help);
  return createClient({ baseUrl: url, apiKey });
}
