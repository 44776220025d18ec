import { Agent } from 'node:http';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { got } from 'got';

/**
 * Downloads every URL, `concurrency` at a time, and throws the bytes away: what fetching alone costs, with the
 * same client library and keep-alive as the worker but no SSRF guard, hashing, temp files or archive.
 */
export async function downloadToNowhere(urls: readonly string[], concurrency: number): Promise<number> {
  const agent = new Agent({ keepAlive: true });
  const client = got.extend({ agent: { http: agent }, retry: { limit: 0 } });
  let next = 0;
  let bytes = 0;
  const sink = () =>
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        bytes += chunk.length;
        done();
      },
    });
  const lane = async () => {
    while (next < urls.length) {
      const url = urls[next++]!;
      await pipeline(client.stream(url), sink());
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, urls.length) }, lane));
  } finally {
    agent.destroy();
  }
  return bytes;
}
