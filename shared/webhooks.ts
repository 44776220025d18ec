import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ErrorCode } from './errors/codes.js';

/** Why a delivery was refused; stable, so receivers can branch on it. */
export type WebhookVerificationErrorCode = Extract<
  ErrorCode,
  'missing_headers' | 'invalid_timestamp' | 'timestamp_out_of_range' | 'invalid_signature'
>;

/** Thrown by {@link verifyWebhook} when a delivery must be rejected (answer it with a 4xx). */
export class WebhookVerificationError extends Error {
  readonly code: WebhookVerificationErrorCode;

  constructor(code: WebhookVerificationErrorCode, message: string) {
    super(message);
    this.name = 'WebhookVerificationError';
    this.code = code;
  }
}

/** The three Standard Webhooks headers every delivery carries. */
export interface WebhookHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

/** Options of {@link verifyWebhook}. */
export interface VerifyWebhookOptions {
  /** How far, in seconds, `webhook-timestamp` may be from now in either direction. Default 300. */
  toleranceSeconds?: number;
  /** The current time in milliseconds (`Date.now` unless a test pins it). */
  now?: () => number;
}

const PREFIX = 'whsec_';
const DEFAULT_TOLERANCE_SECONDS = 300;

function secretKey(secret: string): Buffer {
  if (!secret.startsWith(PREFIX)) throw new Error('Webhook secret must start with "whsec_"');
  const encoded = secret.slice(PREFIX.length);
  const bare = encoded.replace(/={1,2}$/, '');
  // Buffer.from(..., 'base64') never fails, so a typo would silently become another key.
  if (!/^[A-Za-z0-9+/]+$/.test(bare) || bare.length % 4 === 1 || (bare !== encoded && encoded.length % 4 !== 0)) {
    throw new Error('Webhook secret must be "whsec_" followed by non-empty base64');
  }
  return Buffer.from(bare, 'base64');
}

function sign(key: Buffer, msgId: string, timestamp: string, body: string | Buffer): string {
  const hmac = createHmac('sha256', key).update(`${msgId}.${timestamp}.`);
  return hmac.update(body).digest('base64');
}

/**
 * Standard Webhooks signature of one delivery: `v1,<base64 HMAC-SHA256 of "msgId.timestamp.body">`, keyed by the
 * base64-decoded part of `secret` after `whsec_`. Throws an Error if the secret is not `whsec_<base64>`.
 */
export function signWebhook(secret: string, msgId: string, timestamp: number, body: string): string {
  if (!Number.isSafeInteger(timestamp)) throw new Error(`Webhook timestamp must be integer seconds: ${timestamp}`);
  return `v1,${sign(secretKey(secret), msgId, String(timestamp), body)}`;
}

/** The headers to send with a delivery of `body` (`timestamp` in unix seconds). */
export function webhookHeaders(secret: string, msgId: string, timestamp: number, body: string): WebhookHeaders {
  return {
    'webhook-id': msgId,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signWebhook(secret, msgId, timestamp, body),
  };
}

type HeaderBag = Record<string, string | string[] | undefined> | Headers;

// Duck-typed rather than `instanceof`: a Headers from another copy of undici is just as good.
function isHeaders(headers: HeaderBag): headers is Headers {
  return typeof headers.get === 'function';
}

function header(headers: HeaderBag, name: string): string | undefined {
  if (isHeaders(headers)) return headers.get(name) || undefined;
  let value = headers[name];
  if (value === undefined) {
    const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
    value = key === undefined ? undefined : headers[key];
  }
  if (Array.isArray(value)) return value.length > 0 ? value.join(' ') : undefined;
  return value === '' ? undefined : value;
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Checks a delivery as a receiver got it: the three headers (looked up case-insensitively in Node's
 * `req.headers`, a plain object or a `Headers`), a timestamp within `toleranceSeconds` of now, and at least one
 * `v1` signature in `webhook-signature` (space-separated; other versions ignored) made with `secret` over the raw
 * body, compared in constant time. Pass several secrets while rotating. Returns nothing; throws a
 * {@link WebhookVerificationError} to reject, or an Error if a secret is not `whsec_<base64>`.
 */
export function verifyWebhook(
  secret: string | readonly string[],
  headers: HeaderBag,
  rawBody: string | Buffer,
  options: VerifyWebhookOptions = {},
): void {
  const keys = (typeof secret === 'string' ? [secret] : secret).map(secretKey);
  if (keys.length === 0) throw new Error('verifyWebhook needs at least one secret');
  const id = header(headers, 'webhook-id');
  const timestamp = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  if (id === undefined || timestamp === undefined || signatures === undefined) {
    throw new WebhookVerificationError('missing_headers', 'Missing webhook-id, webhook-timestamp or webhook-signature');
  }
  if (!/^\d{1,15}$/.test(timestamp)) {
    throw new WebhookVerificationError('invalid_timestamp', 'webhook-timestamp is not integer unix seconds');
  }
  const nowSeconds = Math.floor((options.now ?? Date.now)() / 1000);
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  if (Math.abs(nowSeconds - Number(timestamp)) > tolerance) {
    throw new WebhookVerificationError('timestamp_out_of_range', 'webhook-timestamp is too far from now');
  }
  const expected = keys.map((key) => sign(key, id, timestamp, rawBody));
  // Node joins a repeated header with ", ", which leaves a trailing comma on all but the last entry.
  const given = signatures.split(/\s+/).flatMap((entry) => {
    const comma = entry.indexOf(',');
    const value = entry.slice(comma + 1).replace(/,$/, '');
    return comma > 0 && entry.slice(0, comma) === 'v1' && value ? [value] : [];
  });
  // Every pair is compared, so the time taken says nothing about which one matched.
  let ok = false;
  for (const candidate of given) for (const mine of expected) ok = safeEqual(candidate, mine) || ok;
  if (!ok) throw new WebhookVerificationError('invalid_signature', 'No webhook-signature matches');
}
