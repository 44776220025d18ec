import { buffer as streamToBuffer } from 'node:stream/consumers';
import yauzl from 'yauzl';

export interface ZipEntryRead {
  name: string;
  data: Buffer;
  /** 0 = stored, 8 = deflated */
  compressionMethod: number;
  /** Bit 11 (0x800) is the UTF-8 name flag. */
  generalPurposeBitFlag: number;
}

/** Reads every entry with yauzl, an independent zip reader (CRC checked as entries are read). */
export async function readZip(zip: Buffer): Promise<ZipEntryRead[]> {
  const archive = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.fromBuffer(zip, { lazyEntries: true, decodeStrings: true, validateEntrySizes: true }, (err, z) =>
      err ? reject(err) : resolve(z),
    ),
  );
  const entries: ZipEntryRead[] = [];
  await new Promise<void>((resolve, reject) => {
    archive.on('error', reject);
    archive.on('end', () => resolve());
    archive.on('entry', (entry: yauzl.Entry) => {
      archive.openReadStream(entry, (err, stream) => {
        if (err) return reject(err);
        streamToBuffer(stream).then((data) => {
          entries.push({
            name: entry.fileName,
            data,
            compressionMethod: entry.compressionMethod,
            generalPurposeBitFlag: entry.generalPurposeBitFlag,
          });
          archive.readEntry();
        }, reject);
      });
    });
    archive.readEntry();
  });
  return entries;
}
