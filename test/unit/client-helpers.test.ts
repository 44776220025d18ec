import { describe, expect, it } from 'vitest';
import { retryDelayMs, sleep } from '../../client/retry-after.js';
import { readSse } from '../../client/sse.js';

function streamOf(...chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const c of chunks) controller.enqueue(encoder.encode(c));
      controller.close();
    },
  });
}

describe('retryDelayMs', () => {
  it('honours Retry-After in seconds or as an HTTP date, bounded by the maximum', () => {
    expect(retryDelayMs('2', 0, 30_000)).toBe(2000);
    expect(retryDelayMs('120', 0, 30_000)).toBe(30_000);
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryDelayMs('Thu, 01 Jan 2026 00:00:05 GMT', 0, 30_000, now)).toBe(5000);
    expect(retryDelayMs('Wed, 31 Dec 2025 00:00:00 GMT', 0, 30_000, now)).toBe(0);
  });

  it('falls back to an exponential delay without a usable header', () => {
    expect(retryDelayMs(null, 0, 30_000)).toBe(500);
    expect(retryDelayMs('soon', 2, 30_000)).toBe(2000);
    expect(retryDelayMs(null, 10, 30_000)).toBe(30_000);
  });

  it('sleep rejects with the reason of an aborted signal', async () => {
    const controller = new AbortController();
    const waiting = sleep(60_000, controller.signal);
    controller.abort(new Error('gone'));
    await expect(waiting).rejects.toThrow('gone');
  });
});

describe('readSse', () => {
  it('yields events split across chunks, joins data lines, skips comments and CRLF', async () => {
    const events = [];
    for await (const e of readSse(
      streamOf('event: state\ndata: {"state":"act', 'ive"}\n\n: keep-alive\n\n', 'data: a\r\ndata: b\r\n\r\n'),
    )) {
      events.push(e);
    }
    expect(events).toEqual([
      { event: 'state', data: '{"state":"active"}' },
      { event: 'message', data: 'a\nb' },
    ]);
  });
});
