import { centralRecord, endOfArchive, localHeader, type EntryRecord } from './zip-records.js';

/** Where the archive's bytes go (a MultipartWriter). */
export interface ArchiveSink {
  readonly size: number;
  write(data: Uint8Array): Promise<void>;
  /**
   * Appends the bytes of the file at `path` from `from` (default 0) up to `length`; the sink may read them after
   * it resolves, from a descriptor it opened (the path may be removed by then).
   */
  writeFile(path: string, length: number, from?: number): Promise<void>;
}

/** An entry already in the archive: its record and where its local header starts. */
export interface WrittenEntry {
  entry: EntryRecord;
  offset: number;
}

/**
 * A zip archive written front to back into a sink. Every entry is complete (and, if deflated, compressed) before
 * it is added, so its local header tells the truth: CRC-32 and sizes, no data descriptor. The central directory
 * records are built as entries go and written by `finish()`.
 *
 * A writer can continue an archive whose first bytes are already stored (a resumed upload): it is given the
 * entries that are complete there, and the one entry cut by the end of those bytes is added again with
 * `addFile(entry, dataPath, offset)`, which writes only what follows the cut.
 */
export class ZipWriter {
  private readonly central: Buffer[];

  constructor(
    private readonly sink: ArchiveSink,
    written: readonly WrittenEntry[] = [],
  ) {
    this.central = written.map((w) => centralRecord(w.entry, w.offset));
  }

  get entries(): number {
    return this.central.length;
  }

  /**
   * Adds an entry whose (stored or deflated) bytes are the first `entry.compressedSize` bytes of the file at
   * `dataPath`. With
   * `offset` (an entry whose header starts there, before the sink's end), the bytes up to the sink's end are
   * taken as already written.
   */
  async addFile(entry: EntryRecord, dataPath: string, offset = this.sink.size): Promise<void> {
    let skip = this.sink.size - offset;
    const header = localHeader(entry);
    if (skip < header.length) await this.sink.write(header.subarray(skip));
    skip = Math.max(0, skip - header.length);
    if (skip > entry.compressedSize)
      throw new Error(`The entry ends ${skip - entry.compressedSize} bytes before the cut`);
    await this.sink.writeFile(dataPath, entry.compressedSize, skip);
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
