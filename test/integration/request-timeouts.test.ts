import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../shared/config.js';
import { API_ONLY_KEY, startApiOnly, type ApiOnly } from '../helpers/api-only.js';

let api: ApiOnly;
beforeAll(async () => {
  api = await startApiOnly({ API_REQUEST_TIMEOUT_MS: '600', API_HEADERS_TIMEOUT_MS: '400' });
});
afterAll(async () => {
  await api?.close();
});

/**
 * A client that sends `head` at once and then `drip`, one byte every `everyMs`, until the server closes the
 * connection: how much of `drip` it sent by then and what it got.
 */
function slowClient(head: string, drip: string, everyMs: number) {
  const { port } = new URL(api.url);
  const socket = connect(Number(port), '127.0.0.1');
  let sent = 0;
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
  socket.on('error', () => undefined);
  if (head) socket.write(head);
  const timer = setInterval(() => {
    if (sent < drip.length && socket.writable) socket.write(drip.slice(sent, ++sent));
  }, everyMs);
  return new Promise<{ sent: number; received: string }>((resolve) =>
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ sent, received });
    }),
  );
}

describe('request timeouts', () => {
  it('cuts off a client that sends its body slower than API_REQUEST_TIMEOUT_MS (408)', async () => {
    const body = JSON.stringify({ filename: 'x', urls: ['https://example.com/a.jpg'] });
    const head =
      `POST /v1/zips HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${API_ONLY_KEY}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`;
    // The head at once, then a byte of the body every 50 ms: the body would take about 3 s.
    const { sent, received } = await slowClient(head, body, 50);
    expect(sent).toBeLessThan(body.length);
    expect(received).toMatch(/^HTTP\/1\.1 408 /);
    expect(await api.queues.zip.count()).toBe(0);
  });

  it('cuts off a client that sends its headers slower than API_HEADERS_TIMEOUT_MS', async () => {
    const head = `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ${'a'.repeat(60)}\r\n\r\n`;
    const { sent, received } = await slowClient('', head, 25);
    expect(sent).toBeLessThan(head.length);
    expect(received).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('refuses a config whose headers may take longer than the whole request', () => {
    expect(() => loadConfig({ API_HEADERS_TIMEOUT_MS: '2000', API_REQUEST_TIMEOUT_MS: '1000' })).toThrow(
      /API_HEADERS_TIMEOUT_MS: must not exceed API_REQUEST_TIMEOUT_MS/,
    );
  });
});
