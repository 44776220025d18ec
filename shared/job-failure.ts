/**
 * BullMQ keeps only a message for a failed job; the error code travels in front of it as `code: message`
 * so the job document can show `{code, message}`.
 */
export function formatFailure(code: string, message: string): string {
  return `${code}: ${message}`;
}

export function parseFailure(reason: string | undefined): { code: string; message: string } | undefined {
  if (!reason) return undefined;
  const match = /^([a-z][a-z0-9_]*): ([\s\S]*)$/.exec(reason);
  return match ? { code: match[1]!, message: match[2]! } : { code: 'internal_error', message: reason };
}
