import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { cliEnvironment, type CliEnvironment } from '../shared/config.js';
import type { CliIo } from './command.js';
import { UsageError } from './usage.js';

const profileSchema = z.object({ url: z.string().optional(), apiKey: z.string().optional() });
export type Profile = z.infer<typeof profileSchema>;

/** `$XDG_CONFIG_HOME/ferry/config.json`, else `$HOME/.config/ferry/config.json`. */
export function profilePath(env: CliEnvironment): string {
  const base = env.XDG_CONFIG_HOME ?? join(env.HOME ?? homedir(), '.config');
  return join(base, 'ferry', 'config.json');
}

/** The profile file's contents; empty when there is none. */
export async function readProfile(path: string): Promise<Profile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw e;
  }
  const parsed = profileSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`${path}: expected {"url": "...", "apiKey": "..."}`);
  return parsed.data;
}

/** Writes the profile readable by its owner only (it holds an API key): 0600, the folder 0700. */
export async function writeProfile(path: string, profile: Profile): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(profile, null, 2)}\n`, { mode: 0o600 });
  await chmod(tmp, 0o600);
  await rename(tmp, path);
}

export interface Connection {
  url: string;
  apiKey: string;
}

/** Where the API is and which key to use: flags, else the environment, else the profile file. */
export async function resolveConnection(
  flags: { url?: string | undefined; key?: string | undefined },
  io: CliIo,
  help: string,
): Promise<Connection> {
  const env = cliEnvironment(io.env);
  const needsProfile = (flags.url ?? env.FERRY_URL) === undefined || (flags.key ?? env.FERRY_API_KEY) === undefined;
  const profile = needsProfile ? await readProfile(profilePath(env)) : {};
  const url = flags.url ?? env.FERRY_URL ?? profile.url;
  const apiKey = flags.key ?? env.FERRY_API_KEY ?? profile.apiKey;
  if (url === undefined) throw new UsageError('No API address: give --url, set FERRY_URL or run ferry configure', help);
  if (apiKey === undefined) {
    throw new UsageError('No API key: give --key, set FERRY_API_KEY or run ferry configure', help);
  }
  if (!URL.canParse(url)) throw new UsageError(`Not a URL: ${url}`, help);
  return { url, apiKey };
}
