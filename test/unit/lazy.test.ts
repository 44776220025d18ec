import { describe, expect, it } from 'vitest';
import { lazy } from '../../shared/lazy.js';

describe('lazy', () => {
  it('loads nothing until the first call, then once for every caller', async () => {
    let loads = 0;
    const value = lazy(() => Promise.resolve(++loads));
    expect(loads).toBe(0);
    expect(await Promise.all([value(), value()])).toEqual([1, 1]);
    expect(await value()).toBe(1);
    expect(loads).toBe(1);
  });

  it('tries again after a load that failed', async () => {
    let loads = 0;
    const value = lazy(() => (++loads === 1 ? Promise.reject(new Error('not yet')) : Promise.resolve(loads)));
    await expect(value()).rejects.toThrow('not yet');
    expect(await value()).toBe(2);
  });
});
