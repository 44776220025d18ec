import { z } from 'zod';
import type { RedisClient } from '../../shared/redis-topology.js';
import type { UploadedPart } from '../upload/multipart-writer.js';
import { METHOD_DEFLATE, METHOD_STORE } from './zip-records.js';

/** An entry whose local header is in the stored parts: enough to write its central record, or the rest of it. */
export const checkpointEntrySchema = z.object({
  /** The file's position in the job's list of unique URLs. */
  index: z.number().int().nonnegative(),
  name: z.string(),
  method: z.union([z.literal(METHOD_STORE), z.literal(METHOD_DEFLATE)]),
  crc32: z.number().int().nonnegative(),
  size: z.number().int().nonnegative(),
  compressedSize: z.number().int().nonnegative(),
  /** The date in its header (ms since the epoch). */
  date: z.number(),
  /** Where its local header starts in the archive. */
  offset: z.number().int().nonnegative(),
  url: z.string(),
  sha256: z.string(),
  contentType: z.string(),
});
export type CheckpointEntry = z.infer<typeof checkpointEntrySchema>;

/** What a zip job's upload holds so far: parts 1..N of `partSize`, and every entry that starts before N * partSize. */
export interface ZipCheckpoint {
  uploadId: string;
  key: string;
  partSize: number;
  /** zlib's version: a deflated entry cut by the checkpoint is compressed again, and must come out the same. */
  zlib: string;
  parts: UploadedPart[];
  entries: CheckpointEntry[];
}

/** What a checkpoint adds to the stored one. */
export interface CheckpointStep {
  uploadId: string;
  key: string;
  partSize: number;
  zlib: string;
  /** Parts and entries already stored (the step is refused when Redis holds another count). */
  after: { parts: number; entries: number };
  parts: UploadedPart[];
  entries: CheckpointEntry[];
}

// Appends a step if this run still owns the checkpoint and the stored counts are the ones it extends.
const APPEND = `
if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[1] then return 0 end
if redis.call('LLEN', KEYS[2]) ~= tonumber(ARGV[7]) or redis.call('LLEN', KEYS[3]) ~= tonumber(ARGV[8]) then
  return -1
end
redis.call('HSET', KEYS[1], 'uploadId', ARGV[3], 'key', ARGV[4], 'partSize', ARGV[5], 'zlib', ARGV[6])
local function push(key, from, to)
  for i = from, to, 1000 do redis.call('RPUSH', key, unpack(ARGV, i, math.min(i + 999, to))) end
end
local parts = tonumber(ARGV[9])
push(KEYS[2], 10, 9 + parts)
push(KEYS[3], 10 + parts, #ARGV)
for i = 1, 3 do redis.call('EXPIRE', KEYS[i], ARGV[2]) end
return 1
`;

// Makes this run the owner; a fresh run also forgets what an earlier one stored.
const CLAIM = `
if ARGV[3] == 'fresh' then redis.call('DEL', KEYS[1], KEYS[2], KEYS[3]) end
redis.call('HSET', KEYS[1], 'owner', ARGV[1])
for i = 1, 3 do redis.call('EXPIRE', KEYS[i], ARGV[2]) end
return 1
`;

/** A step was refused: another run owns the checkpoint now (the job was taken over), or it changed under us. */
export class CheckpointLost extends Error {
  constructor(jobId: string) {
    super(`The zip job ${jobId} is being written by another run (taken over after a lost lock)`);
  }
}

/**
 * Zip checkpoints in Redis, under the queue prefix like every key ferry owns (one hash tag in cluster mode):
 * `<prefix>:zip-resume:<jobId>` (a hash: owner, uploadId, key, partSize, zlib), `...:parts` (the parts' ETags in
 * order) and `...:entries` (the entries, JSON, in archive order). Steps only append, so a checkpoint costs what
 * it adds, whatever the archive's size. Every run of a job claims it with a token of its own: a run whose worker
 * lost its lock (and whose job another worker took over) has its next step refused and stops.
 */
export class ZipCheckpoints {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    /** How long a checkpoint is kept after its last step: as long as its upload may stay open. */
    private readonly ttlSeconds: number,
  ) {}

  private keys(jobId: string): [string, string, string] {
    const base = `${this.prefix}:zip-resume:${jobId}`;
    return [base, `${base}:parts`, `${base}:entries`];
  }

  /** What the job's earlier runs stored; undefined when there is nothing to resume. */
  async load(jobId: string): Promise<ZipCheckpoint | undefined> {
    const [state, parts, entries] = this.keys(jobId);
    const out = await this.redis.multi().hgetall(state).lrange(parts, 0, -1).lrange(entries, 0, -1).exec();
    if (!out) return undefined;
    for (const [err] of out) if (err) throw err;
    const hash = out[0]![1] as Record<string, string>;
    const etags = out[1]![1] as string[];
    if (hash.uploadId === undefined || hash.key === undefined || etags.length === 0) return undefined;
    return {
      uploadId: hash.uploadId,
      key: hash.key,
      partSize: Number(hash.partSize),
      zlib: hash.zlib ?? '',
      parts: etags.map((etag, i) => ({ partNumber: i + 1, etag })),
      entries: (out[2]![1] as string[]).map((json) => checkpointEntrySchema.parse(JSON.parse(json))),
    };
  }

  /** Makes `owner` the run that writes the job's checkpoint; `fresh` drops what is stored. */
  async claim(jobId: string, owner: string, fresh: boolean): Promise<void> {
    await this.redis.eval(CLAIM, 3, ...this.keys(jobId), owner, this.ttlSeconds, fresh ? 'fresh' : 'resume');
  }

  /** Stores one step; throws CheckpointLost when `owner` no longer owns the checkpoint. */
  async append(jobId: string, owner: string, step: CheckpointStep): Promise<void> {
    const stored = await this.redis.eval(
      APPEND,
      3,
      ...this.keys(jobId),
      owner,
      this.ttlSeconds,
      step.uploadId,
      step.key,
      step.partSize,
      step.zlib,
      step.after.parts,
      step.after.entries,
      step.parts.length,
      ...step.parts.map((p) => p.etag),
      ...step.entries.map((e) => JSON.stringify(e)),
    );
    if (stored !== 1) throw new CheckpointLost(jobId);
  }

  async clear(jobId: string): Promise<void> {
    await this.redis.del(...this.keys(jobId));
  }
}
