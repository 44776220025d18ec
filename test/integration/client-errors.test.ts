import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../../fixtures/until.js';
import { API_ONLY_KEY, startApiOnly, type ApiOnly, type LogLine } from '../helpers/api-only.js';

let api: ApiOnly;
beforeAll(async () => {
  api = await startApiOnly();
});
afterAll(async () => {
  await api?.close();
});

const auth = { authorization: `Bearer ${API_ONLY_KEY}` };
const ERROR = 50;

/** The error handler's line about the request to `url`, once it is logged. */
async function handled(url: string): Promise<LogLine> {
  const find = () => api.logs.find((l) => l.url === url && ['request failed', 'request refused'].includes(l.msg ?? ''));
  await until(find, `the error handler's line about ${url}`);
  return find() as LogLine;
}
const errorsAbout = (url: string): LogLine[] =>
  api.logs.filter((l) => l.level >= ERROR && (l.url === url || (l.req as { url?: string })?.url === url));

describe('client mistakes are 4xx, logged below error', () => {
  it('a body that says gzip but is not -> 400', async () => {
    const res = await fetch(`${api.url}/v1/zips?gzip`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: 'this is not gzip at all',
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid_request');
    expect((await handled('/v1/zips?gzip')).level).toBeLessThan(ERROR);
    expect(errorsAbout('/v1/zips?gzip')).toEqual([]);
  });

  it('a malformed % escape in the path -> 400', async () => {
    const path = '/v1/jobs/%E0%A4%A';
    const res = await fetch(`${api.url}${path}`, { headers: auth });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid_request');
    expect((await handled(path)).level).toBeLessThan(ERROR);
    expect(errorsAbout(path)).toEqual([]);
  });

  it('an upload the client abandons halfway -> 400', async () => {
    const path = '/v1/zips?abandoned';
    const req = httpRequest(`${api.url}${path}`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json', 'content-length': '1000' },
    });
    req.on('error', () => undefined);
    const arrived = new Promise<void>((resolve) =>
      // express has already rewritten `url` below its mount point by then: `originalUrl` is the one sent.
      api.http.server.on('request', (incoming: { originalUrl?: string }) => incoming.originalUrl === path && resolve()),
    );
    req.write('{"filename": "x", "urls": [');
    await arrived;
    req.destroy();
    const line = await handled(path);
    expect(line.level).toBeLessThan(ERROR);
    expect(line.status).toBe(400);
    expect(errorsAbout(path)).toEqual([]);
  });
});
