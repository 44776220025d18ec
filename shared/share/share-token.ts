import { createHash, randomBytes } from 'node:crypto';

/** 192 random bits, base64url (32 characters): unguessable, and short enough for a link in an email. */
export function newShareToken(): string {
  return randomBytes(24).toString('base64url');
}

/** What a token looks like; anything else is refused before Redis is asked. */
export const SHARE_TOKEN_PATTERN = /^[A-Za-z0-9_-]{32}$/;

/** Redis keeps only this hash of a token: a copy of the index does not hand out links. */
export function shareTokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('base64url');
}
