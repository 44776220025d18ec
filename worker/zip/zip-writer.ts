import type { FileHandle } from 'node:fs/promises';
import { centralRecord, endOfArchive, localHeader, type EntryRecord } from './zip-records.js';

/** Where the archive's bytes go (a MultipartWriter). */
export interface ArchiveSink {
  readonly size: number;
  write(data: Uint8Array): Promise<void>;
  /** Appends the first `length` bytes of `file`. */
  writeFile(file: FileHandle, length: number): Promise<void>;
}

/**
 * A zip archive written front to back into a sink. Every entry is complete (and, if deflated, compressed) before
 * it is added, so its local header tells the truth: CRC-32 and sizes, no data descriptor. The central directory
 * records are built as entries go and written by `finish()`.
 */
export class ZipWriter {
  private readonly central: Buffer[] = [];

  constructor(private readonly sink: ArchiveSink) {}

  get entries(): number {
    return this.central.length;
  }

  /** Adds an entry whose (stored or deflated) bytes are the first `entry.compressedSize` bytes of `data`. */
  async addFile(entry: EntryRecord, data: FileHandle): Promise<void> {
    const offset = this.sink.size;
    await this.sink.write(localHeader(entry));
    await this.sink.writeFile(data, entry.compressedSize);
    this.central.push(centralRecord(entry, offset));
  }

  /** Adds an entry held in memory (the manifest); `data` is what goes into the archive. */
  async addBuffer(entry: EntryRecord, data: Uint8Array): Promise<void> {
    const offset = this.sink.size;
    await this.sink.write(localHeader(entry));
    await this.sink.write(data);
    this.central.push(centralRecord(entry, offset));
  }

  /** Writes the central directory and the end records. */
  async finish(): Promise<void> {
    const cdOffset = this.sink.size;
    for (const record of this.central) await this.sink.write(record);
    await this.sink.write(endOfArchive(this.central.length, cdOffset, this.sink.size - cdOffset));
  }
}
