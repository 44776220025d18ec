import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import sharp from 'sharp';
import { expect } from 'vitest';
import type { FileServer } from '../../fixtures/file-server.js';
import type { Harness } from './harness.js';

/** Serves `body` from the file server and ingests it through a real ingest job; returns the URL and its item. */
export async function ingestFile(
  h: Harness,
  files: FileServer,
  path: string,
  body: Buffer,
  type: string,
  key?: string,
): Promise<{ url: string; item: { key: string; sha256: string } }> {
  files.file(path, body, type);
  const url = files.url(path);
  const res = await h.request('POST', '/v1/ingests', { body: { urls: [url] }, key });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  const job = await h.waitForJob(res.body.id, { key });
  expect(job.state, JSON.stringify(job.error)).toBe('completed');
  const item = job.result.items[0];
  expect(item.status, JSON.stringify(item)).toMatch(/^(stored|existing)$/);
  return { url, item };
}

/** POST /v1/media/variants; expects 200 and returns the variant URL. */
export async function variantUrl(h: Harness, body: Record<string, unknown>, key?: string): Promise<string> {
  const res = await h.request('POST', '/v1/media/variants', { body, key });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.variantUrl as string;
}

export interface Fetched {
  status: number;
  headers: Headers;
  body: Buffer;
}

export async function get(url: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Fetched> {
  const res = await fetch(url, { method, headers });
  return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
}

/** The decoded image: its format, size and metadata as sharp reads them. */
export const decode = (body: Buffer) => sharp(body).metadata();

/** The RGB of one pixel. */
export async function pixel(body: Buffer, x: number, y: number): Promise<[number, number, number]> {
  const { data, info } = await sharp(body).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const i = (y * info.width + x) * info.channels;
  return [data[i]!, data[i + 1]!, data[i + 2]!];
}

/** Keys in the bucket under `prefix`. */
export async function listKeys(h: Harness, prefix: string): Promise<string[]> {
  const out = await h.clients.s3.send(new ListObjectsV2Command({ Bucket: h.config.S3_BUCKET, Prefix: prefix }));
  return (out.Contents ?? []).map((o) => o.Key!);
}

/** A solid image, made with sharp. */
export const solid = (width: number, height: number, background: string) =>
  sharp({ create: { width, height, channels: 3, background } });
