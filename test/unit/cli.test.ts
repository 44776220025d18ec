import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { run } from '../../cli/run.js';
import { loadConfig } from '../../shared/config.js';
import { hashApiKey, loadTenants } from '../../shared/tenants.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command in-process, capturing what it writes. */
async function ferry(args: string[], env?: Record<string, string>): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await run(args, {
    out: (text) => (stdout += text),
    err: (text) => (stderr += text),
    env,
  });
  return { code, stdout, stderr };
}

/** Runs the real bin in a child process, exactly as `npm run ferry -- ...` does (minus npm). */
function ferryProcess(...args: string[]): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'cli/ferry.ts', ...args],
      { cwd: ROOT, timeout: 30_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

describe('ferry CLI', () => {
  it('hash-key prints the SHA-256 hex of the key', async () => {
    const res = await ferry(['hash-key', 'abc']);
    expect(res).toMatchObject({ code: 0, stderr: '' });
    expect(res.stdout).toBe(`${sha256('abc')}\n`);
  });

  it('hash-key hashes the UTF-8 bytes of a non-ASCII key', async () => {
    const res = await ferry(['hash-key', 'clé-ключ']);
    expect(res.code).toBe(0);
    expect(res.stdout.trim()).toBe(sha256('clé-ключ'));
  });

  it('new-key prints a key, the hash of that key and a webhook secret', async () => {
    const res = await ferry(['new-key']);
    expect(res.code).toBe(0);
    const key = /^api key: +(\S+)$/m.exec(res.stdout)?.[1];
    const hash = /^api key sha256: +(\S+)$/m.exec(res.stdout)?.[1];
    const secret = /^webhook secret: +(\S+)$/m.exec(res.stdout)?.[1];
    expect(key).toMatch(/^fk_[A-Za-z0-9_-]{32}$/);
    expect(hash).toBe(sha256(key!));
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/=]+$/);
    expect(Buffer.from(secret!.slice('whsec_'.length), 'base64')).toHaveLength(24);
  });

  it('new-key with an argument is a usage error', async () => {
    const res = await ferry(['new-key', 'extra']);
    expect(res.code).toBe(2);
    expect(res.stdout).toBe('');
    expect(res.stderr).toContain('new-key takes no arguments');
    expect(res.stderr).toContain('Usage:');
  });

  it('help prints the usage on stdout', async () => {
    for (const spelling of ['help', '--help', '-h']) {
      const res = await ferry([spelling]);
      expect(res.code, spelling).toBe(0);
      expect(res.stdout).toContain('hash-key <key>');
      expect(res.stdout).toContain('new-key');
      expect(res.stderr).toBe('');
    }
  });

  it('an unknown command prints the usage on stderr and exits 2', async () => {
    const res = await ferry(['frobnicate']);
    expect(res.code).toBe(2);
    expect(res.stdout).toBe('');
    expect(res.stderr).toContain('Unknown command: frobnicate');
    expect(res.stderr).toContain('Usage:');
  });

  it('a name Object.prototype has is an unknown command too', async () => {
    const res = await ferry(['constructor']);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('Unknown command: constructor');
  });

  it('no command prints the usage on stderr and exits 2', async () => {
    const res = await ferry([]);
    expect(res.code).toBe(2);
    expect(res.stdout).toBe('');
    expect(res.stderr).toContain('Usage:');
  });

  it('hash-key without a key is a usage error', async () => {
    const res = await ferry(['hash-key']);
    expect(res.code).toBe(2);
    expect(res.stdout).toBe('');
    expect(res.stderr).toContain('Usage:');
  });

  // The S3 and DynamoDB part of setup runs against the real stack in test/integration/setup-command.test.ts.
  it('setup configures itself from the environment it is given: a bad value fails, naming the variable', async () => {
    const res = await ferry(['setup'], { PORT: 'not-a-port' });
    expect(res.code).toBe(1);
    expect(res.stdout).toBe('');
    expect(res.stderr).toContain('Invalid configuration');
    expect(res.stderr).toContain('PORT');
  });

  it('the bin passes its arguments to run() and exits with its code', async () => {
    const [ok, usage] = await Promise.all([ferryProcess('hash-key', 'abc'), ferryProcess('frobnicate')]);
    expect(ok).toEqual({ code: 0, stdout: `${sha256('abc')}\n`, stderr: '' });
    expect(usage.code).toBe(2);
    expect(usage.stdout).toBe('');
    expect(usage.stderr).toContain('Unknown command: frobnicate');
  });

  it('tenants add|list|rotate-key|remove edit a tenants file the service can load', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ferry-tenants-'));
    const file = join(dir, 'tenants.json');
    const kept = { id: 'keep', apiKeys: [hashApiKey('k')], limits: { maxFilesPerJob: 5 } };
    await writeFile(file, JSON.stringify([kept]));
    const env = { FERRY_TENANTS_FILE: file };
    const added = await ferry(['tenants', 'add', 'acme', '--limits', '{"jobsPerMinute": 30}'], env);
    expect(added.code, added.stderr).toBe(0);
    const key = /^api key: +(\S+)$/m.exec(added.stdout)![1]!;
    const rotated = await ferry(['tenants', 'rotate-key', 'acme'], env);
    const key2 = /^api key: +(\S+)$/m.exec(rotated.stdout)![1]!;
    const list = await ferry(['tenants', 'list'], env);
    expect(list.stdout).toMatch(/^acme +2 keys +webhook secret +limits \{"jobsPerMinute":30\}$/m);
    const text = await readFile(file, 'utf8');
    expect(text).not.toContain(key);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const tenants = loadTenants(loadConfig({ FERRY_TENANTS_FILE: file }))!;
    expect(tenants.find((t) => t.id === 'acme')?.apiKeyHashes).toEqual([hashApiKey(key), hashApiKey(key2)]);
    // The entries the command did not touch are kept as written.
    expect(JSON.parse(text)[0]).toEqual(kept);
    expect((await ferry(['tenants', 'add', 'acme'], env)).code).toBe(1);
    expect((await ferry(['tenants', 'add', 'Bad Id'], env)).code).toBe(2);
    expect((await ferry(['tenants', 'remove', 'acme'], env)).code).toBe(0);
    expect((await ferry(['tenants', 'list'], env)).stdout).not.toContain('acme');
    await rm(dir, { recursive: true, force: true });
  });

  it('--help is complete for every command', async () => {
    const all = await ferry(['--help']);
    expect(all.code).toBe(0);
    for (const name of [
      'zip',
      'ingest',
      'status',
      'watch',
      'cancel',
      'tenants',
      'configure',
      'setup',
      'hash-key',
      'new-key',
    ]) {
      expect(all.stdout, name).toContain(`  ${name}`);
    }
    const names = ['zip', 'ingest', 'status', 'watch', 'cancel', 'tenants', 'configure'];
    const helps = await Promise.all(names.map((name) => ferry([name, '--help'])));
    for (const [i, name] of names.entries()) {
      const res = helps[i]!;
      expect(res.code, name).toBe(0);
      expect(res.stdout, name).toContain(`Usage: ferry ${name}`);
      expect(res.stdout, name).toContain('--help');
    }
  });
});
