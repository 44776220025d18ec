import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI in a child process, exactly as `npm run ferry -- ...` does (minus npm). */
function ferry(...args: string[]): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'shared/cli/ferry.ts', ...args],
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
    const run = await ferry('hash-key', 'abc');
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toBe(`${sha256('abc')}\n`);
  });

  it('hash-key hashes the UTF-8 bytes of a non-ASCII key', async () => {
    const run = await ferry('hash-key', 'clé-ключ');
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe(sha256('clé-ключ'));
  });

  it('new-key prints a key, the hash of that key and a webhook secret', async () => {
    const run = await ferry('new-key');
    expect(run.code).toBe(0);
    const key = /^api key: +(\S+)$/m.exec(run.stdout)?.[1];
    const hash = /^api key sha256: +(\S+)$/m.exec(run.stdout)?.[1];
    const secret = /^webhook secret: +(\S+)$/m.exec(run.stdout)?.[1];
    expect(key).toMatch(/^fk_[A-Za-z0-9_-]{32}$/);
    expect(hash).toBe(sha256(key!));
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/=]+$/);
    expect(Buffer.from(secret!.slice('whsec_'.length), 'base64')).toHaveLength(24);
  });

  it('help prints the usage on stdout', async () => {
    const run = await ferry('help');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('hash-key <key>');
    expect(run.stdout).toContain('new-key');
  });

  it('an unknown command prints the usage on stderr and exits 2', async () => {
    const run = await ferry('frobnicate');
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('Unknown command: frobnicate');
    expect(run.stderr).toContain('Usage:');
  });

  it('hash-key without a key is a usage error', async () => {
    const run = await ferry('hash-key');
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('Usage:');
  });
});
