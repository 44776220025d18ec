import { describe, expect, it } from 'vitest';
import { parseRetryAfter, webhookRetryDelay } from '../../worker/webhook/retry-delay.js';

describe('webhookRetryDelay', () => {
  it('doubles per attempt from the base delay, within 80-120%', () => {
    expect(webhookRetryDelay(1, 5000, undefined, () => 0.5)).toBe(5000);
    expect(webhookRetryDelay(2, 5000, undefined, () => 0.5)).toBe(10_000);
    expect(webhookRetryDelay(4, 5000, undefined, () => 0)).toBe(32_000);
    expect(webhookRetryDelay(4, 5000, undefined, () => 1)).toBe(48_000);
  });

  it('never retries sooner than Retry-After asks', () => {
    expect(webhookRetryDelay(1, 50, 1000, () => 0.5)).toBe(1000);
    expect(webhookRetryDelay(3, 5000, 1000, () => 0.5)).toBe(20_000);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it('reads delta seconds and HTTP dates', () => {
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:10 GMT', now)).toBe(10_000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0);
  });
  it('ignores what it cannot read and caps what is too long', () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-5', now)).toBeUndefined();
    expect(parseRetryAfter(String(365 * 86_400), now)).toBe(6 * 3600_000);
  });
});
