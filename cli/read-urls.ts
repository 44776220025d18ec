import { readFile } from 'node:fs/promises';
import type { CliIo } from './command.js';
import { UsageError } from './usage.js';

/** The URLs of the arguments and of `--from-file` (one a line; `-` is stdin; blank lines and `#` comments skipped). */
export async function readUrls(
  positionals: readonly string[],
  fromFile: string | undefined,
  io: CliIo,
  help: string,
): Promise<string[]> {
  const urls = [...positionals];
  if (fromFile !== undefined) {
    let text: string;
    if (fromFile === '-') {
      if (!io.readStdin) throw new UsageError('--from-file -: no stdin to read', help);
      text = await io.readStdin();
    } else {
      text = await readFile(fromFile, 'utf8');
    }
    for (const raw of text.split(/\r?\n/)) {
      const line = raw.trim();
      if (line !== '' && !line.startsWith('#')) urls.push(line);
    }
  }
  if (urls.length === 0) throw new UsageError('Give at least one URL (arguments or --from-file)', help);
  return urls;
}
