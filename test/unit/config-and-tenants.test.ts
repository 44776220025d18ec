import { describe, expect, it } from 'vitest';
import { newJobId, parseJobId } from '../../api/jobs/job-id.js';
import { loadConfig } from '../../shared/config.js';
import { ConfigError } from '../../shared/errors/app-error.js';
import { formatFailure, parseFailure } from '../../shared/errors/job-failure.js';
import { hashApiKey, loadTenants, TenantRegistry } from '../../shared/tenants.js';

describe('loadConfig', () => {
  it('has working defaults', () => {
    const c = loadConfig({});
    expect(c.PORT).toBe(3000);
    expect(c.QUEUE_PREFIX).toBe('ferry');
    expect(c.ALLOW_PRIVATE_NETWORKS).toBe(false);
    expect(c.DEFAULT_ALLOWED_TYPES).toEqual(['image/*', 'video/*', 'audio/*', 'application/pdf']);
  });
  it.each([
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['ALLOW_PRIVATE_NETWORKS', 'maybe'],
    ['S3_ENDPOINT', 'not a url'],
    ['DOWNLOAD_CONCURRENCY', '0'],
    ['QUEUE_PREFIX', 'has space'],
    ['S3_CHECKSUMS', 'always'],
  ])('stops on a bad %s naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(name));
  });
  it('parses booleans and lists', () => {
    const c = loadConfig({ ALLOW_PRIVATE_NETWORKS: 'true', SSRF_ALLOW_IPS: ' 10.0.0.1 , ::1 ', S3_KEY_PREFIX: '/p/' });
    expect(c.ALLOW_PRIVATE_NETWORKS).toBe(true);
    expect(c.SSRF_ALLOW_IPS).toEqual(['10.0.0.1', '::1']);
    expect(c.S3_KEY_PREFIX).toBe('p');
  });
  it('refuses a default expiry above the maximum', () => {
    expect(() => loadConfig({ ZIP_DEFAULT_EXPIRES_IN: '7200', ZIP_MAX_EXPIRES_IN: '3600' })).toThrow(
      /ZIP_DEFAULT_EXPIRES_IN/,
    );
  });
});

describe('tenants', () => {
  const key = 'secret-key';
  const json = (t: unknown) => loadTenants(loadConfig({ FERRY_TENANTS: JSON.stringify(t) }));

  it('fills limits from the defaults and looks tenants up by key hash', () => {
    const tenants = json([{ id: 'acme', apiKeys: [hashApiKey(key)], limits: { maxFilesPerJob: 5 } }])!;
    expect(tenants[0]!.limits.maxFilesPerJob).toBe(5);
    expect(tenants[0]!.limits.jobsPerMinute).toBe(60);
    const registry = new TenantRegistry(tenants);
    expect(registry.byApiKey(key)?.id).toBe('acme');
    expect(registry.byApiKey(hashApiKey(key))).toBeUndefined();
    expect(registry.byApiKey('other')).toBeUndefined();
  });
  it('is undefined when no tenants are configured', () => {
    expect(loadTenants(loadConfig({}))).toBeUndefined();
  });
  it.each([
    ['not JSON', '{'],
    ['a bad id', JSON.stringify([{ id: 'Acme_1', apiKeys: ['a'.repeat(64)] }])],
    ['a plain key instead of a hash', JSON.stringify([{ id: 'acme', apiKeys: ['my-key'] }])],
    [
      'a duplicate id',
      JSON.stringify([
        { id: 'a', apiKeys: ['a'.repeat(64)] },
        { id: 'a', apiKeys: ['b'.repeat(64)] },
      ]),
    ],
    ['an unknown limit', JSON.stringify([{ id: 'a', apiKeys: ['a'.repeat(64)], limits: { turbo: 1 } }])],
  ])('refuses %s, naming FERRY_TENANTS', (_label, raw) => {
    expect(() => loadTenants(loadConfig({ FERRY_TENANTS: raw }))).toThrow(/FERRY_TENANTS/);
  });
  it('refuses a key shared by two tenants', () => {
    const h = hashApiKey(key);
    expect(
      () =>
        new TenantRegistry(
          json([
            { id: 'a', apiKeys: [h] },
            { id: 'b', apiKeys: [h] },
          ])!,
        ),
    ).toThrow(ConfigError);
  });
});

describe('job ids and failures', () => {
  it('carry the type and tenant and are unguessable', () => {
    const id = newJobId('zip', 'acme-1');
    expect(parseJobId(id)).toEqual({ type: 'zip', tenant: 'acme-1' });
    expect(newJobId('zip', 'acme-1')).not.toBe(id);
    expect(parseJobId(newJobId('ingest', 'x'))).toEqual({ type: 'ingest', tenant: 'x' });
    for (const bad of ['zip_acme', 'foo_acme_AAAAAAAAAAAAAAAAAAAAAA', 'zip_ac_me_AAAAAAAAAAAAAAAAAAAAA', '']) {
      expect(parseJobId(bad)).toBeUndefined();
    }
  });
  it('round-trip a failure code through BullMQ failedReason', () => {
    expect(parseFailure(formatFailure('not_found', 'http://x: gone'))).toEqual({
      code: 'not_found',
      message: 'http://x: gone',
    });
    expect(parseFailure('Something odd')).toEqual({ code: 'internal_error', message: 'Something odd' });
  });
});

describe('empty and cross-checked settings', () => {
  it('treats an empty variable as unset', () => {
    expect(loadConfig({ PORT: '', FETCH_RETRIES: ' ' }).PORT).toBe(3000);
    expect(loadConfig({ FETCH_RETRIES: '' }).FETCH_RETRIES).toBe(2);
  });
  it('refuses a retention shorter than the longest archive expiry', () => {
    expect(() => loadConfig({ JOB_RETENTION_SECONDS: '3600' })).toThrow(/JOB_RETENTION_SECONDS/);
  });
});
