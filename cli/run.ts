import { FerryError } from '../client/ferry-error.js';
import type { CliIo, Command } from './command.js';
import { cancel } from './commands/cancel.js';
import { configure } from './commands/configure.js';
import { hashKey } from './commands/hash-key.js';
import { help } from './commands/help.js';
import { ingest } from './commands/ingest.js';
import { mediaUrl } from './commands/media-url.js';
import { newKey } from './commands/new-key.js';
import { setup } from './commands/setup.js';
import { status } from './commands/status.js';
import { tenants } from './commands/tenants.js';
import { watch } from './commands/watch.js';
import { zip } from './commands/zip.js';
import { describeError } from './format.js';
import { processIo } from './process-io.js';
import { USAGE, UsageError } from './usage.js';

/** Commands with a help of their own (`ferry <command> --help`, `ferry help <command>`). */
const WITH_HELP: ReadonlyMap<string, Command> = new Map([
  ['zip', zip],
  ['ingest', ingest],
  ['status', status],
  ['watch', watch],
  ['cancel', cancel],
  ['media-url', mediaUrl],
  ['configure', configure],
  ['tenants', tenants],
]);

const helpCommand = help((name) => WITH_HELP.get(name));

/** Wraps an operator command that has no flags of its own so that `--help` prints the usage. */
const orUsage =
  (command: Command): Command =>
  (args, io) =>
    args.length === 1 && (args[0] === '--help' || args[0] === '-h') ? helpCommand([], io) : command(args, io);

// A Map, not an object literal: `ferry constructor` must be an unknown command, not Object.prototype's.
const COMMANDS: ReadonlyMap<string, Command> = new Map([
  ...WITH_HELP,
  ['hash-key', orUsage(hashKey)],
  ['new-key', orUsage(newKey)],
  ['setup', orUsage(setup)],
  ['help', helpCommand],
  ['--help', helpCommand],
  ['-h', helpCommand],
]);

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
      io.err(`${e.message}\n\n${e.help ?? USAGE}`);
      return 2;
    }
    if (e instanceof FerryError) {
      io.err(`${describeError(e)}\n`);
      return 1;
    }
    io.err(`${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}
