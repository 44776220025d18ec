/*
 * `ferry/client/webhooks`: the webhook verifier for receivers. A separate entry from `ferry/client` because it
 * uses node:crypto (HMAC, constant-time compare): the client itself stays browser-safe.
 */
export { verifyWebhook, WebhookVerificationError } from '../shared/webhooks.js';
export type { VerifyWebhookOptions, WebhookHeaders } from '../shared/webhooks.js';
