import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface S3Proxy {
  endpoint: string;
  /** Every request it forwarded, in arrival order (`path` with its query). */
  requests(): { method: string; path: string }[];
  /** PUT bodies it altered. */
  corrupted(): number;
  /** PUTs it answered 503 itself. */
  refused(): number;
  /** PUTs it hung up on. */
  reset(): number;
  close(): Promise<void>;
}

export interface S3ProxyOptions {
  /** Flip one byte in the body of every PUT whose path matches: the network (or a faulty store) delivering other bytes than were sent. */
  corruptPuts?: RegExp;
  /** Answer the first `times` PUTs whose path matches with 503 SlowDown after reading their body: a store that sheds load. */
  refusePuts?: { match: RegExp; times: number };
  /** Hang up on the first `times` PUTs whose path matches, after reading their body, without an answer. */
  resetPuts?: { match: RegExp; times: number };
}

/** A real HTTP proxy in front of the S3 server that records what the code under test asked S3 for. */
export async function startS3Proxy(
  target: string,
  { corruptPuts, refusePuts, resetPuts }: S3ProxyOptions = {},
): Promise<S3Proxy> {
  const upstream = new URL(target);
  const seen: { method: string; path: string }[] = [];
  let corrupted = 0;
  let refused = 0;
  let reset = 0;
  const server: Server = createServer((req, res) => {
    seen.push({ method: req.method ?? '', path: req.url ?? '' });
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      if (req.method === 'PUT' && resetPuts?.match.test(req.url ?? '') && reset < resetPuts.times) {
        reset++;
        req.socket.destroy();
        return;
      }
      if (req.method === 'PUT' && refusePuts?.match.test(req.url ?? '') && refused < refusePuts.times) {
        refused++;
        res.writeHead(503, { 'content-type': 'application/xml' });
        res.end(
          '<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code><Message>Reduce your request rate.</Message></Error>',
        );
        return;
      }
      if (req.method === 'PUT' && corruptPuts?.test(req.url ?? '') && body.length > 0) {
        body[body.length >> 1]! ^= 0xff;
        corrupted++;
      }
      const out = request(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      out.on('error', () => res.destroy());
      out.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests: () => [...seen],
    corrupted: () => corrupted,
    refused: () => refused,
    reset: () => reset,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
