/**
 * Yields what `completed` yields (items carrying the index they were started with, started in index order) in
 * index order instead: an item that finishes early waits here until every item before it has been yielded.
 * Items `now` picks (failures) are yielded at once, so that a failure is not held back behind slow downloads.
 * Nothing is read ahead beyond what the source allows: with a CompletionPool, a waiting item keeps its slot (and
 * its temp file), so no more than the pool's concurrency ever waits, and the next index is always running or
 * done (items start in index order), so this never waits on an item that cannot start.
 */
export async function* inInputOrder<T extends { index: number }>(
  completed: AsyncIterable<T>,
  now: (item: T) => boolean,
  /** Only the items before this index are ordered; once they are yielded, the rest come as they complete. */
  orderedUpTo = Infinity,
): AsyncGenerator<T> {
  const waiting = new Map<number, T | 'yielded'>();
  let next = 0;
  for await (const item of completed) {
    if (next >= orderedUpTo) {
      yield item;
      continue;
    }
    if (now(item)) {
      waiting.set(item.index, 'yielded');
      yield item;
    } else {
      waiting.set(item.index, item);
    }
    for (let ready = waiting.get(next); ready !== undefined; ready = waiting.get(next)) {
      waiting.delete(next++);
      if (ready !== 'yielded') yield ready;
    }
    if (next >= orderedUpTo) {
      // The ordered head is out: what waited behind it goes now, in the order it completed.
      const rest = [...waiting.values()].filter((w): w is T => w !== 'yielded');
      waiting.clear();
      yield* rest;
    }
  }
}
