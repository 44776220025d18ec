import express from 'express';
import { describe, expect, it } from 'vitest';
import { listen } from '../../api/http-server.js';

describe('listen', () => {
  it('resolves with the bound URL, and rejects when the port is taken instead of hanging', async () => {
    const first = await listen(express(), 0, '127.0.0.1');
    try {
      expect(first.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const port = Number(new URL(first.url).port);
      await expect(listen(express(), port, '127.0.0.1')).rejects.toThrow(/EADDRINUSE/);
    } finally {
      await first.close();
    }
  });
});
