import type { Response } from 'express';
import { noticePage, type Notice } from './pages/notice-page.js';

/**
 * Sends a share page: never cached (it can show a password form's result, a download count), never framed,
 * no script, and no Referer to anyone (the token is in the URL).
 */
export function sendPage(res: Response, status: number, page: string): void {
  res
    .status(status)
    .set({
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-store',
      'Content-Security-Policy':
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
      'Referrer-Policy': 'no-referrer',
      'X-Content-Type-Options': 'nosniff',
      'X-Robots-Tag': 'noindex, nofollow',
    })
    .send(page);
}

const STATUS: Record<Notice, number> = {
  unknown: 404,
  expired: 410,
  withdrawn: 410,
  exhausted: 410,
  too_many_attempts: 429,
  unavailable: 503,
};

export function sendNotice(res: Response, notice: Notice): void {
  sendPage(res, STATUS[notice], noticePage(notice));
}
