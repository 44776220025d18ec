import { startFileServer } from '../fixtures/file-server.js';
import { startOutageProxy } from '../fixtures/outage-proxy.js';
import { until } from '../fixtures/until.js';
import { generateWebhookSecret } from '../shared/tenants.js';
import { verifyWebhook } from '../shared/webhooks.js';
import type { DrillResult } from './drill.js';
import { startFleet } from './fleet.js';

interface Planned {
  path: '/v1/zips' | '/v1/ingests';
  body: Record<string, unknown>;
  /** The state the job must end in, and so the event its webhook carries. */
  expect: 'completed' | 'failed' | 'cancelled';
  /** Its receiver comes back (A) or stays down for longer than the retries (B). */
  receiver: 'A' | 'B';
}

const TERMINAL_WEBHOOK = new Set(['delivered', 'failed']);

/**
 * Ten jobs with webhooks finish (completed, failed, cancelled; zips and ingests) while their receivers are down.
 * Receiver A comes back once every one of its deliveries has failed at least once; receiver B stays down for longer
 * than the retries. The contract: every job ends with a terminal webhook state (A's delivered, B's failed, none
 * pending), each event matches its job's end, the signatures verify, and a redelivery keeps its `webhook-id`.
 */
export async function webhookOutage(): Promise<DrillResult> {
  const secret = generateWebhookSecret();
  const files = await startFileServer();
  files.file('/a.txt', 'hello from the webhook-outage drill\n', 'text/plain');
  files.file('/b.txt', 'and again\n', 'text/plain');
  // Never finishes: the jobs that fetch it are cancelled.
  files.route('/hold.bin', (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    res.write(Buffer.alloc(1024));
  });
  const deliveries = files.receive('/hook');
  const [a, b] = await Promise.all([startOutageProxy(files.origin), startOutageProxy(files.origin)]);
  a.cut();
  b.cut();
  const fleet = await startFleet({
    workers: 2,
    env: { WEBHOOK_RETRY_DELAY_MS: '200', WEBHOOK_MAX_ATTEMPTS: '6', JOB_ATTEMPTS: '1' },
    tenant: { webhookSecret: secret },
    limits: { jobsPerMinute: 10_000 },
  });
  try {
    const zip = (urls: string[]) => ({ filename: 'hooked', urls });
    const plan: Planned[] = [
      ...[1, 2, 3].map(
        () => ({ path: '/v1/zips', body: zip([files.url('/a.txt')]), expect: 'completed', receiver: 'A' }) as const,
      ),
      { path: '/v1/zips', body: zip([files.url('/missing.txt')]), expect: 'failed', receiver: 'A' },
      ...[1, 2].map(
        () =>
          ({
            path: '/v1/ingests',
            body: { urls: [files.url('/a.txt'), files.url('/b.txt')] },
            expect: 'completed',
            receiver: 'A',
          }) as const,
      ),
      ...[1, 2].map(
        () => ({ path: '/v1/zips', body: zip([files.url('/hold.bin')]), expect: 'cancelled', receiver: 'A' }) as const,
      ),
      ...[1, 2].map(
        () => ({ path: '/v1/zips', body: zip([files.url('/b.txt')]), expect: 'completed', receiver: 'B' }) as const,
      ),
    ];
    const jobs: (Planned & { id: string })[] = [];
    for (const p of plan) {
      const hook = `${(p.receiver === 'A' ? a : b).endpoint}/hook`;
      const { status, body } = await fleet.post(p.path, { ...p.body, webhook: { url: hook } });
      if (status !== 202) throw new Error(`POST ${p.path}: ${status} ${JSON.stringify(body)}`);
      jobs.push({ ...p, id: body.id as string });
    }
    const docs = () => Promise.all(jobs.map((j) => fleet.job(j.id)));
    const cancelled = jobs.filter((j) => j.expect === 'cancelled');
    await until(
      async () =>
        (await Promise.all(cancelled.map((j) => fleet.queues.zip.getJobState(j.id)))).every((s) => s === 'active'),
      'the jobs to cancel are running',
      60_000,
    );
    for (const j of cancelled) {
      const res = await fetch(`${fleet.baseUrl}/v1/jobs/${j.id}`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${fleet.apiKey}` },
      });
      if (res.status !== 202) throw new Error(`DELETE ${j.id}: ${res.status} ${await res.text()}`);
    }
    const webhookOf = (doc: Record<string, unknown>) => doc.webhook as { state: string; attempts: number };
    await until(
      async () => (await docs()).every((d, i) => jobs[i]!.receiver === 'B' || webhookOf(d).attempts >= 2),
      'every delivery to A has failed at least once',
      60_000,
    );
    a.restore();
    await until(
      async () => (await docs()).every((d) => TERMINAL_WEBHOOK.has(webhookOf(d).state)),
      'every webhook state is terminal',
      120_000,
    ).catch(() => undefined);
    const final = await docs();
    const problems: string[] = [];
    const states = { delivered: 0, failed: 0, pending: 0 };
    let wrongEnd = 0;
    final.forEach((doc, i) => {
      const job = jobs[i]!;
      const hook = webhookOf(doc);
      states[hook.state as keyof typeof states]++;
      if (doc.state !== job.expect) {
        wrongEnd++;
        problems.push(`${job.id} ended ${String(doc.state)}, not ${job.expect}`);
      }
      const want = job.receiver === 'A' ? 'delivered' : 'failed';
      if (hook.state !== want) problems.push(`${job.id}: webhook ${hook.state}, not ${want}`);
    });
    // What A received: one event per job, signed, of the type its end calls for, one webhook-id per job.
    let badSignatures = 0;
    const idsPerJob = new Map<string, Set<string>>();
    const typeOf = new Map<string, string>();
    for (const d of deliveries) {
      try {
        verifyWebhook(secret, d.headers, d.body);
      } catch (err) {
        badSignatures++;
        problems.push(`bad signature: ${(err as Error).message}`);
      }
      const event = JSON.parse(d.body) as { type: string; data: { id: string } };
      const set = idsPerJob.get(event.data.id) ?? new Set<string>();
      set.add(String(d.headers['webhook-id']));
      idsPerJob.set(event.data.id, set);
      typeOf.set(event.data.id, event.type);
    }
    const toA = jobs.filter((j) => j.receiver === 'A');
    const heard = toA.filter((j) => typeOf.get(j.id) === `job.${j.expect}`).length;
    const reusedIds = [...idsPerJob.values()].filter((ids) => ids.size > 1).length;
    const strays = jobs.filter((j) => j.receiver === 'B' && idsPerJob.has(j.id)).length;
    return {
      line:
        `${jobs.length} jobs (${jobs.length - wrongEnd} ended as planned), receivers down: ` +
        `${states.delivered} webhooks delivered, ${states.failed} failed, ${states.pending} pending; ` +
        `A received ${deliveries.length} deliveries for ${idsPerJob.size} jobs, ${heard}/${toA.length} with the right event, ` +
        `${badSignatures} bad signatures, ${reusedIds} jobs with more than one webhook-id; ` +
        `${a.refused()} + ${b.refused()} connections refused while down`,
      problems: problems.slice(0, 10),
      ok:
        states.pending === 0 &&
        wrongEnd === 0 &&
        states.delivered === toA.length &&
        states.failed === jobs.length - toA.length &&
        heard === toA.length &&
        badSignatures === 0 &&
        reusedIds === 0 &&
        strays === 0,
    };
  } finally {
    await fleet.stop();
    await Promise.all([a.close(), b.close()]);
    await files.close();
  }
}
