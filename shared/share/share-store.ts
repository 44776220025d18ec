import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { RedisClient } from '../redis-topology.js';
import { newShareToken, shareTokenHash } from './share-token.js';

/** What the index keeps per share, under the token's hash. */
export const shareRecordSchema = z.object({
  tenant: z.string(),
  jobId: z.string(),
  /** `hashSharePassword()` output; absent for a share without a password. */
  passwordHash: z.string().optional(),
  maxDownloads: z.number().int().positive().optional(),
  /** The archive's expiry: the page says 410 from then on. */
  expiresAt: z.iso.datetime(),
  /** Signs this share's password cookies: every API process can check them, and no other share's are valid. */
  cookieSecret: z.string(),
  /** DELETE /v1/jobs/:id/archive was called. */
  withdrawnAt: z.iso.datetime().optional(),
});
export type ShareRecord = z.infer<typeof shareRecordSchema>;

export interface CreateShare {
  tenant: string;
  jobId: string;
  passwordHash?: string;
  maxDownloads?: number;
  expiresAt: string;
  /** How long Redis keeps the share: past the archive's expiry, so that an expired link says 410 rather than 404. */
  ttlSeconds: number;
}

// Checks and counts in one step, so two clicks at once cannot both take the last download.
const TAKE_DOWNLOAD = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[2]) end
if ARGV[1] ~= '' and n > tonumber(ARGV[1]) then
  redis.call('DECR', KEYS[1])
  return -1
end
return n
`;

/**
 * The share index in Redis, under the queue prefix like every key ferry owns (one hash tag in cluster mode):
 * `<prefix>:share:<sha256(token)>` -> the record, `<prefix>:share-job:<jobId>` -> the token (so a zip job run
 * twice keeps one link, and the archive's owner can withdraw it), `<prefix>:share-downloads:<sha256(token)>` ->
 * downloads so far, `<prefix>:archive-withdrawn:<jobId>` -> when its archive was deleted.
 */
export class ShareStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {}

  /** Redis key of a share's record (tests edit it to move a share past its expiry). */
  recordKey(token: string): string {
    return `${this.prefix}:share:${shareTokenHash(token)}`;
  }

  private jobKey(jobId: string): string {
    return `${this.prefix}:share-job:${jobId}`;
  }

  private downloadsKey(token: string): string {
    return `${this.prefix}:share-downloads:${shareTokenHash(token)}`;
  }

  /** The job's share token: made on the first call, the same one on every later call for the same job. */
  async create(share: CreateShare): Promise<string> {
    const { ttlSeconds, ...fields } = share;
    const ttl = Math.max(1, Math.ceil(ttlSeconds));
    await this.redis.set(this.jobKey(share.jobId), newShareToken(), 'EX', ttl, 'NX');
    const token = await this.redis.get(this.jobKey(share.jobId));
    if (token === null) throw new Error(`share of ${share.jobId} vanished while it was created`);
    const record: ShareRecord = { ...fields, cookieSecret: randomBytes(32).toString('base64url') };
    await this.redis.set(this.recordKey(token), JSON.stringify(record), 'EX', ttl, 'NX');
    return token;
  }

  async get(token: string): Promise<ShareRecord | undefined> {
    const raw = await this.redis.get(this.recordKey(token));
    if (raw === null) return undefined;
    const parsed = shareRecordSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  }

  private withdrawnKey(jobId: string): string {
    return `${this.prefix}:archive-withdrawn:${jobId}`;
  }

  /**
   * Records that the job's archive was withdrawn (kept `ttlSeconds`: as long as the job) and marks its share, if
   * it has one, withdrawn: its page then says 410. Withdrawing again keeps the first time.
   */
  async withdraw(jobId: string, ttlSeconds: number, now = new Date()): Promise<void> {
    await this.redis.set(this.withdrawnKey(jobId), now.toISOString(), 'EX', Math.max(1, ttlSeconds), 'NX');
    const token = await this.redis.get(this.jobKey(jobId));
    const record = token === null ? undefined : await this.get(token);
    if (token === null || !record || record.withdrawnAt !== undefined) return;
    const withdrawn: ShareRecord = { ...record, withdrawnAt: now.toISOString() };
    await this.redis.set(this.recordKey(token), JSON.stringify(withdrawn), 'KEEPTTL');
  }

  /** When the job's archive was withdrawn (DELETE /v1/jobs/:id/archive), if it was. */
  async withdrawnAt(jobId: string): Promise<string | undefined> {
    return (await this.redis.get(this.withdrawnKey(jobId))) ?? undefined;
  }

  /** Downloads started so far. */
  async downloads(token: string): Promise<number> {
    return Number((await this.redis.get(this.downloadsKey(token))) ?? 0);
  }

  /** Counts one download; false (and nothing counted) when `max` downloads have already been made. */
  async takeDownload(token: string, max: number | undefined, ttlSeconds: number): Promise<boolean> {
    const n = (await this.redis.eval(
      TAKE_DOWNLOAD,
      1,
      this.downloadsKey(token),
      max === undefined ? '' : String(max),
      String(Math.max(1, Math.ceil(ttlSeconds))),
    )) as number;
    return n !== -1;
  }

  /** Gives a counted download back (the redirect could not be made). */
  async returnDownload(token: string): Promise<void> {
    await this.redis.decr(this.downloadsKey(token));
  }
}
