import type { ZipOptions } from '../../shared/jobs/zip.job.js';
import type { FetchedFile } from '../fetch/fetch-to-file.js';
import type { JobDownloads } from '../fetch/job-downloads.js';
import { shouldStore } from './compression.js';
import { deflateFile } from './deflate-file.js';
import { METHOD_DEFLATE, METHOD_STORE } from './zip-records.js';

/** zlib's default: what archiver used, and what `zip -6` does. */
const DEFLATE_LEVEL = 6;

/** A downloaded file ready to be copied into the archive: its bytes as the entry holds them are at `dataPath`. */
export interface PreparedEntry {
  file: FetchedFile & { crc32: number };
  method: typeof METHOD_STORE | typeof METHOD_DEFLATE;
  dataPath: string;
  compressedSize: number;
}

/** Where the deflated copy of download `index` goes. */
export const deflatedPath = (downloads: JobDownloads, index: number) => `${downloads.pathFor(index)}.deflate`;

/**
 * Downloads one URL (CRC-32 and SHA-256 computed as the bytes arrive) and, unless its type is stored, deflates it
 * into a second temp file at once: entries compress concurrently, each on a threadpool thread.
 */
export async function prepareEntry(
  downloads: JobDownloads,
  url: string,
  index: number,
  compression: ZipOptions['compression'],
): Promise<PreparedEntry> {
  const fetched = await downloads.download(url, index);
  if (fetched.crc32 === undefined) throw new Error('the download computed no CRC-32');
  const file = { ...fetched, crc32: fetched.crc32 };
  if (shouldStore(compression, file.contentType)) {
    return { file, method: METHOD_STORE, dataPath: file.path, compressedSize: file.size };
  }
  const dataPath = deflatedPath(downloads, index);
  const compressedSize = await deflateFile(file.path, dataPath, DEFLATE_LEVEL, downloads.signal);
  return { file, method: METHOD_DEFLATE, dataPath, compressedSize };
}
