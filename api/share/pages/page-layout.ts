import { html, SafeHtml } from '../../../shared/share/escape-html.js';

// Small, inline, no JavaScript: the page must work in any browser and in a mail client's preview.
const CSS = `
:root { color-scheme: light dark; --bg: #f4f5f7; --card: #fff; --fg: #1c1e21; --muted: #5f6670; --line: #e2e5e9;
  --accent: #1a56db; --accent-fg: #fff; --bad: #b42318; --row: #f8f9fa; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #111316; --card: #1c1f24; --fg: #e8eaed; --muted: #a0a7b1; --line: #2f343b;
    --accent: #6d9cff; --accent-fg: #0b1220; --bad: #ff8a80; --row: #22262c; }
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: var(--bg); color: var(--fg); line-height: 1.5;
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 44rem; margin: 0 auto; padding: 1.5rem 1rem 3rem; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 12px; padding: 1.5rem; }
.card > :last-child { margin-bottom: 0; }
h1 { font-size: 1.5rem; line-height: 1.25; margin: 0 0 .25rem; overflow-wrap: anywhere; }
p { margin: 0 0 1rem; }
.from { color: var(--muted); margin-bottom: 1.25rem; }
.facts { display: flex; flex-wrap: wrap; gap: .25rem 1.5rem; margin: 0 0 1.25rem; padding: 0; list-style: none; }
.facts li { color: var(--muted); }
.facts strong { color: var(--fg); font-weight: 600; }
.button { display: inline-block; background: var(--accent); color: var(--accent-fg); border: 0; border-radius: 8px;
  padding: .75rem 1.5rem; font: inherit; font-weight: 600; text-decoration: none; cursor: pointer; }
.button:hover, .button:focus-visible { filter: brightness(1.08); }
.button:focus-visible, input:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
.actions { display: flex; flex-wrap: wrap; align-items: center; gap: .5rem 1rem; margin-bottom: .5rem; }
.note { color: var(--muted); font-size: .9rem; margin: 0; }
details { margin-top: 1.5rem; border-top: 1px solid var(--line); padding-top: 1rem; }
summary { cursor: pointer; font-weight: 600; }
.files { max-height: min(60vh, 30rem); overflow: auto; margin-top: .75rem; border: 1px solid var(--line);
  border-radius: 8px; }
table { width: 100%; border-collapse: collapse; font-size: .95rem; }
th, td { text-align: left; padding: .45rem .75rem; border-bottom: 1px solid var(--line); vertical-align: top; }
tbody tr:nth-child(even) { background: var(--row); }
tr:last-child td { border-bottom: 0; }
th { position: sticky; top: 0; background: var(--card); font-weight: 600; color: var(--muted); }
td.name { overflow-wrap: anywhere; }
.size { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
form { display: flex; flex-wrap: wrap; gap: .75rem; align-items: end; }
label { display: block; font-weight: 600; margin-bottom: .25rem; }
.field { flex: 1 1 14rem; }
input[type=password] { width: 100%; font: inherit; padding: .65rem .75rem; border-radius: 8px;
  border: 1px solid var(--line); background: var(--bg); color: var(--fg); }
.error { color: var(--bad); font-weight: 600; }
footer { color: var(--muted); font-size: .8rem; text-align: center; margin-top: 1.5rem; }
@media (max-width: 30rem) {
  main { padding: 1rem .75rem 2rem; }
  .card { padding: 1.1rem; }
  .actions .button, form .button { flex: 1 1 100%; text-align: center; }
  th, td { padding: .45rem .6rem; }
}
`;

/** Every share page's frame: semantic, readable on a phone, light and dark, nothing to execute. */
export function pageLayout(title: string, body: SafeHtml): string {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex, nofollow" />
        <meta name="color-scheme" content="light dark" />
        <title>${title}</title>
        <style>
          ${new SafeHtml(CSS)}
        </style>
      </head>
      <body>
        <main>
          ${body}
          <footer>Shared with ferry</footer>
        </main>
      </body>
    </html> `.value;
}
