const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for HTML content and quoted attribute values. */
export function escapeHtml(value: string | number): string {
  return String(value).replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/**
 * A tagged template that escapes every interpolated value, except those already made by `html` (a `SafeHtml`)
 * and arrays of them: pages and emails are built from these, so nothing reaches the markup unescaped by accident.
 */
export class SafeHtml {
  constructor(readonly value: string) {}

  toString(): string {
    return this.value;
  }
}

type Interpolated = string | number | SafeHtml | readonly SafeHtml[] | undefined | false;

export function html(strings: TemplateStringsArray, ...values: Interpolated[]): SafeHtml {
  let out = strings[0]!;
  values.forEach((v, i) => {
    if (v instanceof SafeHtml) out += v.value;
    else if (Array.isArray(v)) out += (v as readonly SafeHtml[]).map((part) => part.value).join('');
    else if (v !== undefined && v !== false) out += escapeHtml(v as string | number);
    out += strings[i + 1]!;
  });
  return new SafeHtml(out);
}
