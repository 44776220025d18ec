import { describe, expect, it } from 'vitest';
import { CompletionPool } from '../../worker/fetch/completion-pool.js';

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((a, b) => ((resolve = a), (reject = b)));
  return { promise, resolve, reject };
}

describe('CompletionPool', () => {
  it('yields in completion order and never runs more than the limit until slots are released', async () => {
    const gates = [0, 1, 2, 3].map(() => deferred<string>());
    let running = 0;
    let peak = 0;
    const pool = new CompletionPool([0, 1, 2, 3], 2, async (i) => {
      running++;
      peak = Math.max(peak, running);
      try {
        return await gates[i]!.promise;
      } finally {
        running--;
      }
    });
    const it = pool.results();
    const first = it.next();
    gates[1]!.resolve('b');
    const a = (await first).value!;
    expect(a.index).toBe(1);
    // Slot still held: item 2 has not started although item 1 finished.
    expect(running).toBe(1);
    a.release();
    expect(running).toBe(2);
    gates[0]!.reject(new Error('boom'));
    const b = (await it.next()).value!;
    expect(b.index).toBe(0);
    expect(b.result.status).toBe('rejected');
    b.release();
    gates[3]!.resolve('d');
    gates[2]!.resolve('c');
    const rest = [(await it.next()).value!, (await it.next()).value!];
    expect(rest.map((r) => r.index).sort()).toEqual([2, 3]);
    rest.forEach((r) => r.release());
    expect((await it.next()).done).toBe(true);
    expect(peak).toBe(2);
  });

  it('stop() starts nothing more and waits for what runs', async () => {
    const gate = deferred<void>();
    let started = 0;
    const pool = new CompletionPool([1, 2, 3], 1, async () => {
      started++;
      await gate.promise;
    });
    void pool.results().next();
    const stopped = pool.stop();
    gate.resolve();
    await stopped;
    expect(started).toBe(1);
  });
});
