import sharp from 'sharp';

/** A 12 MP (4000 x 3000) JPEG with gradients and grain, so it encodes to a photo-like size; made with sharp. */
export async function makePhoto(): Promise<Buffer> {
  const width = 4000;
  const height = 3000;
  const pixels = Buffer.alloc(width * height * 3);
  let seed = 12345;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      const grain = (seed >>> 24) % 32;
      const i = (y * width + x) * 3;
      pixels[i] = ((255 * x) / width + grain) & 255;
      pixels[i + 1] = ((255 * y) / height + grain) & 255;
      pixels[i + 2] = (((x >> 7) + (y >> 7)) % 2 === 0 ? 190 : 70) + grain;
    }
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 88 })
    .toBuffer();
}

/** What the media process does for `w_400,f_webp`, with sharp alone on a buffer in memory: the limit. */
export async function sharpAlone(photo: Buffer): Promise<Buffer> {
  await sharp(photo).metadata();
  return sharp(photo, { limitInputPixels: 50_000_000, failOn: 'error' })
    .rotate()
    .resize({ width: 400, height: 8192, fit: 'inside' })
    .webp()
    .toBuffer();
}
