import { randomBytes } from 'node:crypto';
import type { RedisClient } from '../../shared/redis-topology.js';

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
    private readonly redis: RedisClient,
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
