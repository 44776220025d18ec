import { json } from '../openapi/common.js';
import { defineRoute } from '../route.js';
import { readinessSchema } from '../schemas.js';

const PROBE_TIMEOUT_MS = 3000;

type Check = { ok: true } | { ok: false; error: string };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function withTimeout(p: Promise<unknown>, ms: number): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/**
 * GET /readyz: 200 when Redis, S3 and DynamoDB answer, 503 with the failing checks otherwise. A probe that
 * resolves with an object (or fails with one as `details`) has it in the body under its name: `redis`.
 */
export const getReadinessRoute = defineRoute({
  method: 'get',
  path: '/readyz',
  handlers: ({ readiness }) => [
    async (_req, res) => {
      const details: Record<string, unknown> = {};
      const entries = await Promise.all(
        Object.entries(readiness).map(async ([name, probe]): Promise<[string, Check]> => {
          try {
            const result = await withTimeout(probe(), PROBE_TIMEOUT_MS);
            if (isObject(result)) details[name] = result;
            return [name, { ok: true }];
          } catch (err) {
            const failed = (err as { details?: unknown }).details;
            if (isObject(failed)) details[name] = failed;
            return [name, { ok: false, error: (err as Error).message || (err as Error).name }];
          }
        }),
      );
      const checks = Object.fromEntries(entries);
      const ready = entries.every(([, c]) => c.ok);
      res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', checks, ...details });
    },
  ],
  docs: {
    operationId: 'getReadiness',
    summary: 'Readiness: Redis, S3 and DynamoDB answer',
    responses: {
      200: json('Every dependency answers.', readinessSchema),
      503: json('A dependency does not answer.', readinessSchema),
    },
  },
});
