import type { RequestHandler } from 'express';
import { AppError } from '../../shared/errors/app-error.js';
import type { JobRateLimiter } from '../jobs/job-rate-limiter.js';
import { tenantOf } from './auth.js';

/**
 * Limits job creation to the tenant's `jobsPerMinute`: over it -> 429 `rate_limited` with `Retry-After`.
 * The job-creating routes put it before their handler. An invalid request keeps its slot (a flood of bad bodies
 * is limited like a flood of jobs); an idempotent replay (200) and a request that failed on ferry's side (5xx)
 * created no job through no fault of the client and give their slot back.
 */
export function rateLimitJobs(limiter: JobRateLimiter, log?: (err: unknown) => void): RequestHandler {
  return async (req, res, next) => {
    const tenant = tenantOf(req);
    const limit = tenant.limits.jobsPerMinute;
    const result = await limiter.take(tenant.id, limit);
    if (!result.allowed) {
      const retryAfter = Math.max(1, Math.ceil(result.retryAfterMs / 1000));
      next(
        new AppError('rate_limited', `Rate limit of ${limit} jobs per minute reached; retry in ${retryAfter} s`, {
          details: { limit, retryAfter },
        }),
      );
      return;
    }
    res.setHeader('RateLimit-Limit', String(limit));
    res.setHeader('RateLimit-Remaining', String(result.remaining));
    res.on('finish', () => {
      if (res.statusCode === 200 || res.statusCode >= 500)
        limiter.refund(tenant.id, result.token).catch((err: unknown) => log?.(err));
    });
    next();
  };
}
