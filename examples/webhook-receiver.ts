/**
 * A minimal receiver for ferry's webhooks: verifies each delivery, drops repeats by `webhook-id`, logs it.
 *
 *   FERRY_WEBHOOK_SECRET=whsec_... PORT=4000 npx tsx examples/webhook-receiver.ts
 *
 * then give jobs `"webhook": {"url": "http://<this host>:4000/"}`. PORT defaults to 4000. Answers 204 to a
 * delivery it accepts (or has already seen) and 400 to one it rejects; ferry retries anything but a 2xx
 * (or 410 Gone, which stops it).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { pathToFileURL } from 'node:url';
import { signWebhook, verifyWebhook, WebhookVerificationError } from '../shared/webhooks.js';

/** What ferry posts: `data` is the job document (as from GET /v1/jobs/:id). */
export interface WebhookEvent {
  type: string;
  timestamp: string;
  data: { id: string; state?: string; [field: string]: unknown };
}

const MAX_BODY_BYTES = 1024 * 1024;
const REMEMBERED_IDS = 10_000;

/**
 * The raw bytes, exactly as signed (parsing and re-serialising would break the signature); undefined if too
 * large. An oversized body is still drained, not cut off, so that the 400 reaches the sender.
 */
async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk);
  }
  return size <= MAX_BODY_BYTES ? Buffer.concat(chunks) : undefined;
}

function logEvent(event: WebhookEvent): void {
  console.log(`${event.type} job=${event.data.id}${event.data.state ? ` state=${event.data.state}` : ''}`);
}

/** An HTTP server (not yet listening) that hands each new, verified event to `onEvent`. */
export function createReceiver(secret: string, onEvent: (event: WebhookEvent) => void = logEvent): Server {
  signWebhook(secret, 'msg_check', 0, ''); // a malformed secret fails here, at start, not on every delivery
  // Redeliveries reuse the id; a Set keeps insertion order, so the oldest ids are forgotten first.
  const seen = new Set<string>();

  async function handle(req: IncomingMessage): Promise<[status: number, message?: string]> {
    if (req.method !== 'POST') return [405, 'POST only'];
    const body = await readBody(req);
    if (!body) return [400, `body over ${MAX_BODY_BYTES} bytes`];
    try {
      verifyWebhook(secret, req.headers, body);
    } catch (err) {
      if (err instanceof WebhookVerificationError) return [400, `${err.code}: ${err.message}`];
      throw err;
    }
    const id = req.headers['webhook-id'] as string;
    if (seen.has(id)) return [204];
    let event: WebhookEvent;
    try {
      event = JSON.parse(body.toString('utf8')) as WebhookEvent;
    } catch {
      return [400, 'body is not JSON'];
    }
    onEvent(event);
    // Only once handled: if onEvent throws, the 500 makes ferry redeliver and the retry is not a "repeat".
    seen.add(id);
    if (seen.size > REMEMBERED_IDS) seen.delete(seen.values().next().value!);
    return [204];
  }

  return createServer((req, res) => {
    // A request listener has no one to hand a promise to; handle()'s failures are already answered with a 500.
    void handle(req)
      .catch((err: unknown): [number, string] => [500, String(err)])
      .then(([status, message]) => {
        if (message)
          console.warn(`delivery ${String(req.headers['webhook-id'] ?? '?')} refused (${status}): ${message}`);
        res.writeHead(status, message ? { 'content-type': 'text/plain' } : {}).end(message);
      });
  });
}

function main(): void {
  const secret = process.env.FERRY_WEBHOOK_SECRET;
  if (!secret) throw new Error('Set FERRY_WEBHOOK_SECRET to the tenant webhook secret (whsec_...)');
  const port = Number(process.env.PORT ?? 4000);
  createReceiver(secret).listen(port, () => console.log(`webhook receiver listening on :${port}`));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
