import { isErrorCode, type ErrorCode } from './codes.js';

/** A job's failure as the job document shows it. */
export interface JobFailure {
  code: ErrorCode;
  message: string;
}

/**
 * BullMQ keeps only a message for a failed job; the error code travels in front of it as `code: message`
 * so the job document can show `{code, message}`.
 */
export function formatFailure(code: ErrorCode, message: string): string {
  return `${code}: ${message}`;
}

/** The reasons BullMQ itself fails a job with when its workers keep dying under it (stalled-job recovery). */
const WORKER_LOST = new Set(['job stalled more than allowable limit', 'job started more than allowable limit']);

/**
 * The `{code, message}` of a failed job's reason; BullMQ's own stalled-job verdict reads as `worker_lost`, any
 * other reason ferry did not format as `internal_error`.
 */
export function parseFailure(reason: string | undefined): JobFailure | undefined {
  if (!reason) return undefined;
  if (WORKER_LOST.has(reason)) {
    return {
      code: 'worker_lost',
      message: `The job lost its worker more often than WORKER_MAX_STALLED_COUNT allows (BullMQ: ${reason})`,
    };
  }
  const match = /^([a-z][a-z0-9_]*): ([\s\S]*)$/.exec(reason);
  if (!match || !isErrorCode(match[1]!)) return { code: 'internal_error', message: reason };
  return { code: match[1], message: match[2]! };
}
