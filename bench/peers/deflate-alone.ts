import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { Agent } from 'node:http';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { got } from 'got';
import { deflateFile } from '../../worker/zip/deflate-file.js';

/** The job's files on local disk, ready to be deflated again and again without downloading. */
export interface LocalFiles {
  paths: string[];
  dir: string;
  remove(): Promise<void>;
}

export async function downloadToDir(
  urls: readonly string[],
  tempDir: string,
  concurrency: number,
): Promise<LocalFiles> {
  const dir = await mkdtemp(join(tempDir, 'deflate-alone-'));
  const agent = new Agent({ keepAlive: true });
  const http = got.extend({ agent: { http: agent }, retry: { limit: 0 } });
  const paths = urls.map((_, i) => join(dir, `file-${i}`));
  try {
    let next = 0;
    const lane = async () => {
      while (next < urls.length) {
        const i = next++;
        await pipeline(http.stream(urls[i]), createWriteStream(paths[i]!));
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, urls.length) }, lane));
  } finally {
    agent.destroy();
  }
  await mkdir(join(dir, 'out'));
  return { paths, dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * ferry's own deflateFile (level 6) over every file, `parallel` at a time: 1 is what compressing in the archive
 * writer would cost (one entry after the other), more is ferry's way (entries deflated as they land on disk,
 * on the threadpool). Resolves to the compressed bytes.
 */
export async function deflateAll(files: LocalFiles, parallel: number): Promise<number> {
  let next = 0;
  let bytes = 0;
  const lane = async () => {
    while (next < files.paths.length) {
      const i = next++;
      const n = await deflateFile(files.paths[i]!, join(files.dir, 'out', String(i)), 6);
      bytes += n;
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, files.paths.length) }, lane));
  return bytes;
}
