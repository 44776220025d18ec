import { z } from 'zod';
import { defineRoute } from '../route.js';
import { resolveShare } from '../share/resolve-share.js';
import { sendNotice } from '../share/send-page.js';
import { hasShareAccess } from '../share/share-cookie.js';
import { htmlPage, shareTokenParams } from '../share/share-docs.js';

/** How long the redirect's presigned URL works: it is used at once, so a copied one is soon worthless. */
const REDIRECT_SECONDS = 300;

/**
 * GET /s/:token/download: counts the download and redirects to a presigned URL signed now, so the page link
 * never dies early because signing credentials rotated. Over `maxDownloads` -> 410.
 */
export const getShareDownloadRoute = defineRoute({
  method: 'get',
  path: '/s/:token/download',
  handlers: (deps) => [
    async (req, res) => {
      const share = await resolveShare(deps, String(req.params.token));
      if (share.status !== 'ok') return sendNotice(res, share.status);
      const { record, result, token } = share;
      res.set({ 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' });
      // The password form first; a HEAD (link checkers, previews) never counts as a download.
      if (!hasShareAccess(req, record) || req.method === 'HEAD') return res.redirect(303, `/s/${token}`);
      const secondsLeft = Math.floor((Date.parse(result.expiresAt) - Date.now()) / 1000);
      if (secondsLeft < 1) return sendNotice(res, 'expired');
      if (!(await deps.shares.takeDownload(token, record.maxDownloads, secondsLeft + 86_400))) {
        return sendNotice(res, 'exhausted');
      }
      const link = await deps.store
        .presignGet({
          key: result.key,
          expiresIn: Math.min(REDIRECT_SECONDS, secondsLeft),
          downloadFilename: result.filename,
        })
        .catch((err: unknown) => {
          req.log.error({ err }, 'could not presign a share download');
          return undefined;
        });
      if (!link) {
        await deps.shares.returnDownload(token);
        return sendNotice(res, 'unavailable');
      }
      res.redirect(302, link.url);
    },
  ],
  docs: {
    operationId: 'getShareDownload',
    summary: 'Download a shared zip (for people: the page’s Download button)',
    requestParams: { path: shareTokenParams },
    responses: {
      302: {
        description: 'To a presigned URL of the archive, minted now and valid for 5 minutes (counts one download).',
        headers: z.object({ Location: z.string() }),
      },
      303: {
        description: 'Back to the share page: its password is needed first.',
        headers: z.object({ Location: z.string() }),
      },
      404: htmlPage('No share has this token.'),
      410: htmlPage('The files expired, were withdrawn, or have no downloads left.'),
      503: htmlPage('The download link could not be made; nothing was counted.'),
    },
  },
});
