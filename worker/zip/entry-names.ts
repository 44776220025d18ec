import { extensionFor } from '../fetch/content-type.js';

const MAX_SEGMENT_BYTES = 255;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/g;
// Characters Windows cannot store in a file name; replaced so archives extract everywhere.
const RESERVED_CHARS = /[<>:"|?*]/g;
// Bidi controls (which can make `invoice\u202Egpj.exe` display as `invoiceexe.jpg`) and invisible format
// characters. Zero-width joiners (U+200C/U+200D) are kept: emoji sequences and several scripts need them.
const INVISIBLE_CHARS = /[\u061c\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;
const LONE_SURROGATES = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
// Device names Windows will not create as files, whatever follows the first dot (`NUL.tar.gz` too).
const WINDOWS_RESERVED =
  /^(con|prn|aux|nul|com[0-9\u00b9\u00b2\u00b3]|lpt[0-9\u00b9\u00b2\u00b3]|conin\$|conout\$) *(\.|$)/i;

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
 * A name that is safe to extract anywhere: well-formed Unicode in NFC, no control, bidi or reserved characters,
 * no `.`/`..` segments, no leading `/` or drive letter, no Windows device names (`CON`, `aux.png` become `_CON`,
 * `_aux.png`), each segment at most 255 bytes. Undefined when nothing usable is left.
 */
export function sanitizeEntryName(raw: string): string | undefined {
  const segments = raw
    .replace(LONE_SURROGATES, '')
    .normalize('NFC')
    .replace(CONTROL_CHARS, '')
    .replace(INVISIBLE_CHARS, '')
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
    .map((s) => fitSegment(WINDOWS_RESERVED.test(s) ? `_${s}` : s));
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
 * case-insensitively because the file systems most archives are extracted onto (Windows, macOS) do. A name is
 * never both a file and a folder (extracting `x` and `x/y.png` fails): a file named like a folder in use is
 * suffixed, and a folder named like a file already handed out is suffixed (`x (2)/y.png`), the same way for
 * every later entry under it.
 */
export class EntryNameAllocator {
  private readonly files = new Set<string>();
  private readonly folders = new Set<string>();
  /** Folder path as asked (resolved parent + segment, lower case) -> the folder path handed out. */
  private readonly folderAlias = new Map<string, string>();
  /** Next counter to try per name, so 70,000 files all called `image.jpg` cost linear time, not quadratic. */
  private readonly nextCounter = new Map<string, number>();

  allocate(name: string): string {
    const slash = name.lastIndexOf('/');
    const dir = slash < 0 ? '' : this.folder(name.slice(0, slash).split('/'));
    const wanted = dir + name.slice(slash + 1);
    const key = wanted.toLowerCase();
    let candidate = wanted;
    if (this.isTaken(key)) {
      let n = this.nextCounter.get(key) ?? 2;
      while (this.isTaken((candidate = withCounter(wanted, n)).toLowerCase())) n++;
      this.nextCounter.set(key, n + 1);
    }
    this.files.add(candidate.toLowerCase());
    return candidate;
  }

  private isTaken(key: string): boolean {
    return this.files.has(key) || this.folders.has(key);
  }

  /** The folder path (with a trailing `/`) handed out for these segments, reserving it. */
  private folder(segments: string[]): string {
    let dir = '';
    for (const segment of segments) {
      const asked = `${dir}${segment}`;
      const aliasKey = asked.toLowerCase();
      let resolved = this.folderAlias.get(aliasKey);
      if (resolved === undefined) {
        resolved = asked;
        for (let n = 2; this.files.has(resolved.toLowerCase()); n++) resolved = dir + segmentWithCounter(segment, n);
        this.folderAlias.set(aliasKey, resolved);
        this.folders.add(resolved.toLowerCase());
      }
      dir = `${resolved}/`;
    }
    return dir;
  }
}

function segmentWithCounter(segment: string, n: number): string {
  const suffix = ` (${n})`;
  return truncateUtf8(segment, MAX_SEGMENT_BYTES - suffix.length) + suffix;
}
function withCounter(name: string, n: number): string {
  const slash = name.lastIndexOf('/');
  const dir = name.slice(0, slash + 1);
  const [stem, ext] = splitExtension(name.slice(slash + 1));
  const suffix = ` (${n})${ext}`;
  return dir + truncateUtf8(stem, MAX_SEGMENT_BYTES - Buffer.byteLength(suffix)) + suffix;
}
