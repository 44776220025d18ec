import type { z } from 'zod';
import { ValidationError } from '../../shared/errors/app-error.js';

export interface FieldProblem {
  field: string;
  message: string;
}

/** At most this many problems are listed in an error's `details`; one more entry counts the rest. */
export const MAX_LISTED_PROBLEMS = 100;

/** `urls.0` -> `urls[0]`: the field as a client would write it. */
function fieldName(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${String(p)}` : String(p)),
    '',
  );
}

/** The body as an object, or a 400: every request body ferry takes is a JSON object. */
export function requireObject(value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ValidationError('The body must be a JSON object', [{ field: '', message: 'must be an object' }]);
  }
  return value as Record<string, unknown>;
}

/**
 * A 400 naming the offending fields. However many problems there are, the error stays small: the first
 * {@link MAX_LISTED_PROBLEMS} are listed and one last entry counts the others.
 */
export function validationError(problems: readonly FieldProblem[]): ValidationError {
  const listed = problems.slice(0, MAX_LISTED_PROBLEMS);
  const rest = problems.length - listed.length;
  const fields = [...new Set(listed.map((d) => d.field))].join(', ');
  const more = rest > 0 ? ` and ${rest} more` : '';
  const details = rest > 0 ? [...listed, { field: '', message: `and ${rest} more problems` }] : listed;
  return new ValidationError(`Invalid request: ${fields}${more}`, details);
}

/**
 * Every string of a parsed JSON body (keys too) that is not well-formed Unicode: a lone surrogate (`"\ud800"`)
 * passes JSON.parse and the schemas, then turns into U+FFFD or fails (`URI malformed`) further on. One walk over
 * the whole body covers every string field, present and future. Iterative: a deeply nested body cannot overflow
 * the stack.
 */
function illFormedStrings(body: object): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const message = 'must be well-formed Unicode';
  const stack: { value: unknown; path: PropertyKey[] }[] = [{ value: body, path: [] }];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const { value, path } = next;
    if (typeof value === 'string') {
      if (!value.isWellFormed()) problems.push({ field: fieldName(path), message });
    } else if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], path: [...path, i] });
    } else if (typeof value === 'object' && value !== null) {
      const entries = Object.entries(value as Record<string, unknown>);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, child] = entries[i]!;
        if (!key.isWellFormed()) problems.push({ field: fieldName([...path, key]), message });
        stack.push({ value: child, path: [...path, key] });
      }
    }
  }
  return problems;
}

/**
 * Parses `value` with `schema` or throws a 400 whose details name the offending fields: the schema's, and every
 * string that is not well-formed Unicode.
 */
export function parseBody<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const body = requireObject(value);
  const illFormed = illFormedStrings(body);
  const parsed = schema.safeParse(body);
  if (parsed.success && illFormed.length === 0) return parsed.data;
  const problems: FieldProblem[] = (parsed.error?.issues ?? []).flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ field: fieldName([...issue.path, key]), message: 'is not a known field' }));
    }
    return [{ field: fieldName(issue.path), message: issue.message }];
  });
  throw validationError([...illFormed, ...problems]);
}
