import { describe, expect, it } from 'vitest';
import { html } from '../../shared/share/escape-html.js';
import { formatBytes, formatDate } from '../../shared/share/share-format.js';
import { hashSharePassword, verifySharePassword } from '../../shared/share/share-password.js';
import { newShareToken, SHARE_TOKEN_PATTERN, shareTokenHash } from '../../shared/share/share-token.js';
import { composeShareMail } from '../../worker/mail/share-mail.js';

describe('share tokens', () => {
  it('are 192 random bits in base64url, and the store sees only their hash', () => {
    const tokens = new Set(Array.from({ length: 1000 }, newShareToken));
    expect(tokens.size).toBe(1000);
    for (const t of tokens) expect(t).toMatch(SHARE_TOKEN_PATTERN);
    const [t] = tokens;
    expect(Buffer.from(t!, 'base64url')).toHaveLength(24);
    expect(shareTokenHash(t!)).not.toContain(t!);
    expect(shareTokenHash(t!)).toBe(shareTokenHash(t!));
  });
});

describe('share passwords', () => {
  it('hash with a salt of their own and verify only the right password', async () => {
    const [a, b] = await Promise.all([hashSharePassword('correct horse'), hashSharePassword('correct horse')]);
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(a).not.toBe(b);
    expect(await verifySharePassword('correct horse', a)).toBe(true);
    expect(await verifySharePassword('correct horsf', a)).toBe(false);
    expect(await verifySharePassword('correct horse', 'plain-text')).toBe(false);
  });

  it('compare the same password typed in either Unicode normal form', async () => {
    const stored = await hashSharePassword('caf\u00e9 au lait');
    expect(await verifySharePassword('cafe\u0301 au lait', stored)).toBe(true);
  });
});

describe('page and email text', () => {
  it('escapes every interpolated value, nested templates once', () => {
    const inner = html`<b>${'<i>'}</b>`;
    expect(html`<p title="${'"x"'}">${inner}${[html`${'&'}`]}</p>`.value).toBe(
      '<p title="&quot;x&quot;"><b>&lt;i&gt;</b>&amp;</p>',
    );
  });

  it('spells sizes and dates for people', () => {
    expect([0, 1, 999, 1000, 12_345, 2_400_000, 5.5e9].map(formatBytes)).toEqual([
      '0 bytes',
      '1 byte',
      '999 bytes',
      '1 kB',
      '12.3 kB',
      '2.4 MB',
      '5.5 GB',
    ]);
    expect(formatDate('2026-12-02T09:05:00.000Z')).toBe('Wed, 2 Dec 2026, 09:05 UTC');
  });

  it('composes the email with the message as text in both bodies', () => {
    const mail = composeShareMail({
      sender: 'A & B',
      filename: 'x.zip',
      fileCount: 1,
      size: 1000,
      expiresAt: '2026-12-02T09:05:00.000Z',
      shareUrl: 'https://f.example/s/abc',
      message: '<script>alert(1)</script>',
      hasPassword: true,
    });
    expect(mail.subject).toBe('A & B sent you x.zip');
    expect(mail.text).toContain('A & B sent you x.zip: 1 file, 1 kB.');
    expect(mail.text).toContain('<script>alert(1)</script>');
    expect(mail.text).toContain('asks for a password');
    expect(mail.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).toContain('<strong>A &amp; B</strong>');
  });
});
