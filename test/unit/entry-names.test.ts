import { describe, expect, it } from 'vitest';
import { deriveEntryName, EntryNameAllocator, sanitizeEntryName } from '../../worker/zip/entry-names.js';

describe('sanitizeEntryName', () => {
  it.each([
    ['photo.jpg', 'photo.jpg'],
    ['../../etc/passwd', 'etc/passwd'],
    ['/abs/path.txt', 'abs/path.txt'],
    ['C:\\Windows\\win.ini', 'Windows/win.ini'],
    ['a/./b/../c.txt', 'a/b/c.txt'],
    ['tab\there\u0000.txt', 'tabhere.txt'],
    ['what?<>|*.txt', 'what_____.txt'],
    ['trailing dots...', 'trailing dots'],
    ['  spaced  /  name.txt ', 'spaced/name.txt'],
    ['e\u0301te\u0301.txt', 'été.txt'],
  ])('%j -> %j', (raw, want) => {
    expect(sanitizeEntryName(raw)).toBe(want);
  });

  it('returns undefined when nothing usable is left', () => {
    for (const raw of ['', '..', '../..', '/', '\u0001', ' . ']) expect(sanitizeEntryName(raw)).toBeUndefined();
  });

  it('cuts each segment to 255 bytes without splitting a character and keeps the extension', () => {
    const name = sanitizeEntryName(`${'é'.repeat(300)}.jpeg`)!;
    expect(Buffer.byteLength(name)).toBeLessThanOrEqual(255);
    expect(name.endsWith('.jpeg')).toBe(true);
    expect(name).not.toContain('\ufffd');
    const folders = sanitizeEntryName(`${'a'.repeat(300)}/${'b'.repeat(300)}`)!;
    expect(folders.split('/').map((s) => s.length)).toEqual([255, 255]);
  });
});

describe('deriveEntryName', () => {
  const base = { contentType: 'image/jpeg', sha256: 'ab'.repeat(32) };
  it('prefers the Content-Disposition filename, without its folders', () => {
    expect(deriveEntryName({ ...base, url: 'https://x/y/z.png', suggestedName: '../up/cd.jpg' })).toBe('cd.jpg');
  });
  it('falls back to the URL path, decoded', () => {
    expect(deriveEntryName({ ...base, url: 'https://x/a/caf%C3%A9.jpg?x=1' })).toBe('café.jpg');
  });
  it('falls back to a hash when the URL has no file name', () => {
    expect(deriveEntryName({ ...base, url: 'https://x/' })).toBe(`${'ab'.repeat(8)}.jpg`);
  });
  it('adds an extension from the type only when the name has none', () => {
    expect(deriveEntryName({ ...base, url: 'https://x/photo' })).toBe('photo.jpg');
    expect(deriveEntryName({ ...base, url: 'https://x/photo.jpeg' })).toBe('photo.jpeg');
    expect(deriveEntryName({ ...base, contentType: 'audio/mpeg', url: 'https://x/song' })).toBe('song.mp3');
    expect(deriveEntryName({ ...base, contentType: 'application/x-unknown-thing', url: 'https://x/blob' })).toBe(
      'blob',
    );
  });
});

describe('EntryNameAllocator', () => {
  it('suffixes collisions before the extension, case-insensitively, in folders too', () => {
    const a = new EntryNameAllocator();
    expect(['a.txt', 'A.TXT', 'a.txt', 'dir/a.txt', 'dir/a.txt', 'noext', 'noext'].map((n) => a.allocate(n))).toEqual([
      'a.txt',
      'A (2).TXT',
      'a (3).txt',
      'dir/a.txt',
      'dir/a (2).txt',
      'noext',
      'noext (2)',
    ]);
  });
  it('does not hand out a suffixed name that was taken already', () => {
    const a = new EntryNameAllocator();
    a.allocate('a (2).txt');
    a.allocate('a.txt');
    expect(a.allocate('a.txt')).toBe('a (3).txt');
  });
  it('keeps suffixed names within 255 bytes', () => {
    const a = new EntryNameAllocator();
    const long = `${'x'.repeat(251)}.txt`;
    a.allocate(long);
    const second = a.allocate(long);
    expect(Buffer.byteLength(second)).toBeLessThanOrEqual(255);
    expect(second.endsWith(' (2).txt')).toBe(true);
  });
});
