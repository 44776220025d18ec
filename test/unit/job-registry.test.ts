import { describe, expect, it } from 'vitest';
import { ERROR_CODES, isErrorCode } from '../../shared/errors/codes.js';
import type { JobKind } from '../../shared/jobs/job-kind.js';
import { checkRegistry, JOB_KINDS, JOB_TYPES } from '../../shared/jobs/registry.js';
import { QUEUE_NAMES } from '../../shared/queues.js';
import { checkProcessors } from '../../worker/processors/index.js';

const kind = (type: string, idPrefix: string) => ({ ...JOB_KINDS.zip, type, idPrefix }) as unknown as JobKind;

describe('the job kinds registry', () => {
  it('lists every kind under its own type, with distinct id prefixes and routes', () => {
    expect(JOB_TYPES).toEqual(['zip', 'ingest']);
    for (const type of JOB_TYPES) expect(JOB_KINDS[type].type).toBe(type);
    expect(new Set(JOB_TYPES.map((t) => JOB_KINDS[t].idPrefix)).size).toBe(JOB_TYPES.length);
    expect(new Set(JOB_TYPES.map((t) => JOB_KINDS[t].path)).size).toBe(JOB_TYPES.length);
    expect(QUEUE_NAMES).toEqual([...JOB_TYPES, 'webhook', 'mail']);
  });

  it('refuses a kind registered under another name, a taken id prefix or one that is not lower-case letters', () => {
    expect(() => checkRegistry({ a: kind('a', 'aa'), b: kind('b', 'bb') })).not.toThrow();
    expect(() => checkRegistry({ a: kind('b', 'aa') })).toThrow('job kind "b" is registered as "a"');
    expect(() => checkRegistry({ a: kind('a', 'zz'), b: kind('b', 'zz') })).toThrow('id prefix "zz" is taken');
    expect(() => checkRegistry({ a: kind('a', 'a_1') })).toThrow('lower-case letters');
  });
});

describe('the processor map', () => {
  it('refuses to start when a queue has no processor', () => {
    const all = Object.fromEntries(QUEUE_NAMES.map((q) => [q, () => Promise.resolve()]));
    expect(() => checkProcessors(all, QUEUE_NAMES)).not.toThrow();
    const { ingest: _missing, ...rest } = all;
    expect(() => checkProcessors(rest, QUEUE_NAMES)).toThrow('no processor for queue(s): ingest');
  });
});

describe('the error codes', () => {
  it('gives every code the API answers with a 4xx or 5xx status, and a retry verdict to every code', () => {
    for (const [code, info] of Object.entries(ERROR_CODES)) {
      expect(isErrorCode(code)).toBe(true);
      expect(['never', 'yes', 'per_error']).toContain(info.retry);
      if ('status' in info) expect(info.status >= 400 && info.status < 600, code).toBe(true);
    }
    expect(isErrorCode('toString')).toBe(false);
    expect(isErrorCode('no_such_code')).toBe(false);
  });
});
