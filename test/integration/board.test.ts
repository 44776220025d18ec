import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../shared/config.js';
import { startHarness, type Harness } from '../helpers/harness.js';

let h: Harness;
let bare: Harness;
const basic = (user: string, password: string) => ({
  authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
});
const ops = basic('ops', 'board-secret');

beforeAll(async () => {
  [h, bare] = await Promise.all([
    startHarness({ workers: false, env: { BULL_BOARD_USER: 'ops', BULL_BOARD_PASSWORD: 'board-secret' } }),
    startHarness({ workers: false }),
  ]);
});
afterAll(async () => {
  await Promise.all([h?.close(), bare?.close()]);
});

describe('Bull Board at /admin/queues', () => {
  it('asks for basic auth and refuses wrong credentials', async () => {
    for (const headers of [
      {},
      basic('ops', 'wrong'),
      basic('someone', 'board-secret'),
      { authorization: 'Bearer x' },
    ]) {
      for (const path of ['/admin/queues', '/admin/queues/api/queues']) {
        const res = await h.request('GET', path, { key: null, headers });
        expect(res.status, `${path} ${JSON.stringify(headers)}`).toBe(401);
        expect(res.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
        expect(res.body.error.code).toBe('unauthorized');
      }
    }
  });

  it('serves the board and lists the zip, ingest, webhook and mail queues, read-only by default', async () => {
    const page = await h.request('GET', '/admin/queues', { key: null, headers: ops });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);

    const api = await h.request('GET', '/admin/queues/api/queues', { key: null, headers: ops });
    expect(api.status, JSON.stringify(api.body)).toBe(200);
    const queues = api.body.queues as { name: string; readOnlyMode: boolean }[];
    expect(queues.map((q) => q.name).sort()).toEqual(['ingest', 'mail', 'webhook', 'zip']);
    expect(queues.every((q) => q.readOnlyMode)).toBe(true);
  });

  it('shows a job the API created', async () => {
    const created = await h.request('POST', '/v1/zips', {
      body: { filename: 'x', urls: ['https://example.com/a.jpg'] },
    });
    expect(created.status).toBe(202);
    const api = await h.request('GET', '/admin/queues/api/queues?activeQueue=zip&status=waiting', {
      key: null,
      headers: ops,
    });
    const zip = api.body.queues.find((q: { name: string }) => q.name === 'zip');
    expect(zip.counts.waiting).toBe(1);
  });

  it('is not mounted when BULL_BOARD_USER or BULL_BOARD_PASSWORD is unset', async () => {
    for (const path of ['/admin/queues', '/admin/queues/api/queues']) {
      const res = await bare.request('GET', path, { key: null, headers: ops });
      expect(res.status, path).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    }
  });

  it('is read-only unless BULL_BOARD_READ_ONLY=false', () => {
    expect(loadConfig({}).BULL_BOARD_READ_ONLY).toBe(true);
    expect(loadConfig({ BULL_BOARD_READ_ONLY: 'false' }).BULL_BOARD_READ_ONLY).toBe(false);
    expect(() => loadConfig({ BULL_BOARD_READ_ONLY: 'maybe' })).toThrow(/BULL_BOARD_READ_ONLY/);
  });
});
