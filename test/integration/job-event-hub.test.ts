import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type FerryClient } from '../../client/index.js';
import { startFileServer, type FileServer } from '../../fixtures/file-server.js';
import { solidPng } from '../../local/sample-files.js';
import { duplicateRedis } from '../../shared/redis-topology.js';
import { KEY_A, startHarness, type Harness } from '../helpers/harness.js';

let h: Harness;
let files: FileServer;
let client: FerryClient;
const held: ServerResponse[] = [];
let closed = false;
beforeAll(async () => {
  // Three jobs running at once, each held on its download.
  [h, files] = await Promise.all([startHarness({ env: { WORKER_CONCURRENCY: '3' } }), startFileServer()]);
  client = createClient({ baseUrl: h.baseUrl, apiKey: KEY_A });
});
afterAll(async () => {
  for (const res of held) res.destroy();
  await Promise.all([closed ? undefined : h?.close(), files?.close()]);
});

function withResolvers(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** This harness's BullMQ QueueEvents connections (BullMQ names them `<prefix>:…:qe`). */
async function queueEventsConnections(): Promise<number> {
  const list = (await h.clients.redis.client('LIST')) as string;
  return list.split('\n').filter((line) => line.includes(`name=${h.config.QUEUE_PREFIX}:`) && /:qe( |$)/.test(line))
    .length;
}

describe('the API process reads queue events once per queue', () => {
  it('opens one QueueEvents for the zip queue on the first stream, shares it, and closes it on shutdown', async () => {
    expect(await queueEventsConnections()).toBe(0);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let requests = 0;
    let allRequested!: () => void;
    const requested = new Promise<void>((r) => (allRequested = r));
    files.route('/hub/held.png', (_req, res) => {
      held.push(res);
      if (++requests === 3) allRequested();
      void gate.then(() => res.writeHead(200, { 'content-type': 'image/png' }).end(solidPng(4, 4, [9, 9, 9])));
    });
    const jobs = await Promise.all(
      [0, 1, 2].map((i) => client.zip({ filename: `hub-${i}`, urls: [files.url('/hub/held.png')] })),
    );
    await requested;
    // Three streams, all listening (each has had its first event) before the jobs can finish.
    const listening = jobs.map(() => withResolvers());
    const waits = jobs.map((j, i) => client.wait(j.id, { onState: () => listening[i]!.resolve() }));
    await Promise.all(listening.map((l) => l.promise));
    expect(await queueEventsConnections()).toBe(1);
    release();
    expect((await Promise.all(waits)).map((d) => d.state)).toEqual(['completed', 'completed', 'completed']);
    const redis = duplicateRedis(h.clients.redis);
    try {
      closed = true;
      await h.close();
      const list = (await redis.client('LIST')) as string;
      expect(list).not.toContain(`name=${h.config.QUEUE_PREFIX}:`);
    } finally {
      redis.disconnect();
    }
  });
});
