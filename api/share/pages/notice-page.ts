import { html } from '../../../shared/share/escape-html.js';
import { pageLayout } from './page-layout.js';

export type Notice = 'unknown' | 'expired' | 'withdrawn' | 'exhausted' | 'too_many_attempts' | 'unavailable';

const NOTICES: Record<Notice, { title: string; text: string }> = {
  unknown: {
    title: 'No files here',
    text: 'This link does not lead to any files. Check that it was copied whole, or ask the sender for a new one.',
  },
  expired: {
    title: 'These files have expired',
    text: 'The link was only valid for a limited time and the files are gone. Ask the sender to share them again.',
  },
  withdrawn: {
    title: 'These files were withdrawn',
    text: 'The sender removed the files, so they can no longer be downloaded.',
  },
  exhausted: {
    title: 'No downloads left',
    text: 'These files have been downloaded as many times as the sender allowed. Ask the sender to share them again.',
  },
  too_many_attempts: {
    title: 'Too many attempts',
    text: 'Too many passwords were tried for these files. Wait a few minutes, then try again.',
  },
  unavailable: {
    title: 'Try again in a moment',
    text: 'The download link could not be made just now. Please try again shortly.',
  },
};

/** The page for a link that leads nowhere, or no longer: 404, 410, 429 or 503. */
export function noticePage(notice: Notice): string {
  const { title, text } = NOTICES[notice];
  return pageLayout(
    title,
    html`<article class="card">
      <h1>${title}</h1>
      <p>${text}</p>
    </article>`,
  );
}
