import { promisify } from 'node:util';
import { crc32, deflateRaw } from 'node:zlib';
import { METHOD_DEFLATE, type EntryRecord } from './zip-records.js';

export const MANIFEST_NAME = 'manifest.json';
const deflateBuffer = promisify(deflateRaw);

/** `manifest.json` (what the archive holds and which URLs failed) as a deflated entry. */
export async function manifestEntry(manifest: unknown): Promise<{ record: EntryRecord; bytes: Buffer }> {
  const json = Buffer.from(JSON.stringify(manifest, null, 2));
  const bytes = await deflateBuffer(json);
  const record: EntryRecord = {
    name: Buffer.from(MANIFEST_NAME),
    method: METHOD_DEFLATE,
    crc32: crc32(json),
    size: json.length,
    compressedSize: bytes.length,
    date: new Date(),
  };
  return { record, bytes };
}
