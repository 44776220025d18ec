import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import { UsageError } from './usage-error.js';

/** A `--name` flag's value as a positive number (an integer if `integer`), `fallback` when absent. */
export function positiveOption(
  name: string,
  raw: string | undefined,
  fallback: number,
  integer: boolean,
  usage: string,
): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw new UsageError(`--${name} must be a positive ${integer ? 'integer' : 'number'}, got "${raw}"\n${usage}`);
  }
  return n;
}

/** The bench's flags (strict: an unknown flag is a usage error that prints `usage`). */
export function parseBenchFlags<const O extends ParseArgsOptionsConfig>(argv: string[], options: O, usage: string) {
  try {
    return parseArgs({ args: argv, options, strict: true }).values;
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n${usage}`);
  }
}
