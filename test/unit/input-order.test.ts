import { describe, expect, it } from 'vitest';
import { inInputOrder } from '../../worker/zip/input-order.js';

type Item = { index: number; failed?: boolean };

async function* arriving(items: Item[]): AsyncGenerator<Item> {
  for (const item of items) yield await Promise.resolve(item);
}

async function collect(items: Item[], orderedUpTo?: number): Promise<number[]> {
  const out: number[] = [];
  for await (const item of inInputOrder(arriving(items), (i) => i.failed === true, orderedUpTo)) out.push(item.index);
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

  it("with orderedUpTo 1, holds everything until item 0 is out (a resumed zip's cut entry), then yields as it comes", async () => {
    expect(
      await collect(
        [2, 3, 0, 4, 1].map((index) => ({ index })),
        1,
      ),
    ).toEqual([0, 2, 3, 4, 1]);
  });

  it('with orderedUpTo 0, yields in completion order', async () => {
    expect(
      await collect(
        [2, 0, 1].map((index) => ({ index })),
        0,
      ),
    ).toEqual([2, 0, 1]);
  });
});
