import type { z } from 'zod';
import { ValidationError } from '../../shared/errors/app-error.js';

export interface FieldProblem {
  field: string;
  message: string;
}

/** `urls.0` -> `urls[0]`: the field as a client would write it. */
function fieldName(path: PropertyKey[]): string {
  return path.reduce<string>(
    (acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${String(p)}` : String(p)),
    '',
  );
}

/** Parses `value` with `schema` or throws a 400 whose details name every offending field. */
export function parseBody<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ValidationError('The body must be a JSON object', [{ field: '', message: 'must be an object' }]);
  }
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const details: FieldProblem[] = parsed.error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ field: fieldName([...issue.path, key]), message: 'is not a known field' }));
    }
    return [{ field: fieldName(issue.path), message: issue.message }];
  });
  const fields = [...new Set(details.map((d) => d.field))].join(', ');
  throw new ValidationError(`Invalid request: ${fields}`, details);
}
