import { describe, expect, it } from 'vitest';
import { attachmentDisposition } from '../../shared/storage/s3-object-store.js';

describe('attachmentDisposition (RFC 6266)', () => {
  it('sends a plain ASCII name as filename only', () => {
    expect(attachmentDisposition('photos.zip')).toBe('attachment; filename="photos.zip"');
  });
  it("adds filename*=UTF-8'' for any non-ASCII name, Latin-1 included, with an ASCII fallback", () => {
    expect(attachmentDisposition('été.zip')).toBe(`attachment; filename="_t_.zip"; filename*=UTF-8''%C3%A9t%C3%A9.zip`);
    expect(attachmentDisposition('日本.zip')).toBe(
      `attachment; filename="__.zip"; filename*=UTF-8''%E6%97%A5%E6%9C%AC.zip`,
    );
  });
  it('escapes quotes', () => {
    expect(attachmentDisposition('a"b.zip')).toBe('attachment; filename="a\\"b.zip"');
  });
});
