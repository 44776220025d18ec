import { defineRoute } from '../route.js';
import { passwordPage } from '../share/pages/password-page.js';
import { sharePage } from '../share/pages/share-page.js';
import { resolveShare } from '../share/resolve-share.js';
import { sendNotice, sendPage } from '../share/send-page.js';
import { hasShareAccess } from '../share/share-cookie.js';
import { htmlPage, shareTokenParams } from '../share/share-docs.js';

/** GET /s/:token: the share page (no API key: the token is the key), or its password form first. */
export const getSharePageRoute = defineRoute({
  method: 'get',
  path: '/s/:token',
  handlers: (deps) => [
    async (req, res) => {
      const share = await resolveShare(deps, String(req.params.token));
      if (share.status !== 'ok') return sendNotice(res, share.status);
      const { record, result, sender, downloads, token } = share;
      if (!hasShareAccess(req, record)) return sendPage(res, 200, passwordPage(token, sender));
      const downloadsLeft = record.maxDownloads === undefined ? undefined : record.maxDownloads - downloads;
      sendPage(res, 200, sharePage({ token, sender, result, downloadsLeft }));
    },
  ],
  docs: {
    operationId: 'getSharePage',
    summary: 'The share page of a zip (HTML, for people)',
    description:
      'The archive’s name, its sender (the tenant’s `displayName`), every file with its size, the total size, ' +
      'the expiry and a Download button; a password form first when the share has a password.',
    requestParams: { path: shareTokenParams },
    responses: {
      200: htmlPage('The share page, or its password form.'),
      404: htmlPage('No share has this token.'),
      410: htmlPage('The files expired, were withdrawn, or have no downloads left.'),
    },
  },
});
