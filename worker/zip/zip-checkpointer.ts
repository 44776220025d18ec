import type { Logger } from '../../shared/logger.js';
import type { DurablePrefix, UploadedPart } from '../upload/multipart-writer.js';
import { CheckpointLost, type CheckpointEntry, type ZipCheckpoints } from './zip-checkpoints.js';

export interface CheckpointerOptions {
  checkpoints: ZipCheckpoints;
  jobId: string;
  /** This run's token (ZipCheckpoints.claim). */
  owner: string;
  key: string;
  partSize: number;
  zlib: string;
  /** What the checkpoint already holds (a resumed run). */
  saved: { parts: number; entries: number };
  /** Hears that another run owns the checkpoint now: this one must stop writing. */
  onLost: (err: CheckpointLost) => void;
  logger: Logger;
}

/**
 * Takes a checkpoint of a zip job whenever the stored parts from part 1 grow: the new parts' ETags and the
 * entries whose local header starts in them. One step is in flight at a time; steps that come while one is
 * stored are merged into the next, and a step that fails (Redis away) is retried with the next, so the stored
 * checkpoint never has a gap. Checkpoints only cover file entries: `close()` is called before the manifest and the
 * central directory, which a resumed run writes again.
 */
export class ZipCheckpointer {
  /** Entries written since the last stored step, in archive order. */
  private readonly pending: CheckpointEntry[] = [];
  private saved: { parts: number; entries: number };
  private latest: DurablePrefix | undefined;
  private storing: Promise<void> | undefined;
  private closed = false;

  constructor(private readonly o: CheckpointerOptions) {
    this.saved = { ...o.saved };
  }

  /** Parts the stored checkpoint holds. */
  get savedParts(): number {
    return this.saved.parts;
  }

  /** Call before an entry's first byte is written. */
  entryStarting(entry: CheckpointEntry): void {
    if (!this.closed) this.pending.push(entry);
  }

  /** For MultipartWriter's `onDurable`. */
  readonly onDurable = (durable: DurablePrefix): void => {
    if (this.closed) return;
    // Parts 1..count of the (growing) array never change again, so the step reads them when it is stored.
    this.latest = durable;
    this.storing ??= this.storeLatest().finally(() => (this.storing = undefined));
  };

  /** No more steps; resolves once the one in flight (if any) is stored. */
  async close(): Promise<void> {
    this.closed = true;
    await this.storing;
  }

  private async storeLatest(): Promise<void> {
    while (this.latest && !this.closed) {
      const durable = this.latest;
      this.latest = undefined;
      // From the last stored part: what a failed step did not store comes with this one.
      const parts: UploadedPart[] = durable.parts.slice(this.saved.parts, durable.count);
      let entries = 0;
      while (entries < this.pending.length && this.pending[entries]!.offset < durable.bytes) entries++;
      try {
        await this.o.checkpoints.append(this.o.jobId, this.o.owner, {
          uploadId: durable.uploadId,
          key: this.o.key,
          partSize: this.o.partSize,
          zlib: this.o.zlib,
          after: this.saved,
          parts,
          entries: this.pending.slice(0, entries),
        });
        this.pending.splice(0, entries);
        this.saved = { parts: durable.count, entries: this.saved.entries + entries };
      } catch (err) {
        if (err instanceof CheckpointLost) {
          this.closed = true;
          this.o.onLost(err);
          return;
        }
        this.o.logger.warn({ err, parts: durable.count }, 'could not store the zip checkpoint; the next one will');
      }
    }
  }
}
