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

describe('names that are unsafe on some file system', () => {
  it.each([
    ['CON', '_CON'],
    ['nul.txt', '_nul.txt'],
    ['NUL.tar.gz', '_NUL.tar.gz'],
    ['aux.png', '_aux.png'],
    ['Com1.jpg', '_Com1.jpg'],
    ['lpt9', '_lpt9'],
    ['COM\u00b9.txt', '_COM\u00b9.txt'],
    ['conin$', '_conin$'],
    ['con/a.txt', '_con/a.txt'],
    ['docs/PRN/x.txt', 'docs/_PRN/x.txt'],
    ['CON .txt', '_CON .txt'],
  ])('a Windows-reserved name %j -> %j', (raw, want) => {
    expect(sanitizeEntryName(raw)).toBe(want);
  });

  it.each([['console.txt'], ['com10.txt'], ['auxiliary.png'], ['nul_'], ['my.con']])('keeps %j', (raw) => {
    expect(sanitizeEntryName(raw)).toBe(raw);
  });

  it('removes bidi controls and invisible format characters', () => {
    expect(sanitizeEntryName('invoice\u202egpj.exe')).toBe('invoicegpj.exe');
    expect(sanitizeEntryName('a\u202a\u202b\u202c\u202d\u2066\u2067\u2068\u2069\u200e\u200f\u061cb.txt')).toBe(
      'ab.txt',
    );
    expect(sanitizeEntryName('zero\u200bwidth\u2060\ufeff.txt')).toBe('zerowidth.txt');
    expect(sanitizeEntryName('\u202e')).toBeUndefined();
  });

  it('keeps joiners, which emoji and several scripts need', () => {
    expect(sanitizeEntryName('family \u{1f468}\u200d\u{1f469}\u200d\u{1f467}.png')).toBe(
      'family \u{1f468}\u200d\u{1f469}\u200d\u{1f467}.png',
    );
  });

  it('drops lone surrogates so the name is well-formed Unicode', () => {
    expect(sanitizeEntryName('a\ud800b\udc00c.txt')).toBe('abc.txt');
  });
});

describe('EntryNameAllocator, files and folders', () => {
  it('renames a file whose name is a folder already in use', () => {
    const a = new EntryNameAllocator();
    expect(['x/y.png', 'x', 'X', 'a/b/c.txt', 'a/b'].map((n) => a.allocate(n))).toEqual([
      'x/y.png',
      'x (2)',
      'X (3)',
      'a/b/c.txt',
      'a/b (2)',
    ]);
  });

  it('moves entries out of a folder whose name is a file already, and keeps them together', () => {
    const a = new EntryNameAllocator();
    expect(['x', 'x/y.png', 'X/z.png', 'x/y.png', 'x/sub/w.txt', 'x (2)'].map((n) => a.allocate(n))).toEqual([
      'x',
      'x (2)/y.png',
      'x (2)/z.png',
      'x (2)/y (2).png',
      'x (2)/sub/w.txt',
      'x (2) (2)',
    ]);
  });

  it('renames a nested folder segment that is a file, not the folders above it', () => {
    const a = new EntryNameAllocator();
    expect(['d/photos.2020', 'd/photos.2020/a.jpg'].map((n) => a.allocate(n))).toEqual([
      'd/photos.2020',
      'd/photos.2020 (2)/a.jpg',
    ]);
  });

  it('never hands out a name that is both a file and a folder', () => {
    const a = new EntryNameAllocator();
    const names = ['a', 'a/b', 'a/b/c', 'a (2)', 'a (2)/b', 'a/b/c/d', 'A/B'].map((n) => a.allocate(n));
    const lower = names.map((n) => n.toLowerCase());
    expect(new Set(lower).size).toBe(lower.length);
    for (const n of lower) for (const m of lower) expect(m.startsWith(`${n}/`)).toBe(false);
  });
});
