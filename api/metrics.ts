import type { JobState } from 'bullmq';
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import { allQueues, type FerryQueues } from '../shared/queues.js';

/** Job states reported per queue (BullMQ's names; a paused queue keeps its jobs in `waiting`). */
export const QUEUE_STATES: readonly JobState[] = [
  'waiting',
  'active',
  'delayed',
  'prioritized',
  'waiting-children',
  'completed',
  'failed',
];

export interface ApiMetrics {
  registry: Registry;
  /** Jobs the API accepted (202), by job type. */
  jobsCreated: Counter<'type'>;
}

/**
 * A registry of its own per API instance (no prom-client global), so that several apps in one process (the
 * tests, the dev entry) do not share or double-register metrics.
 */
export function createApiMetrics(queues: FerryQueues): ApiMetrics {
  const all = allQueues(queues);
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const jobsCreated = new Counter({
    name: 'ferry_jobs_created_total',
    help: 'Jobs accepted by this API process, by job type',
    labelNames: ['type'],
    registers: [registry],
  });
  new Gauge({
    name: 'ferry_queue_jobs',
    help: 'Jobs in each queue by state, read from Redis at scrape time; completed and failed count the jobs still retained',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      this.reset();
      const counts = await Promise.all(all.map((q) => q.getJobCounts(...QUEUE_STATES)));
      all.forEach((q, i) => {
        for (const state of QUEUE_STATES) this.set({ queue: q.name, state }, counts[i]![state] ?? 0);
      });
    },
  });
  return { registry, jobsCreated };
}
