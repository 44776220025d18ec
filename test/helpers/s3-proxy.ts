import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface S3Proxy {
  endpoint: string;
  /** Every request it forwarded, in arrival order (`path` with its query). */
  requests(): { method: string; path: string }[];
  /** PUT bodies it altered. */
  corrupted(): number;
  close(): Promise<void>;
}

export interface S3ProxyOptions {
  /** Flip one byte in the body of every PUT whose path matches: the network (or a faulty store) delivering other bytes than were sent. */
  corruptPuts?: RegExp;
}

/** A real HTTP proxy in front of the S3 server that records what the code under test asked S3 for. */
export async function startS3Proxy(target: string, { corruptPuts }: S3ProxyOptions = {}): Promise<S3Proxy> {
  const upstream = new URL(target);
  const seen: { method: string; path: string }[] = [];
  let corrupted = 0;
  const server: Server = createServer((req, res) => {
    seen.push({ method: req.method ?? '', path: req.url ?? '' });
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
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
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
