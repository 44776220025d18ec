import type { ZipJobResult } from '../../../shared/jobs/zip.job.js';
import { html } from '../../../shared/share/escape-html.js';
import { formatBytes, formatDate, plural } from '../../../shared/share/share-format.js';
import { pageLayout } from './page-layout.js';

export interface SharePageFacts {
  token: string;
  sender: string;
  result: ZipJobResult;
  /** Downloads left, when the share has a maximum. */
  downloadsLeft?: number;
}

const NAMES = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/** Lists opened by default up to this many files; longer ones start folded (they scroll either way). */
const OPEN_UP_TO = 100;

/** The page a recipient sees: what was sent, by whom, how big, until when, and the Download button. */
export function sharePage({ token, sender, result, downloadsLeft }: SharePageFacts): string {
  const total = result.entries.reduce((sum, e) => sum + e.size, 0);
  const count = plural(result.entries.length, 'file');
  // By name, numbers in order (page-2 before page-10): the archive's own order is the order downloads finished.
  const sorted = [...result.entries].sort((a, b) => NAMES.compare(a.name, b.name));
  const rows = sorted.map(
    (e) =>
      html`<tr>
        <td class="name">${e.name}</td>
        <td class="size">${formatBytes(e.size)}</td>
      </tr>`,
  );
  const left = downloadsLeft === undefined ? '' : html`<p class="note">${plural(downloadsLeft, 'download')} left.</p>`;
  const body = html`<article class="card">
<header>
<h1>${result.filename}</h1>
<p class="from">Sent by <strong>${sender}</strong></p>
</header>
<ul class="facts">
<li><strong>${count}</strong></li>
<li><strong>${formatBytes(total)}</strong> in all</li>
<li>Available until <strong><time datetime="${result.expiresAt}">${formatDate(result.expiresAt)}</time></strong></li>
</ul>
<div class="actions">
<a class="button" href="/s/${token}/download" rel="nofollow">Download</a>
<p class="note">One zip file, ${formatBytes(result.size)}${left}</p>
</div>
<details${result.entries.length <= OPEN_UP_TO ? html` open` : ''}>
<summary>${count} in this archive</summary>
<div class="files" role="region" aria-label="Files" tabindex="0">
<table>
<thead><tr><th scope="col">Name</th><th scope="col" class="size">Size</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
</div>
</details>
</article>`;
  return pageLayout(`${result.filename} from ${sender}`, body);
}
