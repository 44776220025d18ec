import { pino, type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs; callers add `{ jobId, tenant }` with `.child()` for every line about a job. */
export function createLogger(level: string, bindings: Record<string, unknown> = {}): Logger {
  return pino({ level, base: { ...bindings }, timestamp: pino.stdTimeFunctions.isoTime });
}
