const MiB = 1024 * 1024;
export const MIN_PART_SIZE = 8 * MiB;
export const MAX_PART_SIZE = 5 * 1024 * MiB;
export const MAX_PARTS = 10_000;
/** Headers, data descriptor, central directory record and Zip64 extras of one entry, with a long name. */
const PER_ENTRY_OVERHEAD = 4096;

/** The largest archive a job could produce: every byte it may download, deflate's worst case, and the headers. */
export function maxArchiveBytes(maxJobBytes: number, files: number): number {
  return Math.ceil(maxJobBytes * 1.001) + files * PER_ENTRY_OVERHEAD + 64 * 1024;
}

/** A part size (whole MiB, at least 8 MiB) with which 10,000 parts hold `maxBytes`. */
export function partSizeFor(maxBytes: number): number {
  const needed = Math.ceil(maxBytes / MAX_PARTS / MiB) * MiB;
  return Math.min(MAX_PART_SIZE, Math.max(MIN_PART_SIZE, needed));
}
