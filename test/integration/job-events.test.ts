import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFileServer, type FileServer } from '../../fixtures/file-server.js';
import { solidPng } from '../../local/sample-files.js';
import { KEY_A, KEY_B, startHarness, type Harness } from '../helpers/harness.js';

let h: Harness;
let files: FileServer;
const held: ServerResponse[] = [];
beforeAll(async () => {
  [h, files] = await Promise.all([startHarness({ env: { DOWNLOAD_CONCURRENCY: '1' } }), startFileServer()]);
});
afterAll(async () => {
  for (const res of held) res.destroy();
  await Promise.all([h?.close(), files?.close()]);
});

interface Sse {
  event: string;
  data: any;
}

/** Reads a whole Server-Sent Events stream (it ends after the final state) into events. */
async function readEvents(
  path: string,
  key = KEY_A,
  onEvent?: (e: Sse) => void,
): Promise<{ status: number; type: string | null; events: Sse[] }> {
  const res = await fetch(h.baseUrl + path, { headers: { authorization: `Bearer ${key}` } });
  const events: Sse[] = [];
  if (res.status !== 200 || !res.body) return { status: res.status, type: res.headers.get('content-type'), events };
  let buffer = '';
  const decoder = new TextDecoder();
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (event && data) {
        const e = { event, data: JSON.parse(data) };
        events.push(e);
        onEvent?.(e);
      }
    }
  }
  return { status: res.status, type: res.headers.get('content-type'), events };
}

describe('GET /v1/jobs/:id/events', () => {
  it('streams state and progress, then the final state with the job document, and ends', async () => {
    const big = Buffer.concat([solidPng(4, 4, [1, 2, 3]), Buffer.alloc(3 * 1024 * 1024, 1)]);
    files.file('/e/1.png', big, 'image/png');
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    files.route('/e/2.png', (_req, res) => {
      held.push(res);
      void gate.then(() => res.writeHead(200, { 'content-type': 'image/png' }).end(solidPng(4, 4, [4, 5, 6])));
    });
    const created = await h.request('POST', '/v1/zips', {
      body: { filename: 'events', urls: [files.url('/e/1.png'), files.url('/e/2.png')] },
    });
    // The second file is held until the stream has shown the first one done: progress must arrive while it runs.
    const read = readEvents(`/v1/jobs/${created.body.id}/events`, KEY_A, (e) => {
      if (e.event === 'progress' && e.data.filesDone === 1) release();
    });
    const { status, type, events } = await read;
    expect(status).toBe(200);
    expect(type).toBe('text/event-stream; charset=utf-8');
    const names = events.map((e) => e.event);
    expect(names).toContain('state');
    // Progress was streamed while the job ran (the gate opened only once filesDone 1 had been seen).
    expect(events.filter((e) => e.event === 'progress').map((e) => e.data.filesDone)).toContain(1);
    expect(names.at(-1)).toBe('completed');
    expect(events.at(-1)!.data).toMatchObject({
      id: created.body.id,
      state: 'completed',
      progress: { filesDone: 2 },
      result: { filename: 'events.zip' },
    });
  });

  it('ends with a cancelled event when the job is cancelled', async () => {
    files.route('/e/hold.png', (_req, res) => {
      res.writeHead(200, { 'content-type': 'image/png' });
      res.write(solidPng(4, 4, [9, 9, 9]));
      held.push(res);
    });
    const created = await h.request('POST', '/v1/zips', { body: { filename: 'c', urls: [files.url('/e/hold.png')] } });
    const read = readEvents(`/v1/jobs/${created.body.id}/events`, KEY_A, (e) => {
      if (e.event === 'state' && e.data.state === 'active') void h.request('DELETE', `/v1/jobs/${created.body.id}`);
    });
    const { events } = await read;
    expect(events.at(-1)!.event).toBe('cancelled');
  });

  it("answers 404 for another tenant's job", async () => {
    files.file('/e/x.png', solidPng(4, 4, [7, 7, 7]), 'image/png');
    const created = await h.request('POST', '/v1/zips', { body: { filename: 'x', urls: [files.url('/e/x.png')] } });
    expect((await readEvents(`/v1/jobs/${created.body.id}/events`, KEY_B)).status).toBe(404);
  });
});
