import { html } from '../../../shared/share/escape-html.js';
import { pageLayout } from './page-layout.js';

/** The form a password-protected share shows first; `wrong` after a password that did not match. */
export function passwordPage(token: string, sender: string, wrong = false): string {
  const body = html`<article class="card">
    <h1>Files from ${sender}</h1>
    <p class="from">These files are protected by a password. The sender can tell you what it is.</p>
    ${wrong ? html`<p class="error" role="alert">That password is not right. Try again.</p>` : ''}
    <form method="post" action="/s/${token}">
      <div class="field">
        <label for="password">Password</label>
        <input
          id="password"
          name="password"
          type="password"
          autocomplete="current-password"
          required
          minlength="8"
          maxlength="128"
          autofocus
        />
      </div>
      <button class="button" type="submit">Open</button>
    </form>
  </article>`;
  return pageLayout(`Files from ${sender}`, body);
}
