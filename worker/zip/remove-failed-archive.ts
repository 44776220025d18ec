import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../../shared/logger.js';
import type { ObjectStore } from '../../shared/storage/object-store.js';

export interface RemoveArchiveOptions {
  /** First wait between tries, doubling (default 1 s). */
  firstDelayMs?: number;
  /** Tries in all (default 10: about 17 minutes of waiting). */
  tries?: number;
}

/**
 * Deletes the archive of a job that failed for good. An archive can exist although its job failed: S3 completed
 * the upload but its answer was lost (an outage right then), or a step after the upload failed. Nothing hands it
 * out, so it is removed; the delete is retried with backoff in the background, since the store that just failed
 * may still be away. Resolves once the object is gone or the tries are used up (logged); never rejects.
 */
export async function removeFailedArchive(
  store: ObjectStore,
  key: string,
  logger: Logger,
  { firstDelayMs = 1000, tries = 10 }: RemoveArchiveOptions = {},
): Promise<boolean> {
  for (let attempt = 1; ; attempt++) {
    try {
      await store.delete(key);
      return true;
    } catch (err) {
      if (attempt >= tries) {
        logger.warn({ err, key, attempt }, 'could not delete the archive of a failed job');
        return false;
      }
      await sleep(firstDelayMs * 2 ** (attempt - 1), undefined, { ref: false });
    }
  }
}
