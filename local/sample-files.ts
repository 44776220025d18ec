import { crc32, deflateSync } from 'node:zlib';
import { Router } from 'express';
import sharp from 'sharp';

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

/** A real PNG of one colour, so the dev quick start has files that pass the default type allowlist. */
export function solidPng(width: number, height: number, [r, g, b]: [number, number, number]): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const row = Buffer.alloc(1 + width * 3);
  for (let x = 0; x < width; x++) row.set([r, g, b], 1 + x * 3);
  const raw = Buffer.concat(Array.from({ length: height }, () => row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const SAMPLES: Record<string, Buffer> = {
  'red.png': solidPng(64, 64, [220, 40, 40]),
  'green.png': solidPng(64, 64, [40, 180, 60]),
  'blue.png': solidPng(64, 64, [40, 80, 220]),
};

export const SAMPLE_NAMES = Object.keys(SAMPLES);

/** The dev photo's name: a 1200 x 800 JPEG for trying media variants on. */
export const SAMPLE_PHOTO = 'photo.jpg';

/** A 1200 x 800 JPEG of colour gradients, made with sharp (variants of it show resizing and cropping). */
export async function samplePhoto(): Promise<Buffer> {
  const width = 1200;
  const height = 800;
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      pixels[i] = Math.round((255 * x) / width);
      pixels[i + 1] = Math.round((255 * y) / height);
      pixels[i + 2] = ((x >> 6) + (y >> 6)) % 2 === 0 ? 200 : 60;
    }
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 85 })
    .toBuffer();
}

/** Dev mode only: `/dev/samples/<name>` serves a few images to try the service with (the photo when given). */
export function sampleFilesRouter(photo?: Buffer): Router {
  const router = Router();
  router.get('/dev/samples/:name', (req, res) => {
    if (photo && req.params.name === SAMPLE_PHOTO) {
      res.type('image/jpeg').send(photo);
      return;
    }
    const body = SAMPLES[req.params.name];
    if (!body) {
      res.status(404).end();
      return;
    }
    res.type('image/png').send(body);
  });
  return router;
}
