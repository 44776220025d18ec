import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFileServer, type FileServer } from '../../fixtures/file-server.js';
import { solidPng } from '../../local/sample-files.js';
import { KEY_A, startHarness, type Harness } from '../helpers/harness.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ESC = '\x1b';

let h: Harness;
let files: FileServer;
let home: string;
const held: ServerResponse[] = [];

beforeAll(async () => {
  [h, files] = await Promise.all([startHarness({ env: { DOWNLOAD_CONCURRENCY: '1' } }), startFileServer()]);
  home = await mkdtemp(join(tmpdir(), 'ferry-cli-home-'));
  files.file('/p/1.png', solidPng(4, 4, [1, 2, 3]), 'image/png');
  files.file('/p/2.png', solidPng(4, 4, [4, 5, 6]), 'image/png');
});
afterAll(async () => {
  for (const res of held) res.destroy();
  await Promise.all([h?.close(), files?.close(), home && rm(home, { recursive: true, force: true })]);
});

interface Spawned {
  /** Resolves once stdout holds a match for `pattern`. */
  waitFor(pattern: RegExp): Promise<void>;
  signal(name: NodeJS.Signals): void;
  /** Writes to the child's stdin (left open with `keepStdin`). */
  write(text: string): void;
  done: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

/**
 * The real bin in a child process (node + tsx, as `npm run ferry` minus npm), with an environment of the test's
 * own: HOME is a temp folder, so nothing reads or writes the real profile.
 */
function ferry(
  args: string[],
  o: { env?: Record<string, string>; stdin?: string; argv0?: string[]; keepStdin?: boolean } = {},
): Spawned {
  const command = o.argv0 ?? [process.execPath, '--import', 'tsx', 'cli/ferry.ts'];
  const child = spawn(command[0]!, [...command.slice(1), ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: home, FERRY_URL: h.baseUrl, FERRY_API_KEY: KEY_A, ...o.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const watchers: { pattern: RegExp; resolve: () => void }[] = [];
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    for (const w of watchers) if (w.pattern.test(stdout)) w.resolve();
  });
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  if (!o.keepStdin) child.stdin.end(o.stdin ?? '');
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr })),
  );
  return {
    waitFor: (pattern) =>
      new Promise<void>((resolve, reject) => {
        if (pattern.test(stdout)) return resolve();
        watchers.push({ pattern, resolve });
        void done.then(() => reject(new Error(`exited before ${pattern}: ${stdout} ${stderr}`)));
      }),
    signal: (name) => child.kill(name),
    write: (text) => child.stdin.write(text),
    done,
  };
}

const run = (args: string[], o?: Parameters<typeof ferry>[1]) => ferry(args, o).done;

/** A route that answers only once `release()` is called. */
function gated(path: string): { release: () => void } {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  files.route(path, (_req, res) => {
    held.push(res);
    void gate.then(() => res.writeHead(200, { 'content-type': 'image/png' }).end(solidPng(4, 4, [7, 8, 9])));
  });
  return { release };
}

describe('the ferry CLI as a process against the real stack', () => {
  it('zip --wait --json prints the final job document and nothing else, exit 0', async () => {
    const res = await run([
      'zip',
      files.url('/p/1.png'),
      files.url('/p/2.png'),
      '--name',
      'photos',
      '--wait',
      '--json',
    ]);
    expect(res.code, res.stderr).toBe(0);
    const doc = JSON.parse(res.stdout);
    expect(doc).toMatchObject({ type: 'zip', state: 'completed', result: { filename: 'photos.zip' } });
    expect(doc.result.entries).toHaveLength(2);
  });

  it('zip --wait without a terminal: plain progress lines, then the links; no escape codes', async () => {
    const res = await run(['zip', files.url('/p/1.png'), '--wait', '--password', 'correct horse']);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/^share: http:\/\/\S+\/s\/\S+$/m);
    expect(res.stdout).not.toContain(ESC);
    expect(res.stdout).not.toContain('\r');
    expect(res.stdout).toMatch(/^zip_\S+ +zip +completed +1\/1 files/m);
    expect(res.stdout).toMatch(/^archive: files\.zip \(1 files, /m);
    expect(res.stdout).toMatch(/^download: http:\/\/\S+/m);
  });

  it('a failed job exits 1; a usage error exits 2; without --wait the id is printed', async () => {
    const failed = await run(['zip', files.url('/p/none.png'), '--wait']);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/ failed /);
    expect(failed.stdout).toMatch(/^error: /m);
    const usage = await run(['zip']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('Give at least one URL');
    expect(usage.stderr).toContain('Usage: ferry zip');
    const bad = await run(['zip', 'ftp://x']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('invalid_request');
    const queued = await run(['zip', files.url('/p/1.png')]);
    expect(queued.code).toBe(0);
    expect(queued.stdout).toMatch(/^zip_\S+\n$/);
    await h.waitForJob(queued.stdout.trim());
  });

  it('ingest --from-file - --wait prints one line per URL; status, watch and cancel', async () => {
    const res = await run(['ingest', '--from-file', '-', '--wait'], {
      stdin: `${files.url('/p/2.png')}\n# a comment\n\n${files.url('/p/none.png')}\n`,
    });
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/^stored +\S+\/p\/2\.png +\S+\/media\/\S+ +http\S+$/m);
    expect(res.stdout).toMatch(/^failed +\S+\/p\/none\.png +not_found: /m);
    const id = /^(ing_\S+)/m.exec(res.stdout)![1]!;
    const status = await run(['status', id, '--json']);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ id, state: 'completed' });
    const watch = await run(['watch', id]);
    expect(watch.code).toBe(0);
    expect(watch.stdout).toContain(`${id}  ingest  completed`);
    const cancel = await run(['cancel', id]);
    expect(cancel.code).toBe(1);
    expect(cancel.stderr).toContain('job_finished');
  });

  it('Ctrl-C with --cancel-on-interrupt cancels the job: exit 1, cancelled; without it (no terminal to ask) the job is left running, exit 130', async () => {
    const gate = gated('/p/held.png');
    const p = ferry(['zip', files.url('/p/held.png'), '--wait', '--cancel-on-interrupt']);
    await p.waitFor(/ active/);
    p.signal('SIGINT');
    const res = await p.done;
    expect(res.code, res.stderr).toBe(1);
    expect(res.stdout).toMatch(/ cancelled /);

    const left = ferry(['zip', files.url('/p/held.png'), '--wait']);
    // The line comes from the event stream: the CLI listens for Ctrl-C by then.
    await left.waitFor(/ active/);
    left.signal('SIGINT');
    const leftRes = await left.done;
    expect(leftRes.code).toBe(130);
    const id = /^(zip_\S+)/.exec(leftRes.stdout)![1]!;
    expect(leftRes.stderr).toContain(`ferry watch ${id}`);
    gate.release();
    expect((await h.waitForJob(id)).state).toBe('completed');
  });

  it('on a terminal (script -qc, a pseudo-terminal) the progress line is drawn in place and cleared', async () => {
    const gate = gated('/p/tty.png');
    const cmd = [
      process.execPath,
      '--import',
      'tsx',
      'cli/ferry.ts',
      'zip',
      files.url('/p/1.png'),
      files.url('/p/tty.png'),
      '--wait',
    ]
      .map((a) => `'${a}'`)
      .join(' ');
    // exec: the shell script starts must not stay between the terminal and the CLI (it would take the Ctrl-C too).
    const execCmd = `exec ${cmd}`;
    const p = ferry([], { argv0: ['script', '-qec', execCmd, '/dev/null'] });
    // The second file is held until the live line has shown the first one done.
    await p.waitFor(/1\/2 files/);
    gate.release();
    const res = await p.done;
    expect(res.code, res.stderr).toBe(0);
    const out = res.stdout;
    const clear = `\r${ESC}[2K`;
    expect(out).toContain(`${clear}zip_`);
    expect(out).toMatch(/1\/2 files, [\d.]+ \S+(, [\d.]+ \S+\/s)?, ETA /);
    // The last thing drawn before the result is the erase: no progress line is left above the links.
    const result = out.indexOf('zip_', out.lastIndexOf(clear));
    expect(out.lastIndexOf(clear)).toBeLessThan(result);
    expect(out.slice(out.lastIndexOf(clear) + clear.length)).toMatch(/^zip_\S+ +zip +completed +2\/2 files/);
    expect(out).toMatch(/download: http/);
  });

  it('on a terminal, Ctrl-C asks whether to cancel; yes cancels the job (exit 1)', async () => {
    const gate = gated('/p/ask.png');
    const cmd = [process.execPath, '--import', 'tsx', 'cli/ferry.ts', 'zip', files.url('/p/ask.png'), '--wait']
      .map((a) => `'${a}'`)
      .join(' ');
    // exec: the shell script starts must not stay between the terminal and the CLI (it would take the Ctrl-C too).
    const execCmd = `exec ${cmd}`;
    const p = ferry([], { argv0: ['script', '-qec', execCmd, '/dev/null'], keepStdin: true });
    await p.waitFor(/ active/);
    // Ctrl-C typed on the terminal: the pseudo-terminal turns it into SIGINT for the CLI.
    p.write('\x03');
    await p.waitFor(/Cancel job zip_\S+\? \[y\/N\] /);
    p.write('y\r');
    const res = await p.done;
    gate.release();
    expect(res.code, res.stdout).toBe(1);
    expect(res.stdout).toMatch(/zip_\S+ +zip +cancelled/);
  });

  it('configure writes the profile (0600) under HOME or XDG_CONFIG_HOME; flags win over it', async () => {
    const env = { FERRY_URL: '', FERRY_API_KEY: '' };
    const saved = await run(['configure', '--url', h.baseUrl, '--key', KEY_A], { env });
    expect(saved.code, saved.stderr).toBe(0);
    const path = join(home, '.config', 'ferry', 'config.json');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({ url: h.baseUrl, apiKey: KEY_A });
    const queued = await run(['zip', files.url('/p/1.png')], { env });
    expect(queued.code, queued.stderr).toBe(0);
    const wrongKey = await run(['status', queued.stdout.trim(), '--key', 'nope'], { env });
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.stderr).toContain('unauthorized');

    const xdg = await mkdtemp(join(tmpdir(), 'ferry-cli-xdg-'));
    const none = await run(['status', queued.stdout.trim()], { env: { ...env, XDG_CONFIG_HOME: xdg } });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('No API address');
    await run(['configure', '--url', h.baseUrl, '--key', KEY_A], { env: { ...env, XDG_CONFIG_HOME: xdg } });
    expect((await stat(join(xdg, 'ferry', 'config.json'))).mode & 0o777).toBe(0o600);
    await rm(xdg, { recursive: true, force: true });
  });
});
