import { createHash, timingSafeEqual } from 'node:crypto';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import { Router, type RequestHandler } from 'express';
import { UnauthorizedError } from '../shared/errors/app-error.js';
import type { ApiDeps } from './deps.js';

export const BOARD_PATH = '/admin/queues';

/**
 * Bull Board behind HTTP basic auth, or undefined (and a log line saying why) when BULL_BOARD_USER or
 * BULL_BOARD_PASSWORD is unset: the board can retry and delete jobs, so it is never served without a password.
 */
export function createBoard(
  { config, logger }: Pick<ApiDeps, 'config' | 'logger'>,
  queues: Queue[],
): Router | undefined {
  const user = config.BULL_BOARD_USER;
  const password = config.BULL_BOARD_PASSWORD;
  if (user === undefined || password === undefined) {
    logger.info(`Bull Board is not mounted at ${BOARD_PATH}: set BULL_BOARD_USER and BULL_BOARD_PASSWORD to enable it`);
    return undefined;
  }
  const serverAdapter = new ExpressAdapter().setBasePath(BOARD_PATH);
  createBullBoard({
    queues: queues.map((q) => new BullMQAdapter(q, { readOnlyMode: config.BULL_BOARD_READ_ONLY })),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'ferry' } },
  });
  logger.info({ readOnly: config.BULL_BOARD_READ_ONLY }, `Bull Board mounted at ${BOARD_PATH}`);
  const router = Router();
  router.use(basicAuth(user, password), serverAdapter.getRouter() as RequestHandler);
  return router;
}

/** Compares digests so that neither the length nor the content of the secret leaks through timing. */
function sameSecret(given: string, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

export function basicAuth(user: string, password: string): RequestHandler {
  return (req, res, next) => {
    const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(req.get('authorization') ?? '');
    const decoded = match ? Buffer.from(match[1]!, 'base64').toString('utf8') : '';
    const colon = decoded.indexOf(':');
    // Both compared every time: a wrong user name takes as long as a wrong password.
    const userOk = sameSecret(colon < 0 ? '' : decoded.slice(0, colon), user);
    const passwordOk = sameSecret(colon < 0 ? '' : decoded.slice(colon + 1), password);
    if (colon >= 0 && userOk && passwordOk) {
      next();
      return;
    }
    res.setHeader('WWW-Authenticate', 'Basic realm="ferry queues", charset="UTF-8"');
    next(new UnauthorizedError('Bull Board needs HTTP basic auth (BULL_BOARD_USER / BULL_BOARD_PASSWORD)'));
  };
}
