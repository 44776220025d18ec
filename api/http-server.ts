import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';

export interface HttpServer {
  server: Server;
  /** `http://host:port` as bound (a port of 0 is resolved). */
  url: string;
  /** Stops accepting connections, closes idle ones and resolves once the last request is answered. */
  close(): Promise<void>;
}

/** Starts serving `app`; resolves once it listens, rejects when it cannot (a port in use). */
export async function listen(app: Express, port: number, host: string): Promise<HttpServer> {
  const server = await new Promise<Server>((resolve, reject) => {
    // Express 5 hands a listen error (EADDRINUSE) to this callback instead of throwing.
    const s = app.listen(port, host, (err?: Error) => (err ? reject(err) : resolve(s)));
  });
  const address = server.address() as AddressInfo;
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    server,
    url: `http://${shown === '0.0.0.0' ? '127.0.0.1' : shown}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
