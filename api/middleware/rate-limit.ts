import { randomBytes } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Redis } from 'ioredis';
import { AppError } from '../../shared/errors.js';
import { tenantOf } from './auth.js';

/** The window `jobsPerMinute` is counted over. */
export const RATE_WINDOW_MS = 60_000;

// A sliding log: one sorted-set member per job in the last minute, scored by Redis's own clock so that API
// processes with skewed clocks agree. Exact (no burst of 2x at a fixed window's edge) and at most
// jobsPerMinute members per tenant.
const TAKE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[2])
local limit = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[1])
if count < limit then
  local member = now .. '-' .. ARGV[3]
  redis.call('ZADD', KEYS[1], now, member)
  redis.call('PEXPIRE', KEYS[1], window)
  return {1, limit - count - 1, 0, member}
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return {0, 0, tonumber(oldest[2]) + window - now, ''}
`;

const COUNT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
return redis.call('ZCOUNT', KEYS[1], '(' .. (now - tonumber(ARGV[1])), '+inf')
`;

export type Take = { allowed: true; remaining: number; token: string } | { allowed: false; retryAfterMs: number };

/** Jobs per tenant per minute, counted in Redis under `<prefix>:ratelimit:<tenant>` (shared by all API processes). */
export class JobRateLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly windowMs = RATE_WINDOW_MS,
  ) {}

  private key(tenantId: string): string {
    return `${this.prefix}:ratelimit:${tenantId}`;
  }

  /** Takes one slot if the tenant has one left in the window. */
  async take(tenantId: string, limit: number): Promise<Take> {
    const suffix = randomBytes(6).toString('base64url');
    const [allowed, remaining, retryAfterMs, token] = (await this.redis.eval(
      TAKE,
      1,
      this.key(tenantId),
      limit,
      this.windowMs,
      suffix,
    )) as [number, number, number, string];
    return allowed === 1 ? { allowed: true, remaining, token } : { allowed: false, retryAfterMs };
  }

  /** Gives a slot back (the request it was taken for created no job). */
  async refund(tenantId: string, token: string): Promise<void> {
    await this.redis.zrem(this.key(tenantId), token);
  }

  /** Slots left in the current window, without taking one. */
  async remaining(tenantId: string, limit: number): Promise<number> {
    const used = (await this.redis.eval(COUNT, 1, this.key(tenantId), this.windowMs)) as number;
    return Math.max(0, limit - used);
  }
}

/**
 * Limits job creation to the tenant's `jobsPerMinute`: over it -> 429 `rate_limited` with `Retry-After`.
 * Mount it on the job-creating paths only; it acts on `POST /` (relative to its mount path). A request that
 * creates no job (anything but 202: invalid body, idempotent replay) gives its slot back.
 */
export function rateLimitJobs(limiter: JobRateLimiter, log?: (err: unknown) => void): RequestHandler {
  return async (req, res, next) => {
    if (req.method !== 'POST' || req.path !== '/') {
      next();
      return;
    }
    const tenant = tenantOf(req);
    const limit = tenant.limits.jobsPerMinute;
    const result = await limiter.take(tenant.id, limit);
    if (!result.allowed) {
      const retryAfter = Math.max(1, Math.ceil(result.retryAfterMs / 1000));
      next(
        new AppError('rate_limited', `Rate limit of ${limit} jobs per minute reached; retry in ${retryAfter} s`, {
          status: 429,
          details: { limit, retryAfter },
        }),
      );
      return;
    }
    res.setHeader('RateLimit-Limit', String(limit));
    res.setHeader('RateLimit-Remaining', String(result.remaining));
    res.on('finish', () => {
      if (res.statusCode !== 202) limiter.refund(tenant.id, result.token).catch((err: unknown) => log?.(err));
    });
    next();
  };
}
