import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { spawnTs, type TsChild } from '../../fixtures/child-process.js';
import { compileOnce } from '../../fixtures/compile-once.js';
import { freePort } from '../../fixtures/free-port.js';
import { until } from '../../fixtures/until.js';
import { readZip } from '../helpers/zip-reader.js';

const REQUIRED = [
  'S3_ENDPOINT',
  'S3_FORCE_PATH_STYLE',
  'S3_CHECKSUMS',
  'S3_BUCKET',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'DYNAMODB_ENDPOINT',
  'DYNAMODB_TABLE',
  'SMTP_URL',
  'MAIL_FROM',
];

let dataDir: string;
let stack: TsChild;
const children: TsChild[] = [];
/** The `KEY=value` lines `npm run stack` printed, unquoted as a shell would. */
const printed: Record<string, string> = {};
let apiKey = '';

beforeAll(async () => {
  compileOnce();
  dataDir = await mkdtemp(join(tmpdir(), 'ferry-stack-test-'));
  const id = randomUUID().slice(0, 8);
  stack = spawnTs('stack', 'local/stack-command.ts', {
    env: {
      PATH: process.env.PATH ?? '',
      FERRY_DATA_DIR: dataDir,
      S3_BUCKET: `stack-${id}`,
      DYNAMODB_TABLE: `stack-media-${id}`,
    },
  });
  const ready = new Promise<void>((resolve, reject) => {
    createInterface({ input: stack.process.stdout! }).on('line', (line) => {
      const key = /^# API key of tenant "stack": (\S+)$/.exec(line);
      if (key) apiKey = key[1]!;
      const kv = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
      if (kv) printed[kv[1]!] = kv[2]!.replace(/^'(.*)'$/, '$1').replaceAll("'\\''", "'");
      if (line.startsWith('# ready')) resolve();
    });
    void stack.exited.then((e) => reject(new Error(`npm run stack exited (${e.signal ?? e.code})`)));
  });
  await ready;
});
afterAll(async () => {
  await Promise.all(children.map((c) => c.stop()));
  await stack?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

it('prints every setting the production processes need, and writes them to stack.env', async () => {
  for (const k of REQUIRED) expect(printed[k], k).toBeTruthy();
  expect(apiKey).toMatch(/^fk_/);
  const file = await readFile(join(dataDir, 'stack', 'stack.env'), 'utf8');
  expect(file).toContain(`S3_ENDPOINT=${printed.S3_ENDPOINT}`);
});

it('the compiled API and worker, configured only by the printed lines, zip a sample file', async () => {
  const port = await freePort();
  const tempDir = await mkdtemp(join(tmpdir(), 'ferry-stack-tmp-'));
  const env = {
    PATH: process.env.PATH ?? '',
    ...printed,
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    QUEUE_PREFIX: `test-${randomUUID()}`,
    HOST: '127.0.0.1',
    PORT: String(port),
    TEMP_DIR: tempDir,
    LOG_LEVEL: 'warn',
  };
  children.push(spawnTs('api', 'dist/api/server.js', { env }), spawnTs('worker', 'dist/worker/main.js', { env }));
  const base = `http://127.0.0.1:${port}`;
  await until(async () => (await fetch(`${base}/readyz`).catch(() => undefined))?.ok, 'the API to be ready');
  const headers = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };
  const created = await fetch(`${base}/v1/zips`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ filename: 'samples', urls: [`${printed.FERRY_SAMPLES_URL}/red.png`] }),
  });
  const body = (await created.json()) as { id: string };
  expect(created.status, JSON.stringify(body)).toBe(202);
  const job = (await until(async () => {
    const doc = (await (await fetch(`${base}/v1/jobs/${body.id}`, { headers })).json()) as {
      state: string;
      result?: { downloadUrl: string };
    };
    return doc.state === 'queued' || doc.state === 'active' ? undefined : doc;
  }, 'the zip to finish'))!;
  expect(job.state, JSON.stringify(job)).toBe('completed');
  const archive = Buffer.from(await (await fetch(job.result!.downloadUrl)).arrayBuffer());
  expect((await readZip(archive)).map((e) => e.name)).toEqual(['red.png']);
  await rm(tempDir, { recursive: true, force: true });
});

it('the compiled media process starts on the printed lines and answers its health check', async () => {
  const mediaPort = await freePort();
  const env = { PATH: process.env.PATH ?? '', ...printed, HOST: '127.0.0.1', MEDIA_PORT: String(mediaPort) };
  children.push(spawnTs('media', 'dist/media/server.js', { env }));
  const health = await until(
    async () => (await fetch(`http://127.0.0.1:${mediaPort}/healthz`).catch(() => undefined))?.ok,
    'the media process to answer /healthz',
  );
  expect(health).toBe(true);
});
