import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { CliIo } from './command.js';
import { UsageError } from './usage.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** The flags every command that talks to the API takes. */
export const CONNECTION_OPTIONS = {
  url: { type: 'string' },
  key: { type: 'string' },
  json: { type: 'boolean' },
} as const satisfies Options;

export const CONNECTION_HELP = `  --url <url>              ferry's address (else FERRY_URL, else the profile file)
  --key <key>              API key (else FERRY_API_KEY, else the profile file)
  --json                   Print only the JSON document (nothing else on stdout)
  -h, --help               Print this text`;

/**
 * node:util's parseArgs, strict, with `-h`/`--help` on every command: undefined when the help was printed (the
 * command then exits 0), and a UsageError (exit 2) for an unknown flag or a missing value.
 */
export function parseCommandArgs<O extends Options>(args: readonly string[], options: O, help: string, io: CliIo) {
  const config = {
    args: [...args],
    options: { ...options, help: { type: 'boolean', short: 'h' } } as O,
    allowPositionals: true,
    strict: true,
  } as const;
  let parsed;
  try {
    parsed = parseArgs(config);
  } catch (e) {
    throw new UsageError((e as Error).message, help);
  }
  if ((parsed.values as Record<string, unknown>).help === true) {
    io.out(help);
    return undefined;
  }
  return parsed;
}

/** A positive number of seconds from a flag, in milliseconds. */
export function secondsFlag(value: string | undefined, flag: string, help: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${flag} must be a positive number of seconds`, help);
  return n * 1000;
}
