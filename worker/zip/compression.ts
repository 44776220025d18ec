import type { ZipOptions } from '../../shared/jobs/zip.job.js';

/** Types whose bytes are already compressed: deflating them costs CPU and saves nothing. */
const COMPRESSED = [
  /^image\/(?!svg\+xml$|bmp$|x-ms-bmp$|tiff$|x-icon$|vnd\.microsoft\.icon$)/,
  /^video\//,
  /^audio\/(?!wav$|x-wav$|vnd\.wave$|aiff$|x-aiff$)/,
  /^application\/(zip|gzip|x-gzip|x-7z-compressed|x-rar-compressed|vnd\.rar|x-bzip2|x-xz|zstd|x-lzip|x-compress|pdf|epub\+zip|java-archive|vnd\.android\.package-archive)$/,
  /^application\/vnd\.openxmlformats-officedocument\./,
  /^application\/vnd\.oasis\.opendocument\./,
  /^font\/(woff|woff2)$/,
];

/** True when the entry should be stored rather than deflated. */
export function shouldStore(mode: ZipOptions['compression'], contentType: string): boolean {
  if (mode === 'store') return true;
  if (mode === 'deflate') return false;
  return COMPRESSED.some((re) => re.test(contentType));
}
