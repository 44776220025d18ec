import type { Command } from '../command.js';
import { USAGE } from '../usage.js';

/** Prints the usage on stdout (asked for, so not an error). */
export const help: Command = (_args, { out }) => {
  out(USAGE);
  return 0;
};
