import { html } from '../../shared/share/escape-html.js';
import { formatBytes, formatDate, plural } from '../../shared/share/share-format.js';

export interface ShareMailFacts {
  /** The tenant's displayName (or id). */
  sender: string;
  filename: string;
  fileCount: number;
  /** The archive's size in bytes. */
  size: number;
  expiresAt: string;
  shareUrl: string;
  message?: string;
  hasPassword: boolean;
}

export interface ShareMail {
  subject: string;
  text: string;
  html: string;
}

/** The email that carries a share link: plain text and HTML that say the same, every value escaped. */
export function composeShareMail(f: ShareMailFacts): ShareMail {
  const files = plural(f.fileCount, 'file');
  const size = formatBytes(f.size);
  const expires = formatDate(f.expiresAt);
  const passwordNote = 'The page asks for a password: the sender will tell you it.';
  const text = [
    `${f.sender} sent you ${f.filename}: ${files}, ${size}.`,
    '',
    ...(f.message ? [`Message from ${f.sender}:`, f.message, ''] : []),
    `Download: ${f.shareUrl}`,
    `Available until ${expires}.`,
    ...(f.hasPassword ? [passwordNote] : []),
    '',
    '-- ',
    'Sent by ferry on behalf of the sender. If you did not expect this, you can ignore it.',
    '',
  ].join('\n');
  const body = html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light dark" />
        <title>${f.filename}</title>
      </head>
      <body
        style="margin:0;padding:24px;font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;line-height:1.5"
      >
        <div style="max-width:560px;margin:0 auto">
          <p style="font-size:18px;margin:0 0 8px">
            <strong>${f.sender}</strong> sent you <strong>${f.filename}</strong>
          </p>
          <p style="margin:0 0 16px;color:#555">${files} · ${size} · available until ${expires}</p>
          ${
            f.message
              ? html`<blockquote
                  style="margin:0 0 16px;padding:8px 12px;border-left:3px solid #888;white-space:pre-wrap"
                >
                  ${f.message}
                </blockquote>`
              : ''
          }
          <p style="margin:0 0 16px">
            <a
              href="${f.shareUrl}"
              style="display:inline-block;padding:10px 18px;border-radius:6px;background:#1a56db;color:#fff;text-decoration:none;font-weight:600"
              >View and download</a
            >
          </p>
          <p style="margin:0 0 16px;font-size:14px;color:#555">
            Or open this link: <a href="${f.shareUrl}">${f.shareUrl}</a>
          </p>
          ${f.hasPassword ? html`<p style="margin:0 0 16px;font-size:14px">${passwordNote}</p>` : ''}
          <p style="margin:24px 0 0;font-size:12px;color:#777">
            Sent by ferry on behalf of the sender. If you did not expect this, you can ignore it.
          </p>
        </div>
      </body>
    </html> `;
  return { subject: `${f.sender} sent you ${f.filename}`, text, html: body.value };
}
