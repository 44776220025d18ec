import { cliEnvironment } from '../../shared/config.js';
import { parseCommandArgs } from '../args.js';
import type { Command } from '../command.js';
import { profilePath, readProfile, writeProfile } from '../profile.js';
import { UsageError } from '../usage.js';

export const CONFIGURE_HELP = `Usage: ferry configure [--url <url>] [--key <key>]

Saves ferry's address and an API key in the profile file, readable by you only (mode 0600):
$XDG_CONFIG_HOME/ferry/config.json, else ~/.config/ferry/config.json. What is not given is kept.
FERRY_URL and FERRY_API_KEY, and --url and --key on each command, win over the file.
With no option, prints the file's path and address (never the key).

Options:
  --url <url>        ferry's address
  --key <key>        API key
  -h, --help         Print this text
`;

/** `ferry configure`: writes the profile file. */
export const configure: Command = async (args, io) => {
  const parsed = parseCommandArgs(args, { url: { type: 'string' }, key: { type: 'string' } }, CONFIGURE_HELP, io);
  if (!parsed) return 0;
  if (parsed.positionals.length > 0) throw new UsageError('configure takes no arguments', CONFIGURE_HELP);
  const { url, key } = parsed.values;
  if (url !== undefined && !URL.canParse(url)) throw new UsageError(`Not a URL: ${url}`, CONFIGURE_HELP);
  const path = profilePath(cliEnvironment(io.env));
  const profile = await readProfile(path);
  if (url === undefined && key === undefined) {
    io.out(`${path}\nurl: ${profile.url ?? '(none)'}\napi key: ${profile.apiKey ? 'set' : '(none)'}\n`);
    return 0;
  }
  await writeProfile(path, { ...profile, ...(url ? { url } : {}), ...(key ? { apiKey: key } : {}) });
  io.out(`Saved ${path}\n`);
  return 0;
};
