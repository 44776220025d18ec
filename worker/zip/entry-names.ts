import { extensionFor } from '../fetch/content-type.js';

const MAX_SEGMENT_BYTES = 255;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/g;
// Characters Windows cannot store in a file name; replaced so archives extract everywhere.
const RESERVED_CHARS = /[<>:"|?*]/g;

function splitExtension(segment: string): [stem: string, ext: string] {
  const dot = segment.lastIndexOf('.');
  return dot > 0 ? [segment.slice(0, dot), segment.slice(dot)] : [segment, ''];
}

/** Cuts a string to at most `max` UTF-8 bytes without splitting a character. */
function truncateUtf8(s: string, max: number): string {
  if (Buffer.byteLength(s) <= max) return s;
  let out = '';
  let bytes = 0;
  for (const ch of s) {
    const n = Buffer.byteLength(ch);
    if (bytes + n > max) break;
    out += ch;
    bytes += n;
  }
  return out;
}

function fitSegment(segment: string, max = MAX_SEGMENT_BYTES): string {
  if (Buffer.byteLength(segment) <= max) return segment;
  const [stem, ext] = splitExtension(segment);
  const keptExt = Buffer.byteLength(ext) < max / 2 ? ext : '';
  return truncateUtf8(stem, max - Buffer.byteLength(keptExt)) + keptExt;
}

/**
 * A name that is safe to extract anywhere: NFC, no control or reserved characters, no `.`/`..` segments,
 * no leading `/` or drive letter, each segment at most 255 bytes. Undefined when nothing usable is left.
 */
export function sanitizeEntryName(raw: string): string | undefined {
  const segments = raw
    .normalize('NFC')
    .replace(CONTROL_CHARS, '')
    .replace(/\\/g, '/')
    .replace(/^[A-Za-z]:/, '')
    .split('/')
    // Trailing dots and spaces are dropped (Windows does the same), which also removes `.` and `..`.
    .map((s) =>
      s
        .replace(RESERVED_CHARS, '_')
        .trim()
        .replace(/[. ]+$/, ''),
    )
    .filter((s) => s !== '')
    .map((s) => fitSegment(s));
  return segments.length === 0 ? undefined : segments.join('/');
}

function urlBasename(url: string): string | undefined {
  try {
    const last = new URL(url).pathname.split('/').pop();
    if (!last) return undefined;
    try {
      return decodeURIComponent(last);
    } catch {
      return last;
    }
  } catch {
    return undefined;
  }
}

export interface EntryNameSource {
  url: string;
  suggestedName?: string;
  contentType: string;
  sha256: string;
}

/**
 * The name for a file the client did not name: the server's Content-Disposition filename, else the URL path's
 * last segment, else a hash; an extension from the content type when it has none.
 */
export function deriveEntryName(src: EntryNameSource): string {
  const fromHeader = src.suggestedName ? sanitizeEntryName(src.suggestedName.split(/[/\\]/).pop() ?? '') : undefined;
  const base = fromHeader ?? sanitizeEntryName(urlBasename(src.url) ?? '') ?? src.sha256.slice(0, 16);
  const [, ext] = splitExtension(base);
  const wanted = ext === '' ? extensionFor(src.contentType) : undefined;
  return wanted ? fitSegment(`${base}.${wanted}`) : base;
}

/**
 * Hands out unique names: a taken name gets ` (2)`, ` (3)`... before its extension. Names are compared
 * case-insensitively because the file systems most archives are extracted onto (Windows, macOS) do.
 */
export class EntryNameAllocator {
  private readonly taken = new Set<string>();
  /** Next counter to try per name, so 70,000 files all called `image.jpg` cost linear time, not quadratic. */
  private readonly nextCounter = new Map<string, number>();

  allocate(name: string): string {
    const key = name.toLowerCase();
    let candidate = name;
    if (this.taken.has(key)) {
      let n = this.nextCounter.get(key) ?? 2;
      while (this.taken.has((candidate = withCounter(name, n)).toLowerCase())) n++;
      this.nextCounter.set(key, n + 1);
    }
    this.taken.add(candidate.toLowerCase());
    return candidate;
  }
}

function withCounter(name: string, n: number): string {
  const slash = name.lastIndexOf('/');
  const dir = name.slice(0, slash + 1);
  const [stem, ext] = splitExtension(name.slice(slash + 1));
  const suffix = ` (${n})${ext}`;
  return dir + truncateUtf8(stem, MAX_SEGMENT_BYTES - Buffer.byteLength(suffix)) + suffix;
}
