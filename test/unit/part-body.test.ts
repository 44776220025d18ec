import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, request, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BufferPool } from '../../worker/runtime/buffer-pool.js';
import { PartBody, SharedFile } from '../../worker/upload/part-body.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ferry-part-body-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** A part of a header, two ranges of one file and a trailer; and the bytes it must send. */
async function part(): Promise<{ body: PartBody; expected: Buffer; file: SharedFile }> {
  const bytes = randomBytes(16 * 1024 * 1024 + 17);
  const path = join(dir, `f-${Math.random()}`);
  await writeFile(path, bytes);
  const file = await SharedFile.open(path);
  await rm(path);
  const body = new PartBody();
  body.push({ bytes: Buffer.from('head') });
  body.push({ file, start: 100, length: 1_500_000 });
  body.push({ file, start: 2_000_000, length: bytes.length - 2_000_000 });
  body.push({ bytes: Buffer.from('tail') });
  const expected = Buffer.concat([
    Buffer.from('head'),
    bytes.subarray(100, 1_500_100),
    bytes.subarray(2_000_000),
    Buffer.from('tail'),
  ]);
  return { body, expected, file };
}

/** A consumer that keeps each chunk it is given, unread, until a while later: a slow socket. */
function slowSink(): { sink: Writable; received: () => Buffer; finished: Promise<void> } {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    highWaterMark: 1024,
    write(chunk: Buffer, _enc, done) {
      // Looked at only after a delay: a buffer reused before the callback would show other bytes by then.
      void sleep(2).then(() => {
        chunks.push(Buffer.from(chunk));
        done();
      });
    },
  });
  const finished = new Promise<void>((resolve, reject) => {
    sink.on('finish', resolve);
    sink.on('error', reject);
  });
  return { sink, received: () => Buffer.concat(chunks), finished };
}

/** A real HTTP server that reads each request body slowly (a store far away), and what it received. */
async function slowServer() {
  const bodies: Buffer[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      // Stops reading a while after each chunk: the sender's socket buffer fills and its writes wait.
      req.pause();
      setTimeout(() => req.resume(), 1);
    });
    req.on('end', () => {
      bodies.push(Buffer.concat(chunks));
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const put = (body: PartBody, buffers: BufferPool) =>
    new Promise<number>((resolve, reject) => {
      const req = request(url, { method: 'PUT', headers: { 'content-length': body.size } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      body.stream(buffers).pipe(req);
    });
  return { bodies, put, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('PartBody', () => {
  it('piped into an HTTP request (how the SDK sends a body), it sends its exact bytes through reused buffers, again on a second try', async () => {
    const { body, expected, file } = await part();
    expect(body.size).toBe(expected.length);
    const server = await slowServer();
    const buffers = new BufferPool();
    try {
      // Socket buffers on loopback are large: the part is 16 MiB so that writes do wait on the reader.
      expect(await server.put(body, buffers)).toBe(200);
      expect(await server.put(body, buffers)).toBe(200);
    } finally {
      await server.close();
    }
    expect(server.bodies).toHaveLength(2);
    for (const received of server.bodies) expect(received.equals(expected)).toBe(true);
    await body.release();
    await file.release();
  });

  it('piped into anything else (a checksum stream), it sends fresh chunks that a slow consumer may keep', async () => {
    const { body, expected, file } = await part();
    const { sink, received, finished } = slowSink();
    body.stream(new BufferPool()).pipe(sink);
    await finished;
    expect(received().equals(expected)).toBe(true);
    await body.release();
    await file.release();
  });

  it('read as a stream, it yields the same bytes', async () => {
    const { body, expected, file } = await part();
    const chunks: Buffer[] = [];
    for await (const chunk of body.stream(new BufferPool())) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).equals(expected)).toBe(true);
    await body.release();
    await file.release();
  });

  it('closes the file once the caller and every part holding a range of it have let go', async () => {
    const { body, file } = await part();
    await file.release();
    // The part still holds it: it can be read.
    const { bytesRead } = await file.handle.read(Buffer.alloc(10), 0, 10, 0);
    expect(bytesRead).toBe(10);
    await body.release();
    await expect(file.handle.read(Buffer.alloc(10), 0, 10, 0)).rejects.toThrow();
  });
});
