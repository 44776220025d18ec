import type { Server } from 'node:http';
import { createApp } from './app.js';
import type { ApiDeps } from './deps.js';

/** Starts the HTTP server; resolves once it listens. Returns a function that closes it gracefully. */
export async function listen(deps: ApiDeps): Promise<{ server: Server; close: () => Promise<void> }> {
  const app = createApp(deps);
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(deps.config.PORT, deps.config.HOST, () => resolve(s));
  });
  return {
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
