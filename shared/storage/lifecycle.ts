import type { Config } from '../config.js';
import type { LifecycleRules } from './object-store.js';

/**
 * Zip archives carry this tag: keys are `<prefix>/<tenant>/zips/...`, so no single key prefix covers every
 * tenant's archives, but one tag-filtered lifecycle rule does.
 */
export const ZIP_TAG = { key: 'ferry-kind', value: 'zip' } as const;

/** Archives outlive their longest possible expiry by a day, then S3 deletes them; stray uploads go after a day. */
export function lifecycleRules(config: Config): LifecycleRules {
  return {
    prefix: config.S3_KEY_PREFIX,
    expireTag: ZIP_TAG,
    expireDays: Math.ceil(config.ZIP_MAX_EXPIRES_IN / 86_400) + 1,
    abortUploadsAfterDays: 1,
  };
}
