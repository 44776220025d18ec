import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../../fixtures/until.js';
import { createLogger } from '../../shared/logger.js';
import type { UploadedPart } from '../../worker/upload/multipart-writer.js';
import { ZipCheckpointer } from '../../worker/zip/zip-checkpointer.js';
import { CheckpointLost, ZipCheckpoints, type CheckpointEntry } from '../../worker/zip/zip-checkpoints.js';

const PART = 8 * 1024 * 1024;
let redis: Redis;
let checkpoints: ZipCheckpoints;

beforeAll(() => {
  redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  checkpoints = new ZipCheckpoints(redis, `test-${randomUUID()}`, 60);
});
afterAll(async () => {
  await redis.quit();
});

function entry(index: number, offset: number): CheckpointEntry {
  return {
    index,
    name: `${index}.bin`,
    method: 0,
    crc32: index,
    size: PART / 2,
    compressedSize: PART / 2,
    date: 0,
    offset,
    url: `http://files/${index}`,
    sha256: 'ab'.repeat(32),
    contentType: 'application/octet-stream',
  };
}

const step = (after: { parts: number; entries: number }, parts: UploadedPart[], entries: CheckpointEntry[]) => ({
  uploadId: 'u1',
  key: 'k',
  partSize: PART,
  zlib: '1',
  after,
  parts,
  entries,
});

describe('zip checkpoints (Redis)', () => {
  it('a run whose job another run claimed has its next step refused, and what it stored stays', async () => {
    const jobId = randomUUID();
    await checkpoints.claim(jobId, 'run-a', true);
    await checkpoints.append(
      jobId,
      'run-a',
      step({ parts: 0, entries: 0 }, [{ partNumber: 1, etag: 'e1' }], [entry(0, 0)]),
    );
    await checkpoints.claim(jobId, 'run-b', false);
    await expect(
      checkpoints.append(jobId, 'run-a', step({ parts: 1, entries: 1 }, [{ partNumber: 2, etag: 'e2' }], [])),
    ).rejects.toBeInstanceOf(CheckpointLost);
    const cp = await checkpoints.load(jobId);
    expect(cp?.parts).toEqual([{ partNumber: 1, etag: 'e1' }]);
    expect(cp?.entries.map((e) => e.index)).toEqual([0]);
    // A step that does not extend what is stored (a gap) is refused too.
    await expect(checkpoints.append(jobId, 'run-b', step({ parts: 0, entries: 0 }, [], []))).rejects.toBeInstanceOf(
      CheckpointLost,
    );
    // A fresh claim forgets it all.
    await checkpoints.claim(jobId, 'run-c', true);
    expect(await checkpoints.load(jobId)).toBeUndefined();
  });

  it('the checkpointer stores the parts from 1 and only the entries that start in them, without gaps', async () => {
    const jobId = randomUUID();
    await checkpoints.claim(jobId, 'run', true);
    const lost: unknown[] = [];
    const cpr = new ZipCheckpointer({
      checkpoints,
      jobId,
      owner: 'run',
      key: 'k',
      partSize: PART,
      zlib: '1',
      saved: { parts: 0, entries: 0 },
      onLost: (err) => lost.push(err),
      logger: createLogger('silent'),
    });
    const parts: UploadedPart[] = [];
    // Entries at 0, 4 MiB, 8 MiB, 12 MiB, 16 MiB...: two per part.
    for (let i = 0; i < 6; i++) cpr.entryStarting(entry(i, (i * PART) / 2));
    parts.push({ partNumber: 1, etag: 'e1' });
    cpr.onDurable({ uploadId: 'u1', count: 1, parts, bytes: PART });
    parts.push({ partNumber: 2, etag: 'e2' });
    cpr.onDurable({ uploadId: 'u1', count: 2, parts, bytes: 2 * PART });
    await until(async () => (await checkpoints.load(jobId))?.parts.length === 2, 'both parts to be stored');
    await cpr.close();
    const cp = (await checkpoints.load(jobId))!;
    expect(cp.parts.map((p) => p.etag)).toEqual(['e1', 'e2']);
    // Entries 0-3 start before 16 MiB; 4 starts at 16 MiB exactly: in part 3, not stored.
    expect(cp.entries.map((e) => e.index)).toEqual([0, 1, 2, 3]);
    expect(lost).toEqual([]);
    // After close(), nothing more is stored.
    parts.push({ partNumber: 3, etag: 'e3' });
    cpr.onDurable({ uploadId: 'u1', count: 3, parts, bytes: 3 * PART });
    expect((await checkpoints.load(jobId))!.parts).toHaveLength(2);
  });
});
