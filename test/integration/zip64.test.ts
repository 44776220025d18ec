import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import yauzl from 'yauzl';
import { startFileServer, type FileServer } from '../../fixtures/file-server.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { checkLocalHeader, readWithZipInputStream } from '../helpers/zip-reader.js';

// More entries than a zip without Zip64 can index (65,535).
const ENTRIES = Number(process.env.ZIP64_ENTRIES ?? 65_600);

let h: Harness;
let files: FileServer;
beforeAll(async () => {
  [h, files] = await Promise.all([
    startHarness({ limitsA: { maxFilesPerJob: ENTRIES }, env: { DOWNLOAD_CONCURRENCY: '16', API_BODY_LIMIT: '10mb' } }),
    startFileServer(),
  ]);
});
afterAll(async () => {
  await Promise.all([h?.close(), files?.close()]);
});

describe('Zip64', () => {
  it(
    `writes an archive of ${ENTRIES} entries that unzip -t, yauzl and a streaming reader accept`,
    { timeout: 540_000 },
    async () => {
      // Every URL differs by its query, so none is deduplicated; the route serves them all.
      const urls = Array.from({ length: ENTRIES }, (_, i) => `${files.origin}/z?n=${i}`);
      for (let i = 0; i < ENTRIES; i++) files.route(`/z?n=${i}`, (_req, res) => res.end(`entry ${i}\n`));
      const res = await h.request('POST', '/v1/zips', {
        body: { filename: 'many', urls, options: { compression: 'store' } },
      });
      expect(res.status, JSON.stringify(res.body).slice(0, 500)).toBe(202);
      const job = await h.waitForJob(res.body.id, { timeoutMs: 500_000 });
      expect(job.state, JSON.stringify(job.error)).toBe('completed');
      expect(job.result.entries).toHaveLength(ENTRIES);

      const zip = (await h.download(job.result.downloadUrl)).body;
      const path = join(h.tempDir, '..', `${job.id}.zip`);
      await writeFile(path, zip);
      const { stdout } = await promisify(execFile)('unzip', ['-tq', path], { maxBuffer: 64 * 1024 * 1024 });
      expect(stdout).toContain('No errors detected');

      // Independent reader: yauzl sees every entry with the bytes each URL served.
      const archive = await promisify<Buffer, yauzl.Options, yauzl.ZipFile>(yauzl.fromBuffer)(zip, {
        lazyEntries: false,
      });
      expect(archive.entryCount).toBe(ENTRIES);
      const central: yauzl.Entry[] = [];
      archive.on('entry', (e: yauzl.Entry) => central.push(e));
      await new Promise((resolve, reject) => archive.once('end', resolve).once('error', reject));
      for (const e of central) checkLocalHeader(zip.subarray(e.relativeOffsetOfLocalHeader), e);

      // A streaming reader (local headers only) sees the same entries in the same order, with the bytes served.
      const streamed = await readWithZipInputStream(path);
      expect(streamed.map((e) => e.name)).toEqual(central.map((e) => e.fileName));
      const served = new Map<string, number>(
        job.result.entries.map((e: { name: string; url: string }) => [
          e.name,
          Number(new URL(e.url).searchParams.get('n')),
        ]),
      );
      const sha = (s: string) => createHash('sha256').update(s).digest('hex');
      for (const e of streamed) expect(e.sha256, e.name).toBe(sha(`entry ${served.get(e.name)}\n`));
      const byName = new Map<string, string>(
        job.result.entries.map((e: { name: string; url: string }) => [e.name, e.url]),
      );
      expect(byName.size).toBe(ENTRIES);
      archive.close();
    },
  );
});
