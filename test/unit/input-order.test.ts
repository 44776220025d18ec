import { describe, expect, it } from 'vitest';
import { inInputOrder } from '../../worker/zip/input-order.js';

type Item = { index: number; failed?: boolean };

async function* arriving(items: Item[]): AsyncGenerator<Item> {
  for (const item of items) yield await Promise.resolve(item);
}

async function collect(items: Item[]): Promise<number[]> {
  const out: number[] = [];
  for await (const item of inInputOrder(arriving(items), (i) => i.failed === true)) out.push(item.index);
  return out;
}

describe('inInputOrder', () => {
  it('yields by index whatever the completion order', async () => {
    expect(await collect([2, 0, 3, 1, 4].map((index) => ({ index })))).toEqual([0, 1, 2, 3, 4]);
  });

  it('yields failures at once, and the items after them in order', async () => {
    const items = [{ index: 3 }, { index: 2, failed: true }, { index: 1 }, { index: 0 }];
    expect(await collect(items)).toEqual([2, 0, 1, 3]);
  });
});
