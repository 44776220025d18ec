import { RATE_WINDOW_MS } from '../jobs/job-rate-limiter.js';
import { tenantOf } from '../middleware/auth.js';
import { json } from '../openapi/common.js';
import { defineRoute } from '../route.js';
import { limitsResponseSchema, type LimitsResponse } from '../schemas.js';

/** GET /v1/limits: the caller's limits and what is left of its rate limit. */
export const getLimitsRoute = defineRoute({
  method: 'get',
  path: '/v1/limits',
  handlers: ({ limiter }) => [
    async (req, res) => {
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
    },
  ],
  docs: {
    operationId: 'getLimits',
    summary: 'The caller’s limits, and the jobs it may still create this minute',
    responses: { 200: json('The limits.', limitsResponseSchema) },
  },
});
