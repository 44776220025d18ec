import { FetchError } from '../../shared/errors/app-error.js';
import type { IngestItem, IngestJobData, IngestJobResult } from '../../shared/jobs/ingest.job.js';
import type { Logger } from '../../shared/logger.js';
import type { MediaIndex, MediaRecord } from '../../shared/storage/media-index.js';
import type { ObjectStore } from '../../shared/storage/object-store.js';
import { publicObjectUrl } from '../../shared/storage/public-url.js';
import { mediaKey } from '../../shared/url-normalize.js';
import { CompletionPool } from '../fetch/completion-pool.js';
import { JobDownloads, type DownloadSettings } from '../fetch/job-downloads.js';
import type { ProgressSink } from '../runtime/progress-sink.js';
import { partSizeFor } from '../upload/part-size.js';
import { storeMedia } from './store-media.js';

export interface IngestDeps extends DownloadSettings {
  store: ObjectStore;
  index: MediaIndex;
  logger: Logger;
  keyPrefix: string;
  downloadConcurrency: number;
  /** `PUBLIC_BASE_URL` (a CDN in front of the bucket); the S3 object URL when unset. */
  publicBaseUrl?: string;
  multipartThreshold: number;
}

export interface IngestRequest {
  jobId: string;
  data: IngestJobData;
  progress: ProgressSink;
  signal?: AbortSignal;
}

/**
 * Copies each URL's file into the media bucket once per tenant: URLs the index knows are answered from it
 * (no fetch), the others are fetched with bounded concurrency, stored under their content address and
 * recorded with a conditional write, so concurrent jobs record each URL exactly once. One item per input URL,
 * in input order; a URL that fails is an item with an error, never a failed job. Storage and index errors
 * do fail the job (it is retried).
 */
export async function ingestMedia(deps: IngestDeps, req: IngestRequest): Promise<IngestJobResult> {
  const { data, jobId, progress } = req;
  const pks = data.urls.map((url) => mediaKey(data.tenant, url));
  const firstUrl = new Map<string, string>();
  pks.forEach((pk, i) => firstUrl.has(pk) || firstUrl.set(pk, data.urls[i]!));

  const itemFrom = (record: MediaRecord, status: 'stored' | 'existing'): IngestItem => ({
    url: record.url,
    status,
    key: record.key,
    publicUrl: publicObjectUrl(deps.store, record.key, deps.publicBaseUrl),
    size: record.size,
    contentType: record.contentType,
    sha256: record.sha256,
    etag: record.etag,
  });

  const outcomes = new Map<string, IngestItem>();
  const known = data.options.refresh ? new Map<string, MediaRecord>() : await deps.index.getMany([...firstUrl.keys()]);
  for (const [pk, record] of known) {
    outcomes.set(pk, itemFrom(record, 'existing'));
    progress.fileDone(false);
  }
  const missing = [...firstUrl.entries()].filter(([pk]) => !known.has(pk));
  deps.logger.info({ urls: data.urls.length, known: known.size, toFetch: missing.length }, 'ingest plan');
  if (missing.length === 0) return { items: itemsInInputOrder(data.urls, pks, outcomes) };

  const downloads = await JobDownloads.open(deps, {
    jobId,
    limits: data.limits,
    onBytes: (n) => progress.bytes(n),
    md5: true,
    signal: req.signal,
  });
  const pool = new CompletionPool(missing, deps.downloadConcurrency, async ([pk, url], index) => {
    try {
      const file = await downloads.download(url, index);
      const { key, etag } = await storeMedia(deps.store, file, {
        keyPrefix: deps.keyPrefix,
        tenant: data.tenant,
        multipartThreshold: deps.multipartThreshold,
        partSize: partSizeFor(data.limits.maxFileBytes),
      });
      const record: MediaRecord = {
        pk,
        url,
        key,
        size: file.size,
        contentType: file.contentType,
        sha256: file.sha256,
        etag,
        jobId,
        createdAt: new Date().toISOString(),
      };
      if (data.options.refresh) {
        await deps.index.put(record);
        return itemFrom(record, 'stored');
      }
      const written = await deps.index.putIfAbsent(record);
      // Lost the race to another job: report the record that won, so every job agrees on the object.
      return itemFrom(written.record, written.created ? 'stored' : 'existing');
    } finally {
      await downloads.remove(index);
    }
  });

  try {
    for await (const done of pool.results()) {
      done.release();
      const [pk, url] = done.item;
      if (done.result.status === 'fulfilled') {
        outcomes.set(pk, done.result.value);
        progress.fileDone(false);
        continue;
      }
      const err: unknown = done.result.reason;
      if (!(err instanceof FetchError)) throw err;
      outcomes.set(pk, { url, status: 'failed', error: { code: err.code, message: err.message } });
      progress.fileDone(true);
    }
  } catch (err) {
    downloads.abort(err);
    await pool.stop();
    throw err;
  } finally {
    await downloads.close();
  }
  return { items: itemsInInputOrder(data.urls, pks, outcomes) };
}

/** Each input URL gets its own item, as sent, even when it repeats another. */
function itemsInInputOrder(urls: string[], pks: string[], outcomes: Map<string, IngestItem>): IngestItem[] {
  return urls.map((url, i) => ({ ...outcomes.get(pks[i]!)!, url }));
}
