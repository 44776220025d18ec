import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import type { Config } from '../shared/config.js';

export interface HttpServer {
  server: Server;
  /** `http://host:port` as bound (a port of 0 is resolved). */
  url: string;
  /** Stops accepting connections, closes idle ones and resolves once the last request is answered. */
  close(): Promise<void>;
}

/** How long a client may take; Node's defaults (300 s for a request) when absent. */
export interface HttpTimeouts {
  /** The whole request, headers and body: then Node answers 408 and closes the connection. */
  requestTimeoutMs?: number;
  /** The request's headers; at most `requestTimeoutMs`. */
  headersTimeoutMs?: number;
  /** An idle keep-alive connection. */
  keepAliveTimeoutMs?: number;
}

/** The API's timeouts from its config. */
export const httpTimeouts = (config: Config): HttpTimeouts => ({
  requestTimeoutMs: config.API_REQUEST_TIMEOUT_MS,
  headersTimeoutMs: config.API_HEADERS_TIMEOUT_MS,
  keepAliveTimeoutMs: config.API_KEEP_ALIVE_TIMEOUT_MS,
});

/** Starts serving `app`; resolves once it listens, rejects when it cannot (a port in use). */
export async function listen(
  app: Express,
  port: number,
  host: string,
  timeouts: HttpTimeouts = {},
): Promise<HttpServer> {
  const { requestTimeoutMs, headersTimeoutMs, keepAliveTimeoutMs } = timeouts;
  const shortest = Math.min(requestTimeoutMs ?? Infinity, headersTimeoutMs ?? Infinity);
  const server = createServer(
    {
      ...(requestTimeoutMs === undefined ? {} : { requestTimeout: requestTimeoutMs }),
      ...(headersTimeoutMs === undefined ? {} : { headersTimeout: headersTimeoutMs }),
      ...(keepAliveTimeoutMs === undefined ? {} : { keepAliveTimeout: keepAliveTimeoutMs }),
      // Node looks for expired requests every 30 s by default, which would stretch a short timeout: look at
      // least every second (cheap: one pass over the open connections).
      ...(shortest === Infinity ? {} : { connectionsCheckingInterval: Math.max(50, Math.min(1000, shortest / 4)) }),
    },
    app,
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
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
