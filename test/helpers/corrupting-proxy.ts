import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CorruptingProxy {
  endpoint: string;
  /** PUT bodies it altered. */
  corrupted(): number;
  close(): Promise<void>;
}

/**
 * A real HTTP proxy in front of the S3 server that flips one byte in the body of every PUT whose path matches
 * `pattern`: the network (or a faulty store) delivering other bytes than were sent.
 */
export async function startCorruptingProxy(target: string, pattern: RegExp): Promise<CorruptingProxy> {
  const upstream = new URL(target);
  let corrupted = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      if (req.method === 'PUT' && pattern.test(req.url ?? '') && body.length > 0) {
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
    corrupted: () => corrupted,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
