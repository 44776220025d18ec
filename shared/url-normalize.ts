import { createHash } from 'node:crypto';

/**
 * The form of a URL the media index is keyed by: WHATWG parsing lower-cases the scheme and host, drops the
 * default port and normalises percent-encoding of the path; the fragment is dropped (it never reaches the
 * server); the query is kept as sent, because it often selects a different file.
 */
export function normalizeUrl(raw: string): string {
  const url = new URL(raw);
  url.hash = '';
  return url.href;
}

/** The index's partition key for a tenant's URL: `<tenant>#<sha256(normalised url)>`. */
export function mediaKey(tenant: string, url: string): string {
  return `${tenant}#${createHash('sha256').update(normalizeUrl(url)).digest('hex')}`;
}
