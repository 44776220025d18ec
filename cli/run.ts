import type { CliIo, Command } from './command.js';
import { hashKey } from './commands/hash-key.js';
import { help } from './commands/help.js';
import { mediaUrl } from './commands/media-url.js';
import { newKey } from './commands/new-key.js';
import { setup } from './commands/setup.js';
import { USAGE, UsageError } from './usage.js';

// A Map, not an object literal: `ferry constructor` must be an unknown command, not Object.prototype's.
const COMMANDS: ReadonlyMap<string, Command> = new Map([
  ['hash-key', hashKey],
  ['new-key', newKey],
  ['setup', setup],
  ['media-url', mediaUrl],
  ['help', help],
  ['--help', help],
  ['-h', help],
]);

const processIo: CliIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/**
 * Runs one command and returns the exit code: 0 done, 1 failed, 2 usage error (as most Unix tools do).
 * Never throws: whatever a command throws is reported on `io.err`.
 */
export async function run(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const [name, ...args] = argv;
  const command = name === undefined ? undefined : COMMANDS.get(name);
  if (command === undefined) {
    io.err(name === undefined ? USAGE : `Unknown command: ${name}\n\n${USAGE}`);
    return 2;
  }
  try {
    return await command(args, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`${e.message}\n\n${USAGE}`);
      return 2;
    }
    io.err(`${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}
