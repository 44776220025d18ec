import { Router } from 'express';
import { html, SafeHtml } from '../shared/share/escape-html.js';
import type { ReceivedMail, SmtpSink } from './smtp-sink.js';

const CSS = `
:root { color-scheme: light dark; }
body { font: 15px/1.5 system-ui, sans-serif; max-width: 60rem; margin: 0 auto; padding: 1rem; }
article { border: 1px solid #8884; border-radius: 8px; padding: 1rem; margin: 1rem 0; }
h2 { font-size: 1.1rem; margin: 0 0 .25rem; }
.meta { color: #888; font-size: .9rem; margin: 0 0 .5rem; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; background: #8881; padding: .75rem; border-radius: 6px; }
`;

/** The plain-text body with its URLs made clickable (everything else escaped). */
function linkedText(text: string): SafeHtml {
  const parts = text.split(/(https?:\/\/[^\s<>"]+)/g);
  return new SafeHtml(
    parts.map((part, i) => (i % 2 === 1 ? html`<a href="${part}">${part}</a>`.value : html`${part}`.value)).join(''),
  );
}

function listPage(messages: readonly ReceivedMail[], smtpUrl: string): string {
  const items = [...messages].reverse().map(
    (m) =>
      html`<article>
        <h2>${m.subject}</h2>
        <p class="meta">
          To ${m.to} · from ${m.from} ·
          ${m.receivedAt}${m.html ? html` · <a href="/dev/mail/${m.id}">HTML version</a>` : ''}
        </p>
        <pre>${linkedText(m.text)}</pre>
      </article>`,
  );
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>ferry dev mail</title>
        <style>
          ${new SafeHtml(CSS)}
        </style>
      </head>
      <body>
        <h1>Mail ferry sent (dev)</h1>
        <p class="meta">
          ${messages.length} message(s) received by the local SMTP sink at ${smtpUrl}, newest first; kept in memory
          until ferry dev stops.
        </p>
        ${items.length > 0 ? items : html`<p>Nothing yet: create a zip with <code>"notify": {"email": ["you@example.com"]}</code>.</p>`}
      </body>
    </html> `.value;
}

/** Dev mode's outbox: GET /dev/mail lists what the SMTP sink received; /dev/mail/:id shows one HTML body. */
export function devMailRouter(sink: SmtpSink): Router {
  const router = Router();
  router.get('/dev/mail', (_req, res) => {
    res.type('html').set('Cache-Control', 'no-store').send(listPage(sink.messages, sink.url));
  });
  router.get('/dev/mail/:id', (req, res) => {
    const mail = sink.messages.find((m) => String(m.id) === req.params.id);
    if (!mail?.html) return void res.status(404).type('text').send('No such message');
    // The email's own HTML, as a mail client would show it: sandboxed, no script.
    res
      .type('html')
      .set('Content-Security-Policy', "sandbox allow-popups allow-top-navigation-by-user-activation; script-src 'none'")
      .send(mail.html);
  });
  return router;
}
