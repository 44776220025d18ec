import type { Request, Response } from 'express';
import type { JobDataOf, JobType } from '../../shared/jobs/registry.js';
import type { JobQueues } from '../../shared/queues.js';
import type { RedisClient } from '../../shared/redis-topology.js';
import { idempotencyKeyOf, type IdempotencyStore } from './idempotency-store.js';
import { newJobId } from './job-id.js';

export interface EnqueueJob<T extends JobType> {
  req: Request;
  res: Response;
  queues: JobQueues;
  idempotency: IdempotencyStore;
  type: T;
  tenant: string;
  data: JobDataOf<T>;
  /** The body as `Idempotency-Key` compares it (`req.body` when omitted). */
  idempotencyBody?: unknown;
  /**
   * Replicas that must have the job before the answer: Redis WAIT on `redis`, the connection the queues were
   * built on (BullMQ sends a shared instance's commands on it), so that it counts the add.
   */
  replicas?: { redis: RedisClient; count: number; timeoutMs: number; onShort(acknowledged: number): void };
}

/**
 * Queues a job for `tenant` and answers 202 with its id. With an `Idempotency-Key` already used with the same
 * body in the last 24 h, answers 200 with the first job's id instead (and creates nothing new).
 */
export async function enqueueJob<T extends JobType>(o: EnqueueJob<T>): Promise<void> {
  const { req, res, queues, idempotency, type, tenant } = o;
  const key = idempotencyKeyOf(req.get('idempotency-key'));
  const claim = key
    ? await idempotency.claim(tenant, key, o.idempotencyBody ?? req.body, () => newJobId(type, tenant))
    : { first: true, jobId: newJobId(type, tenant) };
  // A replay adds too: if the first request has not added its job yet, this does; if it has, BullMQ ignores it.
  const queue = queues[type] as unknown as {
    add(name: T, data: JobDataOf<T>, opts: { jobId: string }): Promise<unknown>;
  };
  await queue.add(type, o.data, { jobId: claim.jobId });
  if (o.replicas && o.replicas.count > 0) {
    // WAIT counts the writes this connection made so far, the add's included.
    const acknowledged = await o.replicas.redis.wait(o.replicas.count, o.replicas.timeoutMs);
    if (acknowledged < o.replicas.count) o.replicas.onShort(acknowledged);
  }
  const statusUrl = `/v1/jobs/${claim.jobId}`;
  res
    .status(claim.first ? 202 : 200)
    .location(statusUrl)
    .json({ id: claim.jobId, type, state: 'queued', statusUrl });
}
