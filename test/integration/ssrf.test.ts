import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFileServer, type FileServer } from '../../fixtures/file-server.js';
import { ByteBudget } from '../../worker/fetch/byte-budget.js';
import { fetchToFile } from '../../worker/fetch/fetch-to-file.js';
import { createHttpClient } from '../../worker/fetch/http-client.js';
import { createGuardedAgents, destroyAgents, type GuardedAgents } from '../../worker/fetch/ssrf-agents.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { readZip } from '../helpers/zip-reader.js';

/** The one loopback address let through the guard, so a fixture can play an "allowed" origin. */
const ALLOWED_IP = '127.0.0.2';
// If the guard ever failed to refuse it, the connection must not hang the test for long.
const CONNECT_TIMEOUT_MS = 2000;

let h: Harness;
/** On 127.0.0.1, which the guard must refuse in every spelling: it should never see a connection. */
let loopback: FileServer;
/** On 127.0.0.2, the one allowed address: serves a good file and a redirect into loopback. */
let allowed: FileServer;
let tmp: string;

const loopbackPort = () => new URL(loopback.origin).port;
/** Each way of reaching loopback (or metadata) that the guard must refuse; built lazily, once ports are known. */
const BLOCKED: Record<string, () => string> = {
  'loopback IPv4': () => loopback.url('/x'),
  'cloud metadata': () => 'http://169.254.169.254/latest/meta-data/',
  'octal loopback': () => `http://0177.0.0.1:${loopbackPort()}/x`,
  'IPv4-mapped IPv6 loopback': () => `http://[::ffff:127.0.0.1]:${loopbackPort()}/x`,
  'localhost by name': () => `http://localhost:${loopbackPort()}/x`,
  'redirect from an allowed origin into loopback': () => allowed.url('/to-loopback'),
};
const blockedUrls = () => Object.values(BLOCKED).map((url) => url());

beforeAll(async () => {
  [h, loopback, allowed, tmp] = await Promise.all([
    startHarness({
      env: {
        ALLOW_PRIVATE_NETWORKS: 'false',
        SSRF_ALLOW_IPS: ALLOWED_IP,
        FETCH_CONNECT_TIMEOUT_MS: String(CONNECT_TIMEOUT_MS),
      },
    }),
    startFileServer('127.0.0.1'),
    startFileServer(ALLOWED_IP),
    mkdtemp(join(tmpdir(), 'ferry-ssrf-')),
  ]);
  loopback.file('/x', 'secret from loopback', 'text/plain');
  allowed.file('/good.txt', 'hello from an allowed origin', 'text/plain');
  allowed.route('/to-loopback', (_req, res) => res.writeHead(302, { location: loopback.url('/x') }).end());
});
afterAll(async () => {
  await Promise.all([
    h?.close(),
    loopback?.close(),
    allowed?.close(),
    tmp && rm(tmp, { recursive: true, force: true }),
  ]);
});

async function runZip(body: unknown) {
  const res = await h.request('POST', '/v1/zips', { body });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return h.waitForJob(res.body.id);
}

describe('SSRF guard on (ALLOW_PRIVATE_NETWORKS=false), zip jobs', () => {
  it('skips every blocked URL with blocked_address, archives the allowed one, never touches loopback', async () => {
    const connectionsBefore = loopback.connections();
    const good = allowed.url('/good.txt');
    const urls = [good, ...blockedUrls()];
    const job = await runZip({ filename: 'ssrf-skip', urls, options: { onError: 'skip' } });

    expect(job.state, JSON.stringify(job.error)).toBe('completed');
    const failures = [...job.result.failures].sort((a, b) => a.url.localeCompare(b.url));
    expect(failures).toEqual(
      blockedUrls()
        .sort((a, b) => a.localeCompare(b))
        .map((url) => ({ url, code: 'blocked_address', message: expect.any(String) })),
    );
    expect(job.progress).toMatchObject({ filesTotal: urls.length, filesDone: 1, filesFailed: urls.length - 1 });
    const entries = await readZip((await h.download(job.result.downloadUrl)).body);
    expect(entries.map((e) => [e.name, e.data.toString()])).toEqual([['good.txt', 'hello from an allowed origin']]);

    expect(allowed.hits('/to-loopback')).toBe(1); // the first hop was allowed; the second was refused
    expect(loopback.connections() - connectionsBefore).toBe(0);
    expect(loopback.totalHits()).toBe(0);
  });

  it.each(Object.keys(BLOCKED))(
    'fails a job on %s with blocked_address, without retrying or connecting',
    async (label) => {
      const url = BLOCKED[label]!();
      const connectionsBefore = loopback.connections();
      const allowedHitsBefore = allowed.totalHits();
      const job = await runZip({ filename: 'ssrf-fail', urls: [url] });
      expect(job.state).toBe('failed');
      expect(job.error.code).toBe('blocked_address');
      expect(job.error.message).toContain(url);
      expect(loopback.connections() - connectionsBefore).toBe(0);
      // blocked_address is permanent: the redirect's first hop is requested once, not once per retry.
      expect(allowed.totalHits() - allowedHitsBefore).toBe(url.startsWith(allowed.origin) ? 1 : 0);
      expect(await h.tempFiles()).toEqual([]);
    },
  );
});

describe('SSRF guard in the fetch layer', () => {
  let agents: GuardedAgents;
  afterAll(() => {
    if (agents) destroyAgents(agents);
  });

  function fetchWithGuard(url: string, name: string) {
    agents ??= createGuardedAgents({ allowPrivateNetworks: false, allowIps: [ALLOWED_IP] });
    const http = createHttpClient({
      agents,
      connectTimeoutMs: CONNECT_TIMEOUT_MS,
      idleTimeoutMs: 5000,
      totalTimeoutMs: 10_000,
      maxRedirects: 5,
    });
    return fetchToFile(http, {
      url,
      path: join(tmp, name),
      maxFileBytes: 1024 * 1024,
      allowedTypes: ['text/*'],
      budget: new ByteBudget(10 * 1024 * 1024),
    });
  }

  it('refuses loopback in every spelling at connect time, before a socket reaches the server', async () => {
    const connectionsBefore = loopback.connections();
    const labels = Object.keys(BLOCKED);
    const outcomes = await Promise.allSettled(
      labels.map((label, i) => fetchWithGuard(BLOCKED[label]!(), `blocked-${i}`)),
    );
    const codes = Object.fromEntries(
      outcomes.map((o, i) => [labels[i], o.status === 'rejected' ? (o.reason as { code?: string }).code : 'fetched']),
    );
    expect(codes).toEqual(Object.fromEntries(labels.map((l) => [l, 'blocked_address'])));
    expect(loopback.connections() - connectionsBefore).toBe(0);
  });

  it('lets the allowed address through (the guard is not simply refusing everything)', async () => {
    const file = await fetchWithGuard(allowed.url('/good.txt'), 'good');
    expect(file).toMatchObject({ size: 'hello from an allowed origin'.length, contentType: 'text/plain' });
  });
});
