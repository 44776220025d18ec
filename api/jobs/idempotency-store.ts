import { createHash } from 'node:crypto';
import { AppError, ValidationError } from '../../shared/errors/app-error.js';
import type { RedisClient } from '../../shared/redis-topology.js';

/** How long a key remembers its first job (DESIGN.md: 24 h). */
export const IDEMPOTENCY_TTL_SECONDS = 86_400;

/** JSON with object keys sorted, so `{"a":1,"b":2}` and `{"b":2,"a":1}` are the same body. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** `Idempotency-Key` header: 1–255 visible ASCII characters, or absent. */
export function idempotencyKeyOf(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (!/^[\x21-\x7e]{1,255}$/.test(header)) {
    throw new ValidationError('Invalid Idempotency-Key', [
      { field: 'Idempotency-Key', message: 'must be 1 to 255 visible ASCII characters' },
    ]);
  }
  return header;
}

export type Claim = { first: true; jobId: string } | { first: false; jobId: string };

/**
 * Remembers, per tenant and key, which job a request created. The first request claims the key atomically
 * (SET NX) with its body's hash and a fresh job id; every later request with the same key and body gets that
 * job id back (and adds the job itself if the first request has not got that far: BullMQ ignores a second add
 * with the same id). The same key with another body is a 422.
 */
export class IdempotencyStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {}

  async claim(tenant: string, key: string, body: unknown, newJobId: () => string): Promise<Claim> {
    const redisKey = `${this.prefix}:idempotency:${tenant}:${sha256(key)}`;
    const bodyHash = sha256(canonicalJson(body));
    const jobId = newJobId();
    const set = await this.redis.set(redisKey, `${bodyHash} ${jobId}`, 'EX', IDEMPOTENCY_TTL_SECONDS, 'NX');
    if (set === 'OK') return { first: true, jobId };
    const stored = await this.redis.get(redisKey);
    // Expired between the two calls: claim again.
    if (stored === null) return this.claim(tenant, key, body, newJobId);
    const [storedHash, storedJobId] = stored.split(' ');
    if (storedHash !== bodyHash) {
      throw new AppError('idempotency_key_reused', 'This Idempotency-Key was used with a different body', {
        details: [{ field: 'Idempotency-Key', message: 'was used with a different body in the last 24 h' }],
      });
    }
    return { first: false, jobId: storedJobId! };
  }
}
