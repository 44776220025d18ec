import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { objectUrlBase } from '../../shared/storage/s3-object-store.js';
import { mediaKey, normalizeUrl } from '../../shared/url-normalize.js';

describe('normalizeUrl (the media index key)', () => {
  it('lower-cases scheme and host, drops default ports and fragments, keeps the query', () => {
    expect(normalizeUrl('HTTPS://Example.COM:443/a/B.jpg?x=1&y=2#frag')).toBe('https://example.com/a/B.jpg?x=1&y=2');
    expect(normalizeUrl('http://example.com:80/a')).toBe('http://example.com/a');
    expect(normalizeUrl('http://example.com:8080/a')).toBe('http://example.com:8080/a');
    expect(normalizeUrl('http://example.com/a/../b/./c.png')).toBe('http://example.com/b/c.png');
    expect(normalizeUrl('http://example.com')).toBe('http://example.com/');
  });
  it('keeps different queries apart', () => {
    expect(normalizeUrl('https://x/a?size=1')).not.toBe(normalizeUrl('https://x/a?size=2'));
  });
  it('keys a URL by tenant and the SHA-256 of its normalised form', () => {
    const want = createHash('sha256').update('https://example.com/a.jpg').digest('hex');
    expect(mediaKey('acme', 'HTTPS://EXAMPLE.com:443/a.jpg#x')).toBe(`acme#${want}`);
    expect(mediaKey('other', 'https://example.com/a.jpg')).toBe(`other#${want}`);
  });
});

describe('objectUrlBase (publicUrl without PUBLIC_BASE_URL)', () => {
  it('uses AWS virtual-host or path style', () => {
    expect(objectUrlBase('media', 'eu-west-1', undefined, false)).toBe('https://media.s3.eu-west-1.amazonaws.com/');
    expect(objectUrlBase('media', 'eu-west-1', undefined, true)).toBe('https://s3.eu-west-1.amazonaws.com/media/');
  });
  it('uses a custom endpoint in either style', () => {
    expect(objectUrlBase('media', 'us-east-1', 'http://minio:9000', true)).toBe('http://minio:9000/media/');
    expect(objectUrlBase('media', 'us-east-1', 'https://r2.example.com/', false)).toBe('https://media.r2.example.com/');
  });
});
