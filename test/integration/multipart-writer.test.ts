import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS } from '../../local/stack.js';
import { createS3Clients } from '../../shared/storage/s3-client.js';
import { S3ObjectStore } from '../../shared/storage/s3-object-store.js';
import { MultipartWriter } from '../../worker/upload/multipart-writer.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { startS3Proxy, type S3Proxy } from '../helpers/s3-proxy.js';

const MiB = 1024 * 1024;
const PART = 5 * MiB;

let h: Harness;
let dir: string;
const proxies: S3Proxy[] = [];
beforeAll(async () => {
  [h, dir] = await Promise.all([startHarness({ workers: false }), mkdtemp(join(tmpdir(), 'ferry-multipart-'))]);
});
afterAll(async () => {
  await Promise.all([h?.close(), ...proxies.map((p) => p.close()), dir && rm(dir, { recursive: true, force: true })]);
});

/** An object store that reaches s3rver through a proxy of the test's own. */
async function storeThrough(options: Parameters<typeof startS3Proxy>[1]) {
  const proxy = await startS3Proxy(h.stack.s3Endpoint, options);
  proxies.push(proxy);
  const { client } = createS3Clients({ ...h.config, S3_ENDPOINT: proxy.endpoint }, LOCAL_CREDENTIALS);
  return { proxy, store: new S3ObjectStore(client, h.config.S3_BUCKET, { objectUrlBase: proxy.endpoint }) };
}

const writerFor = (store: S3ObjectStore, key: string) =>
  new MultipartWriter(store, { key, contentType: 'application/octet-stream', partSize: PART, partsInFlight: 2 });

/** The object as s3rver stores it, read straight from s3rver. */
async function storedBytes(key: string): Promise<Buffer> {
  const stored = await h.clients.store.get(key);
  if (!stored) throw new Error(`${key} is not stored`);
  const chunks: Buffer[] = [];
  for await (const c of stored.body) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

async function tempFile(name: string, bytes: Buffer): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, bytes);
  return path;
}

describe('MultipartWriter (s3rver)', () => {
  it('sends large files from ranges read at send time, even after their paths are removed, and retries a refused part from the file', async () => {
    // Part 2 is answered 503 SlowDown once: the SDK does not retry a streamed body, the store does, reading again.
    const { proxy, store } = await storeThrough({ refusePuts: { match: /partNumber=2&/, times: 1 } });
    const key = `multipart-test/${Date.now()}.bin`;
    const writer = writerFor(store, key);
    const head = Buffer.from('header bytes');
    const big = randomBytes(7 * MiB + 123);
    const small = randomBytes(1000);
    const last = randomBytes(6 * MiB);
    await writer.write(head);
    for (const [name, bytes] of [
      ['big', big],
      ['small', small],
      ['last', last],
    ] as const) {
      const path = await tempFile(name, bytes);
      await writer.writeFile(path, bytes.length);
      // The writer holds its own descriptor: the name can go now, the bytes are read when the part is sent.
      await rm(path);
    }
    await writer.write(head);
    const size = await writer.finish();

    const expected = Buffer.concat([head, big, small, last, head]);
    expect(size).toBe(expected.length);
    expect(proxy.refused()).toBe(1);
    const partPuts = proxy.requests().filter((r) => r.method === 'PUT' && r.path.includes('partNumber='));
    // Three parts (5 + 5 + 3.1 MiB), part 2 sent twice.
    expect(partPuts.map((r) => new URLSearchParams(r.path.split('?')[1]).get('partNumber')).sort()).toEqual([
      '1',
      '2',
      '2',
      '3',
    ]);
    expect((await storedBytes(key)).equals(expected)).toBe(true);
  });

  it('a part whose connection the store hangs up on (no answer at all) is sent again too', async () => {
    const { proxy, store } = await storeThrough({ resetPuts: { match: /partNumber=1&/, times: 2 } });
    const key = `multipart-test/${Date.now()}-reset.bin`;
    const writer = writerFor(store, key);
    const bytes = randomBytes(PART + 10);
    const path = await tempFile('reset', bytes);
    await writer.writeFile(path, bytes.length);
    await rm(path);
    await writer.finish();
    expect(proxy.reset()).toBe(2);
    expect((await storedBytes(key)).equals(bytes)).toBe(true);
  });

  it("a part the store keeps refusing fails the writer with the store's error, and abort() leaves no upload open", async () => {
    const { proxy, store } = await storeThrough({ refusePuts: { match: /partNumber=1&/, times: 100 } });
    const key = `multipart-test/${Date.now()}-refused.bin`;
    const writer = writerFor(store, key);
    const bytes = randomBytes(PART + 10);
    const path = await tempFile('refused', bytes);
    const failed = writer.writeFile(path, bytes.length).then(() => writer.finish());
    await expect(failed).rejects.toMatchObject({ name: 'SlowDown' });
    await writer.abort(writer.error);
    // The store's three tries of part 1, then nothing more.
    expect(proxy.refused()).toBe(3);
    const open = [];
    for await (const upload of h.clients.store.listIncompleteUploads(key)) open.push(upload);
    expect(open).toEqual([]);
  });
});
