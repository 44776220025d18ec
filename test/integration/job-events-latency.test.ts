import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type FerryClient, type JobDocument } from '../../client/index.js';
import { startFileServer, type FileServer } from '../../fixtures/file-server.js';
import { solidPng } from '../../local/sample-files.js';
import { KEY_A, startHarness, type Harness } from '../helpers/harness.js';

/** The event stream's re-read interval before it was driven by queue events. */
const OLD_POLL_MS = 500;
const ROUNDS = 5;

let h: Harness;
let files: FileServer;
let client: FerryClient;
const held: ServerResponse[] = [];
beforeAll(async () => {
  [h, files] = await Promise.all([startHarness(), startFileServer()]);
  client = createClient({ baseUrl: h.baseUrl, apiKey: KEY_A });
});
afterAll(async () => {
  for (const res of held) res.destroy();
  await Promise.all([h?.close(), files?.close()]);
});

/** GET /v1/jobs/:id every OLD_POLL_MS until the job is final: what a client did before, and the old stream. */
async function poll(id: string): Promise<{ doc: JobDocument; seenAt: number }> {
  for (;;) {
    const doc = await client.job(id);
    if (['completed', 'failed', 'cancelled'].includes(doc.state)) return { doc, seenAt: Date.now() };
    await new Promise((r) => setTimeout(r, OLD_POLL_MS));
  }
}

describe('the event stream is event-driven', () => {
  it('sees a job end much sooner after it finished than a GET poll at the old 500 ms interval', async () => {
    let stream = 0;
    let polled = 0;
    for (let round = 0; round < ROUNDS; round++) {
      let release!: () => void;
      let requested!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      const seen = new Promise<void>((r) => (requested = r));
      files.route(`/l/${round}.png`, (_req, res) => {
        held.push(res);
        requested();
        void gate.then(() => res.writeHead(200, { 'content-type': 'image/png' }).end(solidPng(4, 4, [round, 1, 2])));
      });
      const { id } = await client.zip({ filename: `latency-${round}`, urls: [files.url(`/l/${round}.png`)] });
      await seen;
      // Both watchers are listening before the job can finish: the stream has sent its first event.
      let listening!: () => void;
      const subscribed = new Promise<void>((r) => (listening = r));
      const viaStream = client.wait(id, { onState: () => listening() }).then((doc) => ({ doc, seenAt: Date.now() }));
      const viaPoll = poll(id);
      await subscribed;
      release();
      const [s, p] = await Promise.all([viaStream, viaPoll]);
      expect(s.doc.state).toBe('completed');
      // Latency from the moment the worker finished the job (same clock: the worker runs in this process).
      const finishedAt = Date.parse(s.doc.finishedAt!);
      stream += s.seenAt - finishedAt;
      polled += p.seenAt - finishedAt;
    }
    console.log(
      `job-events: stream sees the end ${(stream / ROUNDS).toFixed(0)} ms after it, GET poll every ${OLD_POLL_MS} ms ` +
        `${(polled / ROUNDS).toFixed(0)} ms (mean of ${ROUNDS}); ratio ${(polled / Math.max(stream, 1)).toFixed(1)}x`,
    );
    // A ratio, not a wall-clock bound: the poll waits half its interval on average, the stream an event's trip.
    expect(stream * 3).toBeLessThan(polled);
  });
});
