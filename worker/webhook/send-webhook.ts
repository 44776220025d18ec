import type { Got } from 'got';
import { webhookHeaders } from '../../shared/webhooks.js';
import { isBlockedAddressError } from '../fetch/ssrf-agents.js';
import { failJob } from '../runtime/job-errors.js';
import { parseRetryAfter, WebhookRetryError } from './retry-delay.js';

export interface WebhookRequest {
  url: string;
  /** `webhook-id`: the same on every attempt. */
  eventId: string;
  secret: string;
  body: string;
  timeoutMs: number;
}

/** What one attempt came to; `status` is undefined when no response arrived. */
export interface WebhookAttempt {
  status?: number;
  error?: string;
}

/**
 * One signed POST through the SSRF-guarded client. Resolves on 2xx. Throws a final failure when retrying is
 * pointless (410 Gone, an address the guard refuses) and WebhookRetryError for anything else, including a 3xx:
 * redirects are not followed, since the receiver's URL is the one the tenant registered. `onAttempt` hears the
 * outcome before the promise settles.
 */
export async function sendWebhook(
  http: Got,
  req: WebhookRequest,
  onAttempt: (a: WebhookAttempt) => Promise<void>,
): Promise<number> {
  const timestamp = Math.floor(Date.now() / 1000);
  let response;
  try {
    response = await http.post(req.url, {
      body: req.body,
      headers: { ...webhookHeaders(req.secret, req.eventId, timestamp, req.body), 'content-type': 'application/json' },
      timeout: { request: req.timeoutMs },
      followRedirect: false,
      throwHttpErrors: false,
    });
  } catch (err) {
    const blocked = isBlockedAddressError(err);
    const message = blocked
      ? 'The address is not allowed (SSRF guard)'
      : err instanceof Error
        ? err.message
        : String(err);
    await onAttempt({ error: message });
    if (blocked) throw failJob('blocked_address', message);
    throw new WebhookRetryError('webhook_unreachable', message, undefined, err);
  }
  const status = response.statusCode;
  await onAttempt({ status });
  if (status >= 200 && status < 300) return status;
  if (status === 410) throw failJob('webhook_gone', 'The receiver answered 410 Gone');
  const retryAfter = response.headers['retry-after'];
  throw new WebhookRetryError('webhook_http_error', `The receiver answered ${status}`, parseRetryAfter(retryAfter));
}
