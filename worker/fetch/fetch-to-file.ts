import { pipeline } from 'node:stream/promises';
import contentDisposition from 'content-disposition';
import { RequestError, type Got } from 'got';
import { FetchError } from '../../shared/errors/app-error.js';
import type { ByteBudget } from './byte-budget.js';
import { DownloadMeter } from './download-meter.js';
import { toFetchError } from './fetch-error-mapper.js';
import { TempFileWriter } from './temp-file-writer.js';

export interface FetchToFileRequest {
  url: string;
  /** Where the body is written; the caller owns (and removes) the file. */
  path: string;
  maxFileBytes: number;
  allowedTypes: readonly string[];
  budget: ByteBudget;
  md5?: boolean;
  crc32?: boolean;
  signal?: AbortSignal;
  onBytes?: (n: number) => void;
}

export interface FetchedFile {
  url: string;
  path: string;
  size: number;
  sha256: string;
  /** Only when the request asked for it. */
  md5?: string;
  /** Only when the request asked for it: the CRC-32 of the bytes (unsigned). */
  crc32?: number;
  /** Sniffed from the bytes (see content-type.ts), not copied from the header. */
  contentType: string;
  /** The filename the server suggested in Content-Disposition, if any. */
  suggestedName?: string;
}

function suggestedName(header: string | undefined): string | undefined {
  if (!header) return undefined;
  try {
    const name = contentDisposition.parse(header).parameters.filename;
    return typeof name === 'string' && name !== '' ? name : undefined;
  } catch {
    return undefined;
  }
}

/** Downloads one URL into `path`, enforcing every limit while the bytes stream. Throws FetchError. */
export async function fetchToFile(http: Got, req: FetchToFileRequest): Promise<FetchedFile> {
  const source = http.stream(req.url, { signal: req.signal });
  let headers: Record<string, string | string[] | undefined> = {};
  source.on('response', (res: { headers: typeof headers }) => {
    headers = res.headers;
    const declared = Number(headers['content-length']);
    // A declared length is only a hint (it is re-checked while streaming), but it lets us refuse early.
    if (headers['content-encoding'] === undefined && declared > req.maxFileBytes) {
      source.destroy(
        new FetchError('file_too_large', `The file is ${declared} bytes, over ${req.maxFileBytes}`, req.url, true),
      );
    }
  });
  const meter = new DownloadMeter({
    url: req.url,
    maxFileBytes: req.maxFileBytes,
    allowedTypes: req.allowedTypes,
    budget: req.budget,
    md5: req.md5,
    crc32: req.crc32,
    headerContentType: () => headers['content-type'] as string | undefined,
    onBytes: req.onBytes,
  });
  // A failed download gives its bytes back to the job's budget as soon as it fails, not only once every stream
  // of the pipeline has closed: the job's other downloads go on counting meanwhile, and must not be refused
  // job_too_large for bytes that will be given back.
  let released = false;
  const releaseBudget = () => {
    if (released) return;
    released = true;
    req.budget.release(meter.size);
  };
  meter.once('error', releaseBudget);
  try {
    await pipeline(source, meter, new TempFileWriter(req.path));
  } catch (err) {
    releaseBudget();
    // Errors of our own disk (ENOSPC...) are the job's problem, not the URL's: they pass through as they are.
    if (err instanceof FetchError || err instanceof RequestError) throw toFetchError(err, req.url);
    throw err;
  } finally {
    // got streams keep their AbortSignal listener until destroyed.
    source.destroy();
  }
  return {
    url: req.url,
    path: req.path,
    size: meter.size,
    sha256: meter.sha256,
    md5: meter.md5,
    crc32: meter.crc32,
    contentType: meter.contentType ?? 'application/octet-stream',
    suggestedName: suggestedName(headers['content-disposition'] as string | undefined),
  };
}
