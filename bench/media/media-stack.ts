import { createHash, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { spawnTs, type TsChild } from '../../fixtures/child-process.js';
import { compileOnce } from '../../fixtures/compile-once.js';
import { freePort } from '../../fixtures/free-port.js';
import { LOCAL_CREDENTIALS, startLocalStack } from '../../local/stack.js';
import { loadConfig } from '../../shared/config.js';
import { originalKey } from '../../shared/media/media-keys.js';
import type { MediaSource } from '../../shared/media/variant-path.js';
import { createClients, type Clients } from '../../shared/runtime.js';
import { generateApiKey, generateMediaSecret, hashApiKey } from '../../shared/tenants.js';
import type { Log } from '../harness/bench-session.js';
import type { CleanupStack } from '../harness/cleanup-stack.js';

export const TENANT = 'bench';

export interface MediaStack {
  clients: Clients;
  secret: string;
  /** The originals in the bucket: the same photo, each with a different byte after its end (distinct sha256). */
  sources: MediaSource[];
  keys: string[];
  media: TsChild;
  mediaUrl: string;
  api: TsChild;
  apiUrl: string;
}

async function waitForHealth(child: TsChild, url: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.hasExited()) throw new Error(`${child.name} exited during start-up`);
    const ok = await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`${child.name} did not answer /healthz within 60 s`);
    await sleep(100);
  }
}

/**
 * The local stack (s3rver in this process) with `copies` originals of `photo` stored as ingest jobs store them,
 * and the compiled media process and API, each a child process of its own (as the Procfile runs them).
 */
export async function startMediaStack(
  photo: Buffer,
  copies: number,
  renderConcurrency: number,
  vipsThreads: number,
  cleanup: CleanupStack,
  log: Log,
): Promise<MediaStack> {
  const bucket = `bench-media-${randomUUID().slice(0, 8)}`;
  const stack = await startLocalStack({ buckets: [bucket] });
  cleanup.add('close the local stack', () => stack.close());
  const secret = generateMediaSecret();
  const apiKey = generateApiKey();
  const env: Record<string, string> = {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    QUEUE_PREFIX: `bench-${randomUUID()}`,
    S3_BUCKET: bucket,
    ...stack.env,
    HOST: '127.0.0.1',
    PORT: String(await freePort()),
    MEDIA_PORT: String(await freePort()),
    MEDIA_RENDER_CONCURRENCY: String(renderConcurrency),
    MEDIA_RENDER_QUEUE: '64',
    MEDIA_VIPS_THREADS: String(vipsThreads),
    FERRY_TENANTS: JSON.stringify([{ id: TENANT, apiKeys: [hashApiKey(apiKey)], mediaSecret: secret }]),
  };
  const config = loadConfig(env);
  const clients = createClients(config, 'ferry-bench-media', { credentials: LOCAL_CREDENTIALS });
  cleanup.add('close the clients', () => clients.close());

  const sources: MediaSource[] = [];
  const keys: string[] = [];
  for (let i = 0; i < copies; i++) {
    // Bytes after the JPEG's end marker are ignored by decoders: the same image, another content address.
    const body = Buffer.concat([photo, Buffer.from(`copy ${i}`)]);
    const source = { sha256: createHash('sha256').update(body).digest('hex'), ext: 'jpg' };
    const key = originalKey(config.S3_KEY_PREFIX, TENANT, source);
    await clients.store.putBuffer({ key, body, contentType: 'image/jpeg' });
    sources.push(source);
    keys.push(key);
  }
  log(`bucket ${bucket}: ${copies} originals of ${(photo.length / 1e6).toFixed(1)} MB each`);

  compileOnce();
  const { AWS_PROFILE: _p, AWS_SESSION_TOKEN: _t, ...inherited } = process.env;
  const childEnv = {
    ...inherited,
    ...env,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
  };
  const media = spawnTs('media', 'dist/media/server.js', { env: childEnv });
  cleanup.add('stop the media process', () => media.stop());
  const api = spawnTs('api', 'dist/api/server.js', { env: childEnv });
  cleanup.add('stop the API', () => api.stop());
  const mediaUrl = `http://127.0.0.1:${env.MEDIA_PORT}`;
  const apiUrl = `http://127.0.0.1:${env.PORT}`;
  await Promise.all([waitForHealth(media, mediaUrl), waitForHealth(api, apiUrl)]);
  log(
    `media process pid ${media.pid} on ${mediaUrl} (MEDIA_RENDER_CONCURRENCY ${renderConcurrency}, MEDIA_VIPS_THREADS ${vipsThreads}); API pid ${api.pid} on ${apiUrl}`,
  );
  return { clients, secret, sources, keys, media, mediaUrl, api, apiUrl };
}
