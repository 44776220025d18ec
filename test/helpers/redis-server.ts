import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { until } from './until.js';

export interface OwnRedis {
  port: number;
  url: string;
  process: ChildProcess;
  /** A client of this server (for INFO and the like). */
  client: Redis;
  close(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A `redis-server` of the test's own on a free port (never the machine's Redis), with extra arguments. */
export async function startOwnRedis(args: string[] = [], port?: number): Promise<OwnRedis> {
  port ??= await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'ferry-test-redis-'));
  const proc = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', ...args],
    {
      stdio: 'ignore',
    },
  );
  const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 1 });
  client.on('error', () => undefined);
  await until(
    () =>
      client.ping().then(
        () => true,
        () => false,
      ),
    `redis-server on ${port}`,
    10_000,
  );
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    process: proc,
    client,
    async close() {
      client.disconnect();
      proc.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    },
  };
}
