import type { Command } from '../command.js';
import { USAGE } from '../usage.js';

/** Prints the usage on stdout (asked for, so not an error); `help <command>` prints that command's help. */
export const help =
  (commandHelp: (name: string) => Command | undefined): Command =>
  (args, io) => {
    const [name] = args;
    const command = name === undefined ? undefined : commandHelp(name);
    if (command) return command(['--help'], io);
    io.out(USAGE);
    return 0;
  };
