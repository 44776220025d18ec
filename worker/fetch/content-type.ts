import { fileTypeFromBuffer } from 'file-type';
import mime from 'mime-types';

/** Bytes file-type needs to recognise every format it knows. */
export const SNIFF_BYTES = 4100;

const TEXTUAL_TYPES =
  /^(text\/[a-z0-9.+-]+|application\/(json|xml|javascript|[a-z0-9.+-]+\+(json|xml))|image\/svg\+xml)$/;

function headerType(header: string | undefined): string | undefined {
  const type = header?.split(';')[0]?.trim().toLowerCase();
  return type === '' ? undefined : type;
}

function looksLikeText(head: Uint8Array): boolean {
  return !head.includes(0);
}

/**
 * The type of a file by its bytes: magic numbers first; text formats have none, so a textual header type is
 * believed only when the bytes hold no NUL. Anything else is `application/octet-stream`, whatever the header says.
 */
export async function sniffContentType(head: Uint8Array, header: string | undefined): Promise<string> {
  const sniffed = await fileTypeFromBuffer(head);
  if (sniffed) return sniffed.mime;
  if (!looksLikeText(head)) return 'application/octet-stream';
  const claimed = headerType(header);
  return claimed !== undefined && TEXTUAL_TYPES.test(claimed) ? claimed : 'text/plain';
}

/** `image/*`, `*\/*` and exact types. */
export function isTypeAllowed(type: string, allowed: readonly string[]): boolean {
  const [major] = type.split('/');
  return allowed.some((pattern) => pattern === '*/*' || pattern === type || pattern === `${major}/*`);
}

const EXTENSION_OVERRIDES: Record<string, string> = { 'audio/mpeg': 'mp3', 'image/jpeg': 'jpg' };

/** The usual file extension (without the dot) of a content type, if it has one. */
export function extensionFor(contentType: string): string | undefined {
  return EXTENSION_OVERRIDES[contentType] ?? (mime.extension(contentType) || undefined);
}
