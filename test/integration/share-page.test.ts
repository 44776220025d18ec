import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../api/jobs/idempotency-store.js';
import { startFileServer, type FileServer } from '../../fixtures/file-server.js';
import { ShareStore } from '../../shared/share/share-store.js';
import { KEY_B, startHarness, type Harness } from '../helpers/harness.js';

let h: Harness;
let files: FileServer;
let shares: ShareStore;

beforeAll(async () => {
  [h, files] = await Promise.all([startHarness(), startFileServer()]);
  shares = new ShareStore(h.clients.redis, h.config.QUEUE_PREFIX);
  files.file('/p/report.pdf', Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(150_000, 7)]), 'application/pdf');
  files.file('/p/notes.txt', 'note\n'.repeat(200), 'text/plain');
});
afterAll(async () => {
  await Promise.all([h?.close(), files?.close()]);
});

interface Page {
  status: number;
  body: string;
  headers: Headers;
}

/** A request as a browser makes it, redirects not followed. */
async function get(path: string, init: RequestInit = {}): Promise<Page> {
  const res = await fetch(new URL(path, h.baseUrl), { redirect: 'manual', ...init });
  return { status: res.status, body: await res.text(), headers: res.headers };
}

const postPassword = (path: string, password: string) =>
  get(path, { method: 'POST', body: new URLSearchParams({ password }) });

async function sharedZip(share: object = {}) {
  const created = await h.request('POST', '/v1/zips', {
    body: {
      filename: 'Q3 <report>',
      files: [
        { url: files.url('/p/report.pdf'), name: 'docs/report & summary.pdf' },
        { url: files.url('/p/notes.txt'), name: 'notes.txt' },
      ],
      share,
    },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(202);
  const job = await h.waitForJob(created.body.id);
  expect(job.state, JSON.stringify(job.error)).toBe('completed');
  return {
    job,
    path: new URL(job.result.shareUrl as string).pathname,
    token: String(job.result.shareUrl).split('/s/')[1]!,
  };
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('the share page', () => {
  it('shows name, sender, every file with its size, total and expiry; Download redirects to the archive', async () => {
    const { job, path } = await sharedZip();
    expect(job.result.shareUrl).toBe(`${h.baseUrl}${path}`);
    const page = await get(path);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(page.body).not.toContain('<script');
    // Names are escaped: the markup cannot be changed by a file name.
    expect(page.body).toContain('<h1>Q3 &lt;report&gt;.zip</h1>');
    expect(page.body).toContain('Studio Ämma &amp; &lt;Co&gt;');
    expect(page.body).toContain('docs/report &amp; summary.pdf');
    expect(page.body).toContain('150 kB');
    expect(page.body).toContain('notes.txt');
    expect(page.body).toContain('1 kB');
    expect(page.body).toContain('2 files');
    expect(page.body).toContain(`datetime="${job.result.expiresAt}"`);

    const redirect = await get(`${path}/download`);
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('cache-control')).toBe('no-store');
    const location = new URL(redirect.headers.get('location')!);
    expect(location.origin).toBe(h.stack.s3Endpoint);
    expect(Number(location.searchParams.get('X-Amz-Expires'))).toBeLessThanOrEqual(300);
    expect(location.searchParams.get('response-content-disposition')).toMatch(/^attachment;/);
    const viaPage = await h.download(location.toString());
    const viaApi = await h.download(job.result.downloadUrl as string);
    expect(viaPage.status).toBe(200);
    expect(viaPage.body.length).toBe(job.result.size);
    expect(sha256(viaPage.body)).toBe(sha256(viaApi.body));
  });

  it('answers 404 for a token nobody has, or one that is not a token', async () => {
    for (const path of [`/s/${'x'.repeat(32)}`, '/s/short', `/s/${'x'.repeat(32)}/download`]) {
      const page = await get(path);
      expect(page.status, path).toBe(404);
      expect(page.body).toContain('No files here');
    }
  });

  it('asks for the password first: wrong -> 401, right -> a cookie that opens page and download', async () => {
    const { path } = await sharedZip({ password: 'correct horse battery' });
    const form = await get(path);
    expect(form.status).toBe(200);
    expect(form.body).toContain('type="password"');
    // Nothing about the files before the password (not 'Q3' alone: the token in the form's action may hold it).
    expect(form.body).not.toContain('notes.txt');
    expect(form.body).not.toContain('Q3 &lt;report');
    const blocked = await get(`${path}/download`);
    expect(blocked.status).toBe(303);
    expect(blocked.headers.get('location')).toBe(path);

    const wrong = await postPassword(path, 'wrong horse battery');
    expect(wrong.status).toBe(401);
    expect(wrong.body).toContain('That password is not right');
    expect(wrong.headers.get('set-cookie')).toBeNull();

    const right = await postPassword(path, 'correct horse battery');
    expect(right.status).toBe(303);
    expect(right.headers.get('location')).toBe(path);
    const [setCookie] = right.headers.getSetCookie();
    expect(setCookie).toMatch(new RegExp(`Path=${path}; .*HttpOnly; SameSite=Lax`));
    expect(setCookie).toMatch(/Max-Age=3600/);
    const cookie = setCookie!.split(';')[0]!;
    const opened = await get(path, { headers: { cookie } });
    expect(opened.status).toBe(200);
    expect(opened.body).toContain('notes.txt');
    expect((await get(`${path}/download`, { headers: { cookie } })).status).toBe(302);
    // A forged or altered cookie opens nothing.
    const forged = cookie.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    expect((await get(path, { headers: { cookie: forged } })).body).toContain('type="password"');
  });

  it('limits password attempts per share: the 11th in 15 minutes gets 429 with Retry-After', async () => {
    const { path } = await sharedZip({ password: 'correct horse battery' });
    for (let i = 0; i < 10; i++) expect((await postPassword(path, `guess number ${i}`)).status).toBe(401);
    const limited = await postPassword(path, 'correct horse battery');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.body).toContain('Too many attempts');
  });

  it('allows maxDownloads downloads; the 4th of 3 gets a 410 page, and so does the page itself', async () => {
    const { path } = await sharedZip({ maxDownloads: 3 });
    expect((await get(path)).body).toContain('3 downloads left');
    for (let i = 0; i < 3; i++) expect((await get(`${path}/download`)).status).toBe(302);
    const fourth = await get(`${path}/download`);
    expect(fourth.status).toBe(410);
    expect(fourth.body).toContain('No downloads left');
    const page = await get(path);
    expect(page.status).toBe(410);
    expect(page.body).toContain('No downloads left');
  });

  it('DELETE /v1/jobs/:id/archive: another tenant gets 404; the owner 204, the object goes, the page says withdrawn', async () => {
    const { job, path } = await sharedZip();
    const other = await h.request('DELETE', `/v1/jobs/${job.id}/archive`, { key: KEY_B });
    expect(other.status).toBe(404);
    expect((await get(path)).status).toBe(200);
    const deleted = await h.request('DELETE', `/v1/jobs/${job.id}/archive`);
    expect(deleted.status).toBe(204);
    expect(await h.clients.store.head(job.result.key as string)).toBeUndefined();
    for (const p of [path, `${path}/download`]) {
      const page = await get(p);
      expect(page.status, p).toBe(410);
      expect(page.body).toContain('These files were withdrawn');
    }
    expect((await h.request('DELETE', `/v1/jobs/${job.id}/archive`)).status).toBe(204);
    // The job tells the truth too: when, and no link to an object that is gone.
    const doc = await h.request('GET', `/v1/jobs/${job.id}`);
    expect(doc.body.result.withdrawnAt).toEqual(expect.any(String));
    expect(doc.body.result.downloadUrl).toBeUndefined();
    expect(doc.body.result.shareUrl).toBe(job.result.shareUrl);
  });

  it('says the files expired once the archive’s expiry has passed (410)', async () => {
    const { path, token } = await sharedZip();
    // The share as it stands after its expiry: the same record, expiresAt in the past.
    const key = shares.recordKey(token);
    const record = JSON.parse((await h.clients.redis.get(key))!) as { expiresAt: string };
    record.expiresAt = new Date(Date.now() - 1000).toISOString();
    await h.clients.redis.set(key, JSON.stringify(record), 'KEEPTTL');
    for (const p of [path, `${path}/download`]) {
      const page = await get(p);
      expect(page.status, p).toBe(410);
      expect(page.body).toContain('These files have expired');
    }
  });

  it('keeps the share in Redis under the queue prefix, by the token’s hash, with the password hashed', async () => {
    const { job, token } = await sharedZip({ password: 'correct horse battery' });
    const keys = await h.clients.redis.keys(`${h.config.QUEUE_PREFIX}:share:*`);
    const raw = await h.clients.redis.get(shares.recordKey(token));
    expect(keys).toContain(shares.recordKey(token));
    expect(keys.some((k) => k.includes(token))).toBe(false);
    expect(raw).not.toContain('correct horse');
    expect(JSON.parse(raw!)).toMatchObject({
      tenant: 'tenant-a',
      jobId: job.id,
      passwordHash: expect.stringMatching(/^scrypt\$/),
    });
    // Nor is the password in the job's payload (Bull Board shows it).
    expect(JSON.stringify((await h.queues.zip.getJob(job.id))!.data)).not.toContain('correct horse');
  });

  it('leaves the password out of what Idempotency-Key keeps (a fast hash would give it away)', async () => {
    const body = { filename: 'idem', urls: [files.url('/p/notes.txt')], share: { password: 'correct horse battery' } };
    const headers = { 'idempotency-key': 'share-idem-1' };
    const first = await h.request('POST', '/v1/zips', { body, headers });
    expect(first.status).toBe(202);
    const [key] = await h.clients.redis.keys(`${h.config.QUEUE_PREFIX}:idempotency:tenant-a:*`);
    const stored = (await h.clients.redis.get(key!))!.split(' ')[0];
    expect(stored).not.toBe(sha256(Buffer.from(canonicalJson(body))));
    // The same request again is a replay; so is one with another password (the first job's password stands).
    for (const password of ['correct horse battery', 'another password']) {
      const again = await h.request('POST', '/v1/zips', { body: { ...body, share: { password } }, headers });
      expect(again.status).toBe(200);
      expect(again.body.id).toBe(first.body.id);
    }
    expect((await h.waitForJob(first.body.id)).state).toBe('completed');
  });
});
