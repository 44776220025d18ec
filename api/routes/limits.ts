import { Router } from 'express';
import { z } from 'zod';
import { tenantOf } from '../middleware/auth.js';
import { RATE_WINDOW_MS, type JobRateLimiter } from '../middleware/rate-limit.js';

/** The body of GET /v1/limits. */
export const limitsResponseSchema = z.strictObject({
  tenant: z.string().describe('The caller\u2019s tenant id.'),
  limits: z.strictObject({
    jobsPerMinute: z.int().positive().describe('Jobs (POST /v1/zips and /v1/ingests) per sliding minute.'),
    maxFilesPerJob: z.int().positive(),
    maxFileBytes: z.int().positive(),
    maxJobBytes: z.int().positive(),
    allowedTypes: z.array(z.string()).describe('Media types a fetched file may have (`image/*` style).'),
  }),
  rate: z.strictObject({
    windowSeconds: z.int().positive(),
    remaining: z.int().nonnegative().describe('Jobs the caller may still create in the current window.'),
  }),
});
export type LimitsResponse = z.infer<typeof limitsResponseSchema>;

/** GET /v1/limits: the caller's limits and what is left of its rate limit. */
export function limitsRouter(limiter: JobRateLimiter): Router {
  const router = Router();
  router.get('/v1/limits', async (req, res) => {
    const { id, limits } = tenantOf(req);
    const body: LimitsResponse = {
      tenant: id,
      limits: {
        jobsPerMinute: limits.jobsPerMinute,
        maxFilesPerJob: limits.maxFilesPerJob,
        maxFileBytes: limits.maxFileBytes,
        maxJobBytes: limits.maxJobBytes,
        allowedTypes: limits.allowedTypes,
      },
      rate: { windowSeconds: RATE_WINDOW_MS / 1000, remaining: await limiter.remaining(id, limits.jobsPerMinute) },
    };
    res.json(body);
  });
  return router;
}
