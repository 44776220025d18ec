import { createHmac, timingSafeEqual } from 'node:crypto';

/** The signature segment of a preset's URL: presets are served unsigned. */
export const UNSIGNED = '_';

/**
 * The string a variant URL's signature covers: `<tenant>/<options>/<source>`, the path after the signature.
 * Everything that selects the bytes is in it, so changing any character of the URL breaks the signature.
 */
export const signedPart = (tenant: string, spec: string, source: string): string => `${tenant}/${spec}/${source}`;

/** HMAC-SHA256 of {@link signedPart} keyed by the UTF-8 bytes of the secret, base64url without padding. */
export function signVariant(secret: string, tenant: string, spec: string, source: string): string {
  return createHmac('sha256', secret)
    .update(signedPart(tenant, spec, source))
    .digest('base64url');
}

/** Whether `signature` was made with one of `secrets` (rotation: the first signs, every one verifies). */
export function verifyVariant(
  secrets: readonly string[],
  tenant: string,
  spec: string,
  source: string,
  signature: string,
): boolean {
  const given = Buffer.from(signature, 'utf8');
  return secrets.some((secret) => {
    const expected = Buffer.from(signVariant(secret, tenant, spec, source), 'utf8');
    return expected.length === given.length && timingSafeEqual(expected, given);
  });
}
