/** A bad command line: printed without a stack trace, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** node:util parseArgs reports unknown or malformed options with these codes. */
export function isUsageError(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return err instanceof UsageError || (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS'));
}
