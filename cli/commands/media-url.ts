import { parseArgs } from 'node:util';
import { loadConfig } from '../../shared/config.js';
import type { Command } from '../command.js';
import { UsageError } from '../usage.js';

const INTEGER = ['width', 'height', 'quality'] as const;

/**
 * Prints the URL of a variant of an ingested image, from the API (POST /v1/media/variants): the API knows the
 * media's content address and the tenant's secret. FERRY_URL and FERRY_API_KEY, or --api and --key.
 */
export const mediaUrl: Command = async (args, { out, err, env }) => {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: {
        width: { type: 'string' },
        height: { type: 'string' },
        fit: { type: 'string' },
        format: { type: 'string' },
        quality: { type: 'string' },
        watermark: { type: 'boolean' },
        preset: { type: 'string' },
        api: { type: 'string' },
        key: { type: 'string' },
      },
    });
  } catch (e) {
    throw new UsageError(`media-url: ${(e as Error).message}`);
  }
  const { values, positionals } = parsed;
  const media = positionals[0];
  if (positionals.length !== 1 || media === undefined || media === '') {
    throw new UsageError('media-url takes exactly one ingested URL or stored key');
  }
  const config = loadConfig(env);
  const api = values.api ?? config.FERRY_URL;
  const key = values.key ?? config.FERRY_API_KEY;
  if (api === undefined || key === undefined) {
    throw new UsageError('media-url needs the API and a key: FERRY_URL and FERRY_API_KEY, or --api and --key');
  }
  const body: Record<string, unknown> = /^https?:\/\//i.test(media) ? { url: media } : { key: media };
  for (const name of INTEGER) {
    const value = values[name];
    if (value !== undefined) body[name] = /^\d+$/.test(value) ? Number(value) : value;
  }
  for (const name of ['fit', 'format', 'preset'] as const) if (values[name] !== undefined) body[name] = values[name];
  if (values.watermark) body.watermark = true;
  const res = await fetch(`${api.replace(/\/+$/, '')}/v1/media/variants`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const answer = (await res.json().catch(() => undefined)) as
    { variantUrl?: string; error?: { message?: string; details?: unknown } } | undefined;
  if (res.status !== 200 || answer?.variantUrl === undefined) {
    const details = answer?.error?.details === undefined ? '' : ` ${JSON.stringify(answer.error.details)}`;
    err(`media-url: ${res.status} ${answer?.error?.message ?? res.statusText}${details}\n`);
    return 1;
  }
  out(`${answer.variantUrl}\n`);
  return 0;
};
