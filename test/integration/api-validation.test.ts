import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEY_A, KEY_B, startHarness, type Harness } from '../helpers/harness.js';

let h: Harness;
beforeAll(async () => {
  // No worker: these tests only need the API, and queued jobs stay queued.
  h = await startHarness({ workers: false, limitsA: { maxFilesPerJob: 3 } });
});
afterAll(async () => {
  await h?.close();
});

const ok = 'https://example.com/a.jpg';

async function expect400(body: unknown, field: string, raw?: string) {
  const res = await h.request('POST', '/v1/zips', raw === undefined ? { body } : { raw });
  expect(res.status, JSON.stringify(res.body)).toBe(400);
  expect(res.body.error.code).toMatch(/^invalid_/);
  expect(typeof res.body.error.message).toBe('string');
  if (field !== '') expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
  return res.body.error;
}

describe('POST /v1/zips validation', () => {
  it('rejects a body that is not JSON', async () => {
    const res = await h.request('POST', '/v1/zips', { raw: '{"filename": "x", ' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_json');
  });

  it('rejects a body that is not an object', async () => {
    await expect400(undefined, '', '[1,2]');
    await expect400(undefined, '', '"just a string"');
    const empty = await h.request('POST', '/v1/zips', { raw: '' });
    expect(empty.status).toBe(400);
  });

  it.each([
    ['missing urls and files', { filename: 'x' }, 'urls'],
    ['both urls and files', { filename: 'x', urls: [ok], files: [{ url: ok }] }, 'files'],
    ['urls not an array', { filename: 'x', urls: ok }, 'urls'],
    ['urls empty', { filename: 'x', urls: [] }, 'urls'],
    ['files empty', { filename: 'x', files: [] }, 'files'],
    ['more urls than the tenant allows', { filename: 'x', urls: [ok, ok, ok, ok] }, 'urls'],
    ['url that does not parse', { filename: 'x', urls: [ok, 'not a url'] }, 'urls[1]'],
    ['url that is not http(s)', { filename: 'x', urls: ['ftp://example.com/a'] }, 'urls[0]'],
    ['file: url', { filename: 'x', urls: ['file:///etc/passwd'] }, 'urls[0]'],
    ['url with credentials', { filename: 'x', urls: ['https://user:pw@example.com/a'] }, 'urls[0]'],
    ['url longer than 2048', { filename: 'x', urls: [`https://example.com/${'a'.repeat(2040)}`] }, 'urls[0]'],
    ['url not a string', { filename: 'x', urls: [42] }, 'urls[0]'],
    ['files[].url bad', { filename: 'x', files: [{ url: 'nope' }] }, 'files[0].url'],
    ['filename missing', { urls: [ok] }, 'filename'],
    ['filename empty', { filename: '', urls: [ok] }, 'filename'],
    ['filename too long', { filename: 'f'.repeat(201), urls: [ok] }, 'filename'],
    ['filename with control characters', { filename: 'a\u0007b', urls: [ok] }, 'filename'],
    ['filename with a slash', { filename: 'a/b', urls: [ok] }, 'filename'],
    ['name empty', { filename: 'x', files: [{ url: ok, name: '' }] }, 'files[0].name'],
    ['name too long', { filename: 'x', files: [{ url: ok, name: 'n'.repeat(1025) }] }, 'files[0].name'],
    ['name with control characters', { filename: 'x', files: [{ url: ok, name: 'a\nb' }] }, 'files[0].name'],
    ['unknown top-level field', { filename: 'x', urls: [ok], colour: 'blue' }, 'colour'],
    ['unknown field in files[]', { filename: 'x', files: [{ url: ok, size: 3 }] }, 'files[0].size'],
    ['unknown option', { filename: 'x', urls: [ok], options: { turbo: true } }, 'options.turbo'],
    ['bad compression', { filename: 'x', urls: [ok], options: { compression: 'zstd' } }, 'options.compression'],
    ['bad onError', { filename: 'x', urls: [ok], options: { onError: 'ignore' } }, 'options.onError'],
    ['expiresIn too long', { filename: 'x', urls: [ok], options: { expiresIn: 8 * 86400 } }, 'options.expiresIn'],
    ['expiresIn not an integer', { filename: 'x', urls: [ok], options: { expiresIn: 1.5 } }, 'options.expiresIn'],
    ['webhook url not a URL', { filename: 'x', urls: [ok], webhook: { url: 'nope' } }, 'webhook.url'],
    // Strings that are not well-formed Unicode (a lone surrogate) would turn into U+FFFD or fail later.
    ['filename with a lone surrogate', { filename: '\ud800', urls: [ok] }, 'filename'],
    ['name with a lone surrogate', { filename: 'x', files: [{ url: ok, name: 'a\udc00b' }] }, 'files[0].name'],
    ['url with a lone surrogate', { filename: 'x', urls: [`${ok}?q=\ud83d`] }, 'urls[0]'],
    [
      'webhook url with a lone surrogate',
      { filename: 'x', urls: [ok], webhook: { url: `${ok}\udfff` } },
      'webhook.url',
    ],
    ['unknown field named with a lone surrogate', { filename: 'x', urls: [ok], '\ud800': 1 }, '\ud800'],
  ])('rejects %s with 400 naming the field', async (_label, body, field) => {
    await expect400(body, field);
  });

  it('names every bad field at once', async () => {
    const error = await expect400({ filename: '', urls: ['nope', ok, 'ftp://x'] }, 'filename');
    const fields = error.details.map((d: { field: string }) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['filename', 'urls[0]', 'urls[2]']));
  });

  it('accepts a webhook, keeps it in the job and shows it pending in the job document', async () => {
    const webhook = { url: 'https://example.com/hook' };
    for (const [path, body] of [
      ['/v1/zips', { filename: 'x', urls: [ok], webhook }],
      ['/v1/ingests', { urls: [ok], webhook }],
    ] as const) {
      const res = await h.request('POST', path, { body });
      expect(res.status, JSON.stringify(res.body)).toBe(202);
      const job = await h.queues[res.body.type as 'zip' | 'ingest'].getJob(res.body.id);
      expect(job?.data.webhook).toEqual(webhook);
      const doc = await h.request('GET', res.body.statusUrl);
      expect(doc.body.webhook).toEqual({ url: webhook.url, state: 'pending', attempts: 0 });
    }
    const plain = await h.request('POST', '/v1/zips', { body: { filename: 'x', urls: [ok] } });
    expect((await h.request('GET', plain.body.statusUrl)).body.webhook).toBeUndefined();
  });

  it('refuses a webhook for a tenant without a webhookSecret, naming webhook', async () => {
    for (const [path, body] of [
      ['/v1/zips', { filename: 'x', urls: [ok], webhook: { url: 'https://example.com/hook' } }],
      ['/v1/ingests', { urls: [ok], webhook: { url: 'https://example.com/hook' } }],
    ] as const) {
      const res = await h.request('POST', path, { body, key: KEY_B });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('webhook_not_configured');
      expect(res.body.error.details.map((d: { field: string }) => d.field)).toEqual(['webhook']);
    }
  });

  it('answers 413 for a body over the limit', async () => {
    const urls = Array.from({ length: 3000 }, (_, i) => `https://example.com/${'x'.repeat(2000)}/${i}`);
    const res = await h.request('POST', '/v1/zips', { body: { filename: 'x', urls } });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('payload_too_large');
  });

  it('refuses an ingest URL that is not well-formed Unicode, and accepts a well-formed astral character', async () => {
    const res = await h.request('POST', '/v1/ingests', { body: { urls: [ok, `${ok}#\ud800`] } });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([{ field: 'urls[1]', message: 'must be well-formed Unicode' }]);
    const fine = await h.request('POST', '/v1/zips', { body: { filename: 'b\u{1f600}', urls: [ok] } });
    expect(fine.status).toBe(202);
  });

  it('accepts JSON sent without a Content-Type (curl -d) and a valid body of each shape', async () => {
    const a = await h.request('POST', '/v1/zips', { raw: JSON.stringify({ filename: 'x', urls: [ok] }) });
    expect(a.status).toBe(202);
    const b = await h.request('POST', '/v1/zips', {
      body: {
        filename: 'x.zip',
        files: [{ url: ok, name: 'a.jpg' }],
        options: { compression: 'store', onError: 'skip', expiresIn: 3600, manifest: true },
      },
      headers: { 'content-type': 'application/json' },
    });
    expect(b.status).toBe(202);
    const job = await h.queues.zip.getJob(b.body.id);
    expect(job!.data).toMatchObject({
      filename: 'x.zip',
      expiresIn: 3600,
      options: { compression: 'store', onError: 'skip', manifest: true },
    });
  });
});

describe('authentication and tenant separation', () => {
  it('answers 401 without a key, with a wrong key, or with a malformed header', async () => {
    const headerSets: Record<string, string>[] = [
      {},
      { authorization: 'Bearer nope' },
      { authorization: `Basic ${KEY_A}` },
      { authorization: 'Bearer' },
    ];
    for (const headers of headerSets) {
      const res = await h.request('POST', '/v1/zips', { key: null, headers, body: { filename: 'x', urls: [ok] } });
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('unauthorized');
    }
    const get = await h.request('GET', '/v1/jobs/zip_tenant-a_AAAAAAAAAAAAAAAAAAAAAA', { key: null });
    expect(get.status).toBe(401);
  });

  it("never shows one tenant another's job (404, same as an unknown id)", async () => {
    const created = await h.request('POST', '/v1/zips', { body: { filename: 'mine', urls: [ok] } });
    expect(created.status).toBe(202);
    const own = await h.request('GET', `/v1/jobs/${created.body.id}`);
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ id: created.body.id, type: 'zip', state: 'queued', attempts: 0 });
    const other = await h.request('GET', `/v1/jobs/${created.body.id}`, { key: KEY_B });
    expect(other.status).toBe(404);
    expect(other.body.error.code).toBe('not_found');
    // Rewriting the tenant part of the id does not help either.
    const forged = created.body.id.replace('tenant-a', 'tenant-b');
    expect((await h.request('GET', `/v1/jobs/${forged}`, { key: KEY_B })).status).toBe(404);
    expect((await h.request('GET', '/v1/jobs/zip_tenant-a_doesnotexistdoesnotexi', {})).status).toBe(404);
    expect((await h.request('GET', '/v1/jobs/garbage', {})).status).toBe(404);
  });

  it('answers unknown routes with the same error shape', async () => {
    const res = await h.request('GET', '/v1/nothing-here');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });
});

describe('health', () => {
  it('reports liveness and readiness of Redis, S3 and DynamoDB', async () => {
    expect((await h.request('GET', '/healthz', { key: null })).body).toEqual({ status: 'ok' });
    const ready = await h.request('GET', '/readyz', { key: null });
    expect(ready.status).toBe(200);
    expect(ready.body.checks).toEqual({ redis: { ok: true }, s3: { ok: true }, dynamodb: { ok: true } });
  });
});

describe('webhook URLs with private networks refused', () => {
  let strict: Harness;
  beforeAll(async () => {
    strict = await startHarness({ workers: false, env: { ALLOW_PRIVATE_NETWORKS: 'false' } });
  });
  afterAll(async () => {
    await strict?.close();
  });

  it('accepts https only, naming webhook.url', async () => {
    const http = await strict.request('POST', '/v1/ingests', {
      body: { urls: [ok], webhook: { url: 'http://example.com/hook' } },
    });
    expect(http.status).toBe(400);
    expect(http.body.error.code).toBe('invalid_request');
    expect(http.body.error.details.map((d: { field: string }) => d.field)).toEqual(['webhook.url']);
    const https = await strict.request('POST', '/v1/zips', {
      body: { filename: 'x', urls: [ok], webhook: { url: 'https://example.com/hook' } },
    });
    expect(https.status).toBe(202);
  });
});
