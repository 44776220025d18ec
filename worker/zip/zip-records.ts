/**
 * The byte layout of zip records (APPNOTE.TXT 6.3.10): local file headers that carry their CRC-32 and sizes
 * (general-purpose bit 3 clear: no data descriptor), central directory records, and the Zip64 records an archive
 * needs past 4 GiB or 65,535 entries.
 */

export const METHOD_STORE = 0;
export const METHOD_DEFLATE = 8;

const UTF8_NAMES = 0x0800;
const MAX32 = 0xffff_ffff;
const MAX16 = 0xffff;
const ZIP64_EXTRA = 0x0001;
// Made by: 3 = Unix (so the external attributes hold a mode), spec version 4.5 (Zip64).
const MADE_BY = (3 << 8) | 45;
// A regular file, rw-r--r--.
const FILE_MODE = 0o100644;

/** What is known about an entry before its bytes are written. */
export interface EntryRecord {
  name: Buffer;
  method: typeof METHOD_STORE | typeof METHOD_DEFLATE;
  crc32: number;
  /** Bytes of the file. */
  size: number;
  /** Bytes written into the archive (= size when stored). */
  compressedSize: number;
  date: Date;
}

function dosDateTime(d: Date): { date: number; time: number } {
  const year = Math.min(Math.max(d.getFullYear(), 1980), 2107);
  return {
    date: ((year - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate(),
    time: (d.getHours() << 11) | (d.getMinutes() << 5) | Math.floor(d.getSeconds() / 2),
  };
}

const needsZip64Sizes = (e: EntryRecord) => e.size >= MAX32 || e.compressedSize >= MAX32;
const versionNeeded = (e: EntryRecord, zip64: boolean) => (zip64 ? 45 : e.method === METHOD_DEFLATE ? 20 : 10);

/** The local file header, with the Zip64 extra field (both sizes) when a size does not fit 32 bits. */
export function localHeader(e: EntryRecord): Buffer {
  const zip64 = needsZip64Sizes(e);
  const extra = zip64 ? 20 : 0;
  const b = Buffer.allocUnsafe(30 + e.name.length + extra);
  const { date, time } = dosDateTime(e.date);
  b.writeUInt32LE(0x04034b50, 0);
  b.writeUInt16LE(versionNeeded(e, zip64), 4);
  b.writeUInt16LE(UTF8_NAMES, 6);
  b.writeUInt16LE(e.method, 8);
  b.writeUInt16LE(time, 10);
  b.writeUInt16LE(date, 12);
  b.writeUInt32LE(e.crc32 >>> 0, 14);
  b.writeUInt32LE(zip64 ? MAX32 : e.compressedSize, 18);
  b.writeUInt32LE(zip64 ? MAX32 : e.size, 22);
  b.writeUInt16LE(e.name.length, 26);
  b.writeUInt16LE(extra, 28);
  e.name.copy(b, 30);
  if (zip64) {
    let at = 30 + e.name.length;
    at = b.writeUInt16LE(ZIP64_EXTRA, at);
    at = b.writeUInt16LE(16, at);
    at = writeUInt64LE(b, e.size, at);
    writeUInt64LE(b, e.compressedSize, at);
  }
  return b;
}

/** The central directory record of an entry whose local header starts at `offset`. */
export function centralRecord(e: EntryRecord, offset: number): Buffer {
  // Only the fields that overflow go into the Zip64 extra, in the order the spec gives.
  const wide = [e.size >= MAX32 ? e.size : -1, e.compressedSize >= MAX32 ? e.compressedSize : -1];
  wide.push(offset >= MAX32 ? offset : -1);
  const fields = wide.filter((v) => v >= 0);
  const extra = fields.length > 0 ? 4 + 8 * fields.length : 0;
  const b = Buffer.allocUnsafe(46 + e.name.length + extra);
  const { date, time } = dosDateTime(e.date);
  b.writeUInt32LE(0x02014b50, 0);
  b.writeUInt16LE(MADE_BY, 4);
  b.writeUInt16LE(versionNeeded(e, extra > 0 || needsZip64Sizes(e)), 6);
  b.writeUInt16LE(UTF8_NAMES, 8);
  b.writeUInt16LE(e.method, 10);
  b.writeUInt16LE(time, 12);
  b.writeUInt16LE(date, 14);
  b.writeUInt32LE(e.crc32 >>> 0, 16);
  b.writeUInt32LE(Math.min(e.compressedSize, MAX32), 20);
  b.writeUInt32LE(Math.min(e.size, MAX32), 24);
  b.writeUInt16LE(e.name.length, 28);
  b.writeUInt16LE(extra, 30);
  b.writeUInt16LE(0, 32); // comment length
  b.writeUInt16LE(0, 34); // disk number start
  b.writeUInt16LE(0, 36); // internal attributes
  b.writeUInt32LE((FILE_MODE << 16) >>> 0, 38);
  b.writeUInt32LE(Math.min(offset, MAX32), 42);
  e.name.copy(b, 46);
  if (extra > 0) {
    let at = 46 + e.name.length;
    at = b.writeUInt16LE(ZIP64_EXTRA, at);
    at = b.writeUInt16LE(8 * fields.length, at);
    for (const v of fields) at = writeUInt64LE(b, v, at);
  }
  return b;
}

/**
 * What follows the central directory: the end of central directory record, preceded by the Zip64 end record and
 * its locator when the entry count, the directory's size or its offset do not fit the classic fields.
 */
export function endOfArchive(entries: number, cdOffset: number, cdSize: number): Buffer {
  const zip64 = entries >= MAX16 || cdOffset >= MAX32 || cdSize >= MAX32;
  const b = Buffer.alloc((zip64 ? 56 + 20 : 0) + 22);
  let at = 0;
  if (zip64) {
    const zip64EndOffset = cdOffset + cdSize;
    at = b.writeUInt32LE(0x06064b50, at);
    at = writeUInt64LE(b, 44, at); // size of the rest of this record
    at = b.writeUInt16LE(MADE_BY, at);
    at = b.writeUInt16LE(45, at);
    at = b.writeUInt32LE(0, at); // this disk
    at = b.writeUInt32LE(0, at); // disk with the central directory
    at = writeUInt64LE(b, entries, at);
    at = writeUInt64LE(b, entries, at);
    at = writeUInt64LE(b, cdSize, at);
    at = writeUInt64LE(b, cdOffset, at);
    at = b.writeUInt32LE(0x07064b50, at);
    at = b.writeUInt32LE(0, at); // disk with the Zip64 end record
    at = writeUInt64LE(b, zip64EndOffset, at);
    at = b.writeUInt32LE(1, at); // disks in all
  }
  at = b.writeUInt32LE(0x06054b50, at);
  at = b.writeUInt16LE(0, at);
  at = b.writeUInt16LE(0, at);
  at = b.writeUInt16LE(Math.min(entries, MAX16), at);
  at = b.writeUInt16LE(Math.min(entries, MAX16), at);
  at = b.writeUInt32LE(Math.min(cdSize, MAX32), at);
  at = b.writeUInt32LE(Math.min(cdOffset, MAX32), at);
  b.writeUInt16LE(0, at); // comment length
  return b;
}

function writeUInt64LE(b: Buffer, value: number, at: number): number {
  return b.writeBigUInt64LE(BigInt(value), at);
}
