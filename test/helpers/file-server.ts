import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export interface FileServer {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  url(path: string): string;
  /** Serves `body` at `path` with `Content-Type: type`. */
  file(path: string, body: Buffer | string, type: string, headers?: Record<string, string>): void;
  route(path: string, handler: Handler): void;
  /** Requests seen per path (query included). */
  hits(path: string): number;
  totalHits(): number;
  /** TCP connections accepted so far. */
  connections(): number;
  close(): Promise<void>;
}

/**
 * A real HTTP server the tests own: routes are registered per test, every request is counted, and
 * unknown paths answer 404.
 */
export async function startFileServer(host = '127.0.0.1'): Promise<FileServer> {
  const routes = new Map<string, Handler>();
  const hits = new Map<string, number>();
  const sockets = new Set<Socket>();
  let connections = 0;
  const server: Server = createServer((req, res) => {
    const path = req.url ?? '/';
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const handler = routes.get(path);
    if (!handler) {
      res.statusCode = 404;
      res.end('not found');
      return;
    }
    handler(req, res);
  });
  server.on('connection', (s) => {
    connections++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const port = (server.address() as AddressInfo).port;
  const origin = host.includes(':') ? `http://[${host}]:${port}` : `http://${host}:${port}`;
  return {
    origin,
    url: (path) => origin + path,
    file(path, body, type, headers = {}) {
      routes.set(path, (_req, res) => {
        res.writeHead(200, { 'content-type': type, 'content-length': Buffer.byteLength(body), ...headers });
        res.end(body);
      });
    },
    route: (path, handler) => routes.set(path, handler),
    hits: (path) => hits.get(path) ?? 0,
    totalHits: () => [...hits.values()].reduce((a, b) => a + b, 0),
    connections: () => connections,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
