import express from 'express';
import { z } from 'zod';
import { verifySharePassword } from '../../shared/share/share-password.js';
import { shareTokenHash } from '../../shared/share/share-token.js';
import { defineRoute } from '../route.js';
import { passwordPage } from '../share/pages/password-page.js';
import { resolveShare } from '../share/resolve-share.js';
import { sendNotice, sendPage } from '../share/send-page.js';
import { grantShareCookie } from '../share/share-cookie.js';
import { htmlPage, shareTokenParams } from '../share/share-docs.js';

/** Attempts per share, and per client address (all shares), in SHARE_ATTEMPT_WINDOW_MS. */
export const SHARE_ATTEMPTS_PER_TOKEN = 10;
export const SHARE_ATTEMPTS_PER_ADDRESS = 50;

/**
 * POST /s/:token: the password form. Right -> a short-lived cookie for this share and 303 back to its page;
 * wrong -> 401 with the form again; too many attempts for the share or from the address -> 429.
 */
export const postSharePasswordRoute = defineRoute({
  method: 'post',
  path: '/s/:token',
  handlers: (deps) => [
    express.urlencoded({ extended: false, limit: '4kb', parameterLimit: 5 }),
    async (req, res) => {
      const share = await resolveShare(deps, String(req.params.token));
      if (share.status !== 'ok') return sendNotice(res, share.status);
      const { record, token, sender } = share;
      const page = `/s/${token}`;
      if (record.passwordHash === undefined) return res.redirect(303, page);
      const [byToken, byAddress] = await Promise.all([
        deps.shareAttempts.take(`token:${shareTokenHash(token)}`, SHARE_ATTEMPTS_PER_TOKEN),
        deps.shareAttempts.take(`ip:${req.ip ?? 'unknown'}`, SHARE_ATTEMPTS_PER_ADDRESS),
      ]);
      const refused = [byToken, byAddress].find((t) => !t.allowed);
      if (refused && !refused.allowed) {
        res.set('Retry-After', String(Math.max(1, Math.ceil(refused.retryAfterMs / 1000))));
        return sendNotice(res, 'too_many_attempts');
      }
      const body = req.body as Record<string, unknown> | undefined;
      const password = typeof body?.password === 'string' ? body.password : '';
      if (
        password.length === 0 ||
        password.length > 1024 ||
        !(await verifySharePassword(password, record.passwordHash))
      ) {
        return sendPage(res, 401, passwordPage(token, sender, true));
      }
      grantShareCookie(res, token, record, deps.config.PUBLIC_URL?.startsWith('https:') ?? false);
      res.redirect(303, page);
    },
  ],
  docs: {
    operationId: 'postSharePassword',
    summary: 'The password form of a share page (HTML, for people)',
    requestParams: { path: shareTokenParams },
    requestBody: {
      content: {
        'application/x-www-form-urlencoded': { schema: z.object({ password: z.string().max(1024) }) },
      },
    },
    responses: {
      303: {
        description: 'The right password: a cookie that opens this share for an hour, and back to its page.',
        headers: z.object({ Location: z.string(), 'Set-Cookie': z.string() }),
      },
      401: htmlPage('The wrong password: the form again.'),
      404: htmlPage('No share has this token.'),
      410: htmlPage('The files expired, were withdrawn, or have no downloads left.'),
      429: {
        ...htmlPage('Too many attempts for this share or from this address.'),
        headers: z.object({ 'Retry-After': z.string() }),
      },
    },
  },
});
