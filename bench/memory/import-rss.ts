import { execFileSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from '../../fixtures/child-process.js';
import { compileOnce } from '../../fixtures/compile-once.js';
import { log } from '../harness/bench-session.js';
import { UsageError } from '../harness/usage-error.js';
import { renderTable } from '../measure/format.js';

/** One row of the table: modules imported together (package names, or paths of compiled files under dist/). */
interface ModuleGroup {
  name: string;
  modules: string[];
}

/**
 * What the worker process imports, in the order worker-main.ts reaches it. A module two groups share counts
 * in the first one (the AWS SDK's @smithy core in S3's row, not DynamoDB's).
 */
const GROUPS: ModuleGroup[] = [
  {
    name: 'node built-ins (http, https, tls, zlib, crypto, fs, stream)',
    modules: [
      'node:http',
      'node:https',
      'node:tls',
      'node:zlib',
      'node:crypto',
      'node:fs/promises',
      'node:stream/promises',
    ],
  },
  { name: 'dotenv + pino', modules: ['dotenv/config', 'pino'] },
  { name: 'zod + config and job schemas', modules: ['dist/shared/config.js', 'dist/shared/jobs/registry.js'] },
  { name: 'ioredis', modules: ['ioredis'] },
  { name: 'bullmq', modules: ['bullmq'] },
  { name: '@aws-sdk/client-s3', modules: ['@aws-sdk/client-s3'] },
  {
    name: '@aws-sdk/lib-storage + s3-request-presigner',
    modules: ['@aws-sdk/lib-storage', '@aws-sdk/s3-request-presigner'],
  },
  { name: '@aws-sdk/client-dynamodb + lib-dynamodb', modules: ['@aws-sdk/client-dynamodb', '@aws-sdk/lib-dynamodb'] },
  { name: 'got + request-filtering-agent', modules: ['got', 'request-filtering-agent'] },
  { name: 'nodemailer (loaded with the first share email)', modules: ['nodemailer'] },
  { name: 'file-type + mime-types (sniffing every download)', modules: ['file-type', 'mime-types'] },
  { name: 'sharp (not imported by the worker)', modules: ['sharp'] },
  { name: 'prom-client (not imported by the worker)', modules: ['prom-client'] },
  {
    name: "ferry's worker modules (what worker-main.ts imports, eagerly)",
    modules: [
      'dist/shared/runtime.js',
      'dist/shared/startup-checks.js',
      'dist/shared/storage/lifecycle.js',
      'dist/shared/tenants.js',
      'dist/worker/workers.js',
    ],
  },
];

const MB = 1e6;

export const MEMORY_BENCH_USAGE = `usage: npm run bench -- memory [--runs 3] [--no-build]`;

function specifier(module: string): string {
  return module.startsWith('dist/') ? pathToFileURL(`${REPO_ROOT}${module}`).href : module;
}

/**
 * The child's program, plain JavaScript for plain node (no TypeScript loader to count): after each step, two
 * full GCs, then one JSON line of RSS and heap. Step 0 is node with the worker's heap flags
 * set (worker/runtime/heap-flags.ts, as worker/main.ts does) and nothing else imported.
 */
function childProgram(groups: ModuleGroup[]): string {
  const steps = groups.map((g) => g.modules.map(specifier));
  return `
const steps = ${JSON.stringify(steps)};
const read = () => { gc(); gc(); const m = process.memoryUsage(); return { rss: m.rss, heap: m.heapUsed, external: m.external + m.arrayBuffers }; };
// What worker/main.ts does first: without it the young generation grows while modules load (see heap-flags.ts).
await import(${JSON.stringify(specifier('dist/worker/runtime/heap-flags.js'))});
const out = [read()];
for (const step of steps) { for (const s of step) await import(s); out.push(read()); }
process.stdout.write(JSON.stringify(out));
`;
}

interface Reading {
  rss: number;
  heap: number;
  external: number;
}

function runChild(groups: ModuleGroup[]): Reading[] {
  const out = execFileSync(process.execPath, ['--expose-gc', '--input-type=module', '--eval', childProgram(groups)], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    env: { ...process.env, NODE_ENV: 'production' },
  });
  return JSON.parse(out) as Reading[];
}

const mb = (bytes: number) => (bytes / MB).toFixed(1);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * `npm run bench -- memory`: where the worker's idle RSS goes. The worker's module groups are imported one by
 * one into a fresh plain-node process (the compiled service, as production runs it) and the RSS after each (two
 * full GCs first) is read: "in order" is the growth in worker-main.ts's order (what it costs on top of what came
 * before), "alone" the cost of the group imported by itself into an empty node. Medians of `--runs` processes;
 * `--no-build` uses dist/ as it is (while another bench runs from it).
 */
export async function runMemoryBench(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { runs: { type: 'string', default: '3' }, 'no-build': { type: 'boolean', default: false } },
    strict: true,
  });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new UsageError(MEMORY_BENCH_USAGE);
  if (!values['no-build']) compileOnce();
  log(`node ${process.version}: ${runs} runs of each; RSS after gc(), MB (10^6 bytes)`);
  const ordered = Array.from({ length: runs }, () => runChild(GROUPS));
  const alone = GROUPS.map((g) => Array.from({ length: runs }, () => runChild([g])));
  const at = (i: number, f: (r: Reading) => number) => median(ordered.map((r) => f(r[i]!)));
  const rows = GROUPS.map((g, i) => [
    g.name,
    mb(at(i + 1, (r) => r.rss) - at(i, (r) => r.rss)),
    mb(at(i + 1, (r) => r.heap) - at(i, (r) => r.heap)),
    mb(at(i + 1, (r) => r.rss)),
    mb(median(alone[i]!.map((r) => r[1]!.rss - r[0]!.rss))),
  ]);
  log(
    renderTable(
      ['module group', 'RSS +MB in order', 'heap +MB', 'RSS total', 'RSS +MB alone'],
      [['node + heap-flags.ts, nothing else imported', '', '', mb(at(0, (r) => r.rss)), ''], ...rows],
    ),
  );
  return Promise.resolve(0);
}
