import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import type { IngestItem } from '../../shared/jobs/ingest.job.js';
import type { ObjectStore } from '../../shared/storage/object-store.js';
import { syntheticFile } from '../synthetic/synthetic-files.js';

/** Problems of one kind beyond this many are counted, not listed. */
const EXAMPLES = 3;

/** The SHA-256 of each synthetic file `0..files-1` of `size` bytes, as the worker should have computed them. */
export async function expectedSha256s(files: number, size: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < files; i++) {
    const hash = createHash('sha256');
    for await (const chunk of syntheticFile(i, size)) hash.update(chunk as Buffer);
    out.push(hash.digest('hex'));
  }
  return out;
}

export interface ItemExpectations {
  urls: readonly string[];
  status: IngestItem['status'];
  fileBytes: number;
  sha256s: readonly string[];
  /** The keys an earlier run stored: an `existing` item must point at the same object. */
  keys?: readonly (string | undefined)[];
}

/** Collects problems by kind, keeping a few examples of each. */
class Problems {
  private readonly byKind = new Map<string, { count: number; examples: string[] }>();

  add(kind: string, example: string): void {
    const entry = this.byKind.get(kind) ?? { count: 0, examples: [] };
    entry.count++;
    if (entry.examples.length < EXAMPLES) entry.examples.push(example);
    this.byKind.set(kind, entry);
  }

  list(): string[] {
    return [...this.byKind.entries()].map(
      ([kind, { count, examples }]) =>
        `${count} item(s) ${kind}: ${examples.join('; ')}${count > examples.length ? '; ...' : ''}`,
    );
  }
}

/** One item per URL, in input order, each with the expected status, size, hash (and key). */
export function checkItems(items: readonly IngestItem[], e: ItemExpectations): string[] {
  const problems = new Problems();
  if (items.length !== e.urls.length)
    problems.add('missing or extra', `${items.length} items for ${e.urls.length} URLs`);
  items.forEach((item, i) => {
    const at = `#${i}`;
    if (item.url !== e.urls[i]) problems.add('out of order', `${at} is ${item.url}`);
    if (item.status !== e.status) {
      problems.add(
        `not "${e.status}"`,
        `${at} ${item.status}${item.error ? ` (${item.error.code}: ${item.error.message})` : ''}`,
      );
      return;
    }
    if (item.size !== e.fileBytes) problems.add('of the wrong size', `${at} ${item.size}`);
    if (item.sha256 !== e.sha256s[i]) problems.add('with the wrong sha256', `${at} ${item.sha256}`);
    if (!item.key || !item.etag || !item.publicUrl) problems.add('without key, etag or publicUrl', at);
    if (e.keys && item.key !== e.keys[i])
      problems.add('pointing at another object than before', `${at} ${item.key} (was ${e.keys[i]})`);
  });
  const distinct = new Set(items.map((i) => i.key)).size;
  if (distinct !== items.length)
    problems.add('sharing an object', `${distinct} distinct keys for ${items.length} distinct files`);
  return problems.list();
}

/** HEADs every item's object (`concurrency` at a time): it must exist with the item's size and ETag. */
export async function checkObjects(
  store: ObjectStore,
  items: readonly IngestItem[],
  concurrency = 16,
): Promise<string[]> {
  const problems = new Problems();
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      const item = items[i]!;
      if (!item.key) continue;
      const head = await store.head(item.key);
      if (!head) problems.add('whose object is missing', `#${i} ${item.key}`);
      else if (head.size !== item.size || head.etag !== item.etag) {
        problems.add(
          'whose object differs',
          `#${i} ${head.size} bytes, ETag ${head.etag} (item: ${item.size}, ${item.etag})`,
        );
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  return problems.list();
}

/** The worker removes its downloads: anything left in its TEMP_DIR after a job is a leak. */
export async function checkTempDirEmpty(dir: string): Promise<string[]> {
  const left = await readdir(dir);
  return left.length === 0
    ? []
    : [`${left.length} entries left in the worker's TEMP_DIR: ${left.slice(0, 3).join(', ')}`];
}
