import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOwnRedis, type OwnRedis } from '../../fixtures/redis-server.js';
import { until } from '../../fixtures/until.js';
import { startLocalStack, type LocalStack } from '../../local/stack.js';
import { startChildWorker, type ChildWorker } from '../helpers/child-worker.js';

let primary: OwnRedis;
let replica: OwnRedis;
let stack: LocalStack;
const children: ChildWorker[] = [];

beforeAll(async () => {
  primary = await startOwnRedis();
  [replica, stack] = await Promise.all([
    startOwnRedis(['--replicaof', '127.0.0.1', String(primary.port)]),
    startLocalStack({ buckets: ['refusal-test'] }),
  ]);
  await until(
    async () => (await replica.client.info('replication')).includes('master_link_status:up'),
    'the replica to sync',
  );
});
afterAll(async () => {
  for (const c of children) c.process.kill('SIGKILL');
  await Promise.all([replica?.close(), primary?.close(), stack?.close()]);
});

/** User + system CPU time of a process, in ms (Linux /proc). */
async function cpuMs(pid: number): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
  // utime and stime are fields 14 and 15 of stat, i.e. 12 and 13 after "pid (comm) ".
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

async function evalCalls(): Promise<number> {
  const stats = await replica.client.info('commandstats');
  return [...stats.matchAll(/cmdstat_(?:evalsha|eval|evalsha_ro):calls=(\d+)/g)].reduce((n, m) => n + Number(m[1]), 0);
}

describe('workers against a Redis that refuses writes', () => {
  it('back off on READONLY and log it rate-limited instead of spinning', async () => {
    const c = startChildWorker({
      NODE_ENV: 'test',
      REDIS_URL: replica.url,
      QUEUE_PREFIX: 'refusal',
      S3_BUCKET: 'refusal-test',
      ...stack.env,
    });
    children.push(c);
    await until(() => c.output().includes('workers started'), 'the worker to start');
    await until(() => c.output().includes('READONLY'), 'the first READONLY error');
    const cpuBefore = await cpuMs(c.process.pid!);
    const callsBefore = await evalCalls();
    const windowMs = 5000;
    const deadline = Date.now() + windowMs;
    await until(() => Date.now() >= deadline, 'the observation window', windowMs + 1000);
    const cpu = (await cpuMs(c.process.pid!)) - cpuBefore;
    const calls = (await evalCalls()) - callsBefore;
    const errorLines = c
      .output()
      .split('\n')
      .filter((l) => l.includes('READONLY')).length;
    console.log(`READONLY: ${errorLines} log lines, ${calls} script calls in ${windowMs} ms, ${cpu} ms CPU`);
    expect(errorLines).toBeLessThan(10);
    // Three queues, backing off from 1 s: a handful of tries each in the window, not thousands.
    expect(calls).toBeLessThan(40);
    expect(cpu).toBeLessThan(windowMs * 0.2);
    c.process.kill('SIGTERM');
    expect(await c.exited).not.toBe('SIGKILL');
  });

  it('back off when the Redis a worker blocks on for jobs is demoted to a replica', async () => {
    const [demoted, other] = await Promise.all([startOwnRedis(), startOwnRedis()]);
    try {
      const c = startChildWorker({
        NODE_ENV: 'test',
        REDIS_URL: demoted.url,
        QUEUE_PREFIX: 'demoted',
        S3_BUCKET: 'refusal-test',
        ...stack.env,
      });
      children.push(c);
      await until(() => c.output().includes('workers started'), 'the worker to start');
      // Idle: every queue's worker is blocked waiting for jobs (BZPOPMIN).
      await until(async () => (await demoted.client.info('commandstats')).includes('cmdstat_bzpopmin'), 'BZPOPMIN');
      await demoted.client.call('REPLICAOF', '127.0.0.1', String(other.port));
      await demoted.client.call('CONFIG', 'RESETSTAT');
      const windowMs = 4000;
      const deadline = Date.now() + windowMs;
      await until(() => Date.now() >= deadline, 'the observation window', windowMs + 1000);
      const stats = await demoted.client.info('commandstats');
      const refused = Number(/cmdstat_bzpopmin:.*rejected_calls=(\d+)/.exec(stats)?.[1] ?? 0);
      console.log(`demoted: ${refused} refused BZPOPMIN in ${windowMs} ms`);
      // BullMQ alone: a try every 100 ms per queue (~115 in 4 s); backing off from 1 s: a few per queue.
      expect(refused).toBeGreaterThan(0);
      expect(refused).toBeLessThan(20);
      c.process.kill('SIGKILL');
    } finally {
      await Promise.all([demoted.close(), other.close()]);
    }
  });

  it('back off on CROSSSLOT from a cluster node (a queue prefix without a hash tag)', async () => {
    const node = await startOwnRedis(['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf']);
    try {
      await node.client.call('CLUSTER', 'ADDSLOTSRANGE', '0', '16383');
      await until(
        async () => ((await node.client.call('CLUSTER', 'INFO')) as string).includes('cluster_state:ok'),
        'cluster_state:ok',
      );
      const c = startChildWorker({
        NODE_ENV: 'test',
        REDIS_URL: node.url,
        QUEUE_PREFIX: 'crossslot',
        S3_BUCKET: 'refusal-test',
        ...stack.env,
      });
      children.push(c);
      await until(() => c.output().includes('workers started'), 'the worker to start');
      await until(() => /CROSSSLOT|MOVED/.test(c.output()), 'the first CROSSSLOT error');
      const cpuBefore = await cpuMs(c.process.pid!);
      const windowMs = 4000;
      const deadline = Date.now() + windowMs;
      await until(() => Date.now() >= deadline, 'the observation window', windowMs + 1000);
      const cpu = (await cpuMs(c.process.pid!)) - cpuBefore;
      const errorLines = c
        .output()
        .split('\n')
        .filter((l) => /CROSSSLOT|MOVED/.test(l)).length;
      console.log(`CROSSSLOT: ${errorLines} log lines, ${cpu} ms CPU in ${windowMs} ms`);
      expect(errorLines).toBeLessThan(10);
      expect(cpu).toBeLessThan(windowMs * 0.2);
      c.process.kill('SIGKILL');
    } finally {
      await node.close();
    }
  });

  it("a Redis outage is logged as JSON, not as raw stderr lines from the worker's queue handles", async () => {
    const own = await startOwnRedis();
    try {
      const c = startChildWorker({
        NODE_ENV: 'test',
        REDIS_URL: own.url,
        QUEUE_PREFIX: 'outage',
        S3_BUCKET: 'refusal-test',
        ...stack.env,
      });
      children.push(c);
      await until(() => c.output().includes('workers started'), 'the worker to start');
      await until(async () => (await own.client.client('LIST')) !== '', 'the worker to connect');
      own.process.kill('SIGKILL');
      await until(() => c.output().includes('ECONNREFUSED'), 'the first connection error');
      const deadline = Date.now() + 3000;
      await until(() => Date.now() >= deadline, 'the outage window', 5000);
      const raw = c
        .output()
        .split('\n')
        .filter((l) => l.startsWith('Error:') || l.includes('[ioredis] Unhandled error event'));
      // BullMQ prints an error that reaches a Queue without an 'error' listener bare, as "Error: connect ...";
      // ioredis prints "[ioredis] Unhandled error event" for a connection without one (the cancellation subscriber).
      expect(raw).toEqual([]);
      c.process.kill('SIGKILL');
    } finally {
      await own.close();
    }
  });
});
