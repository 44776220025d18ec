import type { Drill } from './drill.js';
import { hostileBodies } from './hostile-bodies.drill.js';
import { readonlyReplica } from './readonly-replica.drill.js';
import { redisCrash } from './redis-crash.drill.js';
import { s3Outage } from './s3-outage.drill.js';
import { sigtermMidJob } from './sigterm.drill.js';
import { soak } from './soak.drill.js';
import { webhookOutage } from './webhook-outage.drill.js';

const DRILLS: Record<string, { about: string; run: Drill }> = {
  'hostile-bodies': {
    about: '100 hostile requests and a 100,000-item invalid body; /healthz p99 meanwhile',
    run: hostileBodies,
  },
  'redis-crash': {
    about: 'Redis SIGKILLed mid-traffic and restarted from its AOF: accepted jobs lost, 503s, archives per job',
    run: redisCrash,
  },
  'readonly-replica': {
    about: 'API and worker pointed at a replica (READONLY): worker CPU, what a POST gets',
    run: readonlyReplica,
  },
  's3-outage': {
    about: 'S3 goes away under six uploads for longer than the retries: failures, uploads left open, the janitor',
    run: s3Outage,
  },
  soak: {
    about: 'forty zips while a worker is SIGKILLed and restarted four times: archives per job, uploads, temp files',
    run: soak,
  },
  sigterm: {
    about: 'SIGTERM the worker running a slow zip: exit time, the job completes on another worker',
    run: sigtermMidJob,
  },
  'webhook-outage': {
    about: 'ten jobs finish while their webhook receivers are down, one comes back: every webhook state terminal',
    run: webhookOutage,
  },
};

const USAGE = `Usage: npm run drill -- <name>... | all

Runs ferry as the Procfile does (compiled API and workers as separate processes) against the embedded stack and
the Redis at 127.0.0.1:6379 (under a fresh prefix), and prints one line of figures per drill.

Drills:
${Object.entries(DRILLS)
  .map(([name, d]) => `  ${name.padEnd(16)} ${d.about}`)
  .join('\n')}
`;

async function main(argv: string[]): Promise<number> {
  const names = argv.includes('all') ? Object.keys(DRILLS) : argv;
  if (names.length === 0 || names.some((n) => n === '--help' || n === '-h')) {
    process.stdout.write(USAGE);
    return names.length === 0 ? 2 : 0;
  }
  const unknown = names.filter((n) => !(n in DRILLS));
  if (unknown.length > 0) {
    process.stderr.write(`Unknown drill: ${unknown.join(', ')}\n\n${USAGE}`);
    return 2;
  }
  let failed = 0;
  for (const name of names) {
    process.stdout.write(`==> ${name}\n`);
    const result = await DRILLS[name]!.run();
    for (const p of result.problems) process.stdout.write(`    problem: ${p}\n`);
    process.stdout.write(`${name}: ${result.ok ? 'held' : 'DID NOT HOLD'}: ${result.line}\n`);
    if (!result.ok) failed++;
  }
  return failed === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
