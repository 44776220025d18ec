import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReceiver, type WebhookEvent } from '../../examples/webhook-receiver.js';
import { webhookHeaders } from '../../shared/webhooks.js';

const secret = `whsec_${randomBytes(24).toString('base64')}`;
const events: WebhookEvent[] = [];
let server: Server;
let url: string;

beforeAll(async () => {
  server = createReceiver(secret, (event) => events.push(event));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

function delivery(id: string, jobId: string) {
  const body = JSON.stringify({ type: 'job.completed', timestamp: new Date().toISOString(), data: { id: jobId } });
  const headers = webhookHeaders(secret, id, Math.floor(Date.now() / 1000), body);
  return { body, headers: { ...headers, 'content-type': 'application/json' } };
}

const post = (body: string, headers: Record<string, string>) => fetch(url, { method: 'POST', body, headers });

describe('examples/webhook-receiver', () => {
  it('accepts a signed delivery once and answers its redelivery with 204 without handling it again', async () => {
    const { body, headers } = delivery('msg_a', 'acme_1');
    expect((await post(body, headers)).status).toBe(204);
    expect((await post(body, headers)).status).toBe(204);
    expect(events.filter((e) => e.data.id === 'acme_1')).toHaveLength(1);
    expect(events.find((e) => e.data.id === 'acme_1')?.type).toBe('job.completed');
  });

  it('refuses a tampered body, a missing signature and a malformed secret', async () => {
    const { body, headers } = delivery('msg_b', 'acme_2');
    const tampered = await post(body.replace('acme_2', 'acme_3'), headers);
    expect(tampered.status).toBe(400);
    expect(await tampered.text()).toMatch(/^invalid_signature/);
    const { 'webhook-signature': _dropped, ...unsigned } = headers;
    expect((await post(body, unsigned)).status).toBe(400);
    expect(events.some((e) => e.data.id !== 'acme_1')).toBe(false);
    expect(() => createReceiver('not-a-secret')).toThrow(/whsec_/);
  });
});
