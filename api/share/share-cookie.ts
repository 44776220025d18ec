import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import type { ShareRecord } from '../../shared/share/share-store.js';

/** How long a right password opens the share in that browser. */
export const SHARE_COOKIE_SECONDS = 3600;
const NAME = 'ferry_share';

const sign = (record: ShareRecord, expires: number) =>
  createHmac('sha256', record.cookieSecret).update(`${record.jobId}.${expires}`).digest('base64url');

/** Reads one cookie by name from the Cookie header. */
function cookie(req: Request, name: string): string | undefined {
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/**
 * After the right password: a short-lived cookie for this share's path only, signed with the share's own
 * secret (so every API process can check it, and it opens no other share). HttpOnly, SameSite=Lax.
 */
export function grantShareCookie(res: Response, token: string, record: ShareRecord, secure: boolean, now = Date.now()) {
  const expires = Math.floor(now / 1000) + SHARE_COOKIE_SECONDS;
  res.cookie(NAME, `${expires}.${sign(record, expires)}`, {
    path: `/s/${token}`,
    maxAge: SHARE_COOKIE_SECONDS * 1000,
    httpOnly: true,
    sameSite: 'lax',
    secure,
    encode: String,
  });
}

/** Whether the request may see the share: no password, or a valid cookie from the right one. */
export function hasShareAccess(req: Request, record: ShareRecord, now = Date.now()): boolean {
  if (record.passwordHash === undefined) return true;
  const value = cookie(req, NAME);
  const match = value === undefined ? null : /^(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(value);
  if (!match) return false;
  const expires = Number(match[1]);
  if (expires * 1000 <= now) return false;
  const given = Buffer.from(match[2]!);
  const expected = Buffer.from(sign(record, expires));
  return given.length === expected.length && timingSafeEqual(given, expected);
}
