import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFileServer, type FileServer } from '../../fixtures/file-server.js';
import { LOCAL_CREDENTIALS } from '../../local/stack.js';
import { buildJobDocument } from '../../shared/jobs/job-document.js';
import { createClients, type Clients } from '../../shared/runtime.js';
import { startHarness, type Harness } from '../helpers/harness.js';

let h: Harness;
let files: FileServer;
let temporary: Clients;
const CREDENTIALS_LEFT_S = 300;
let credentialsExpire: Date;

beforeAll(async () => {
  [h, files] = await Promise.all([startHarness(), startFileServer()]);
  // What an instance role or SSO hands out: the same keys, good for a few minutes only.
  credentialsExpire = new Date(Date.now() + CREDENTIALS_LEFT_S * 1000);
  temporary = createClients(h.config, 'test-temporary-credentials', {
    credentials: { ...LOCAL_CREDENTIALS, expiration: credentialsExpire },
  });
});
afterAll(async () => {
  await Promise.all([h?.close(), files?.close(), temporary?.close()]);
});

const expiresParam = (url: string) => Number(new URL(url).searchParams.get('X-Amz-Expires'));

describe('the download link never outlives the credentials that sign it', () => {
  it('caps X-Amz-Expires at the credentials’ expiration and says so in the job document', async () => {
    files.file('/e/a.txt', 'expiring\n', 'text/plain');
    const created = await h.request('POST', '/v1/zips', {
      body: { filename: 'e', urls: [files.url('/e/a.txt')], options: { expiresIn: 3600 } },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(202);
    const job = await h.waitForJob(created.body.id);
    expect(job.state).toBe('completed');

    // Long-lived credentials (the harness's): the link lasts as long as the archive, nothing more to say.
    expect(expiresParam(job.result.downloadUrl)).toBeGreaterThan(3500);
    expect(job.result.downloadUrlExpiresAt).toBeUndefined();

    // The same job as a process on temporary credentials shows it (GET /v1/jobs/:id and webhooks build this).
    const bull = (await h.queues.zip.getJob(job.id))!;
    const doc = await buildJobDocument(bull, 'completed', 'zip', temporary.store);
    const result = doc.result as { downloadUrl: string; downloadUrlExpiresAt?: string; expiresAt: string };
    const expires = expiresParam(result.downloadUrl);
    expect(expires).toBeGreaterThan(CREDENTIALS_LEFT_S - 30);
    expect(expires).toBeLessThanOrEqual(CREDENTIALS_LEFT_S);
    expect(result.expiresAt).toBe(job.result.expiresAt);
    expect(result.downloadUrlExpiresAt).toBeDefined();
    const linkEnds = Date.parse(result.downloadUrlExpiresAt!);
    expect(linkEnds).toBeLessThanOrEqual(credentialsExpire.getTime());
    expect(linkEnds).toBeLessThan(Date.parse(result.expiresAt));
    // What the document states is what the URL says: its signing time plus X-Amz-Expires.
    const amzDate = new URL(result.downloadUrl).searchParams.get('X-Amz-Date')!;
    const signedAt = Date.parse(
      amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'),
    );
    expect(linkEnds).toBe(signedAt + expires * 1000);

    const download = await h.download(result.downloadUrl);
    expect(download.status).toBe(200);
    expect(download.body.length).toBe(job.result.size);
  });
});
