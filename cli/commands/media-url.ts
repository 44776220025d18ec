import { CONNECTION_HELP, CONNECTION_OPTIONS, parseCommandArgs } from '../args.js';
import type { Command } from '../command.js';
import { connect } from '../connect.js';
import { UsageError } from '../usage.js';

export const MEDIA_URL_HELP = `Usage: ferry media-url <url|key> [options]

Prints the URL of a variant of an ingested image (POST /v1/media/variants): it works in <img src> with no API
key. With no option, the URL of the original. The API signs it: it knows the media's content address and the
tenant's mediaSecret.

Options:
  --width <px>, --height <px>
  --fit cover|contain|inside|outside|fill
  --format auto|jpeg|png|webp|avif
  --quality 1-100
  --watermark              Put the tenant's watermark on it
  --preset <name>          One of the tenant's mediaPresets (alone: no other option)
${CONNECTION_HELP}
`;

const OPTIONS = {
  ...CONNECTION_OPTIONS,
  width: { type: 'string' },
  height: { type: 'string' },
  fit: { type: 'string' },
  format: { type: 'string' },
  quality: { type: 'string' },
  watermark: { type: 'boolean' },
  preset: { type: 'string' },
} as const;

/** A whole number stays a number; anything else goes as written, so the API's answer names the field. */
const numberish = (v: string | undefined) => (v === undefined ? undefined : /^\d+$/.test(v) ? Number(v) : v);

/** `ferry media-url <url|key>`. */
export const mediaUrl: Command = async (args, io) => {
  const parsed = parseCommandArgs(args, OPTIONS, MEDIA_URL_HELP, io);
  if (!parsed) return 0;
  const [media, ...extra] = parsed.positionals;
  if (media === undefined || media === '' || extra.length > 0) {
    throw new UsageError('media-url takes exactly one ingested URL or stored key', MEDIA_URL_HELP);
  }
  const v = parsed.values;
  const options = {
    width: numberish(v.width),
    height: numberish(v.height),
    fit: v.fit,
    format: v.format,
    quality: numberish(v.quality),
    watermark: v.watermark,
    preset: v.preset,
  };
  const given = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
  const source = /^https?:\/\//i.test(media) ? { url: media } : { key: media };
  const client = await connect(v, io, MEDIA_URL_HELP);
  // The flags are checked by the API, which answers with the field that is wrong.
  const { variantUrl } = await client.mediaUrl({ ...source, ...given });
  io.out(v.json ? `${JSON.stringify({ variantUrl })}\n` : `${variantUrl}\n`);
  return 0;
};
