import { request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DrillResult } from './drill.js';
import { startFleet } from './fleet.js';
import { sampleLatency } from './latency.js';

interface Hostile {
  name: string;
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

const url = 'https://files.invalid/a.png';
const SEND_EVERY_MS = 50;
const HEALTH_EVERY_MS = 10;
const HOSTILE: Hostile[] = [
  { name: 'invalid JSON', body: '{"filename":' },
  { name: 'not an object', body: '[]' },
  { name: 'wrong types', body: '{"filename":1,"urls":"x"}' },
  { name: 'unknown field', body: JSON.stringify({ filename: 'a', urls: [url], extra: true }) },
  { name: 'urls and files', body: JSON.stringify({ filename: 'a', urls: [url], files: [{ url }] }) },
  { name: 'ftp URL', body: JSON.stringify({ filename: 'a', urls: ['ftp://x/a'] }) },
  { name: 'URL with credentials', body: JSON.stringify({ filename: 'a', urls: ['https://u:p@x/a'] }) },
  { name: 'control char in name', body: JSON.stringify({ filename: 'a\u0000b', urls: [url] }) },
  { name: 'lone surrogate', body: `{"filename":"\\ud800","urls":["${url}"]}` },
  { name: 'lone surrogate in name', body: `{"filename":"a","files":[{"url":"${url}","name":"\\udc00x"}]}` },
  { name: 'broken gzip', headers: { 'content-encoding': 'gzip' }, body: Buffer.from('not gzip at all') },
  { name: 'unknown encoding', headers: { 'content-encoding': 'br2' }, body: '{}' },
  { name: 'bad charset', headers: { 'content-type': 'application/json; charset=ebcdic' }, body: '{}' },
  { name: 'bad % escape in path', method: 'GET', path: '/v1/jobs/%E0%A4%A' },
  { name: 'forged job id', method: 'GET', path: '/v1/jobs/zip_other_AAAAAAAAAAAAAAAAAAAAAA' },
  {
    name: 'bad Idempotency-Key',
    headers: { 'idempotency-key': 'x'.repeat(300) },
    body: JSON.stringify({ filename: 'a', urls: [url] }),
  },
  { name: 'deep nesting', body: `{"filename":"a","urls":${'['.repeat(5000)}${']'.repeat(5000)}}` },
  {
    name: 'over the body limit',
    body: JSON.stringify({ filename: 'a', urls: [url], pad: 'x'.repeat(6 * 1024 * 1024) }),
  },
  { name: 'webhook to ftp', body: JSON.stringify({ filename: 'a', urls: [url], webhook: { url: 'ftp://x/' } }) },
  { name: 'ingest of nothing', path: '/v1/ingests', body: '{"urls":[]}' },
];

/** One request with the raw bytes given (fetch would refuse or rewrite some of them). */
function send(baseUrl: string, apiKey: string, h: Hostile): Promise<{ status: number; bytes: number; ms: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(
      baseUrl + (h.path ?? '/v1/zips'),
      { method: h.method ?? 'POST', headers: { authorization: `Bearer ${apiKey}`, ...h.headers } },
      (res) => {
        let bytes = 0;
        res.on('data', (c: Buffer) => (bytes += c.length));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes, ms: performance.now() - started }));
      },
    );
    req.on('error', reject);
    req.end(h.body);
  });
}

/**
 * One body of 100,000 invalid URLs, then 100 hostile requests (the kinds above, in turn) one every 50 ms, with
 * /healthz sampled every 10 ms all the while. Every hostile request should get a 4xx in the error shape.
 */
export async function hostileBodies(): Promise<DrillResult> {
  const fleet = await startFleet({ workers: 1, limits: { jobsPerMinute: 60, maxFilesPerJob: 1000 } });
  try {
    const health = sampleLatency(`${fleet.baseUrl}/healthz`, HEALTH_EVERY_MS);
    // First, while the tenant still has rate-limit slots: the body that used to stall the API.
    const big = await send(fleet.baseUrl, fleet.apiKey, {
      name: '100,000 invalid URLs',
      body: JSON.stringify({ filename: 'a', urls: Array.from({ length: 100_000 }, () => 'not a url') }),
    });
    const byClass = { '4xx': 0, '5xx': 0, other: 0 };
    const odd: string[] = [];
    let largest = 0;
    for (let i = 0; i < 100; i++) {
      const h = HOSTILE[i % HOSTILE.length]!;
      const res = await send(fleet.baseUrl, fleet.apiKey, h).catch(() => ({ status: 0, bytes: 0, ms: 0 }));
      const cls = res.status >= 400 && res.status < 500 ? '4xx' : res.status >= 500 ? '5xx' : 'other';
      byClass[cls]++;
      if (cls !== '4xx') odd.push(`${h.name} -> ${res.status}`);
      largest = Math.max(largest, res.bytes);
      // Paced, so /healthz is sampled over a window of seconds rather than a burst of a few probes.
      await sleep(SEND_EVERY_MS);
    }
    await health.stop();
    const healthy = (await fetch(`${fleet.baseUrl}/healthz`)).ok;
    return {
      line:
        `100 hostile requests: ${byClass['4xx']} answered 4xx, ${byClass['5xx']} 5xx, ${byClass.other} other; ` +
        `largest answer ${(largest / 1024).toFixed(1)} KB; 100,000 invalid URLs: ${big.status} in ${big.ms.toFixed(0)} ms, ` +
        `${(big.bytes / 1024).toFixed(1)} KB; /healthz p99 ${health.p(99).toFixed(1)} ms over ${health.count()} probes; ` +
        `API ${healthy ? 'up' : 'DOWN'} after`,
      problems: odd,
      ok:
        byClass['4xx'] === 100 &&
        big.status >= 400 &&
        big.status < 500 &&
        big.bytes < 65_536 &&
        health.p(99) < 50 &&
        healthy,
    };
  } finally {
    await fleet.stop();
  }
}
