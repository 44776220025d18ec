import type { JobDocument } from '../../shared/jobs/job-document.js';
import type { ShareStore } from '../../shared/share/share-store.js';

/**
 * A zip whose archive was withdrawn shows when, and no `downloadUrl`: a link to an object that is gone would not
 * tell the truth.
 */
export async function applyArchiveWithdrawal(doc: JobDocument, shares: ShareStore): Promise<void> {
  if (doc.type !== 'zip' || doc.result === undefined || !('key' in doc.result)) return;
  const at = await shares.withdrawnAt(doc.id);
  if (at === undefined) return;
  const { downloadUrl: _url, downloadUrlExpiresAt: _until, ...rest } = doc.result;
  doc.result = { ...rest, withdrawnAt: at };
}
