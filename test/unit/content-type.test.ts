import { describe, expect, it } from 'vitest';
import { solidPng } from '../../local/sample-files.js';
import { isTypeAllowed, sniffContentType } from '../../worker/fetch/content-type.js';

const elf = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(120)]);

describe('sniffContentType', () => {
  it('believes the bytes over the header', async () => {
    expect(await sniffContentType(solidPng(4, 4, [0, 0, 0]), 'text/plain')).toBe('image/png');
    expect(await sniffContentType(elf, 'image/jpeg')).not.toMatch(/^image\//);
  });
  it('accepts a textual header type only for bytes that look like text', async () => {
    expect(await sniffContentType(Buffer.from('{"a":1}'), 'application/json; charset=utf-8')).toBe('application/json');
    expect(await sniffContentType(Buffer.from('hello'), 'image/jpeg')).toBe('text/plain');
    expect(await sniffContentType(Buffer.from([1, 0, 2, 0, 3]), 'text/plain')).toBe('application/octet-stream');
  });
});

describe('isTypeAllowed', () => {
  it('matches exact types, major wildcards and */*', () => {
    expect(isTypeAllowed('image/png', ['image/*'])).toBe(true);
    expect(isTypeAllowed('application/pdf', ['image/*', 'application/pdf'])).toBe(true);
    expect(isTypeAllowed('application/x-elf', ['image/*', 'application/pdf'])).toBe(false);
    expect(isTypeAllowed('application/x-elf', ['*/*'])).toBe(true);
  });
});
