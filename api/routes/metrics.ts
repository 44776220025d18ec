import { Router, type RequestHandler } from 'express';
import type { JobType } from '../../shared/jobs.js';
import type { ApiMetrics } from '../../shared/metrics.js';
import type { WorkerMetrics } from '../../shared/worker-metrics.js';

/** GET /metrics in the Prometheus text format; no API key: serve it on a network only Prometheus reaches. */
export function metricsRouter({ registry }: ApiMetrics, fleet: WorkerMetrics): Router {
  const router = Router();
  router.get('/metrics', async (_req, res) => {
    // This process's metrics, then the counters every worker adds to in Redis.
    const body = (await registry.metrics()) + (await fleet.render());
    res.setHeader('Content-Type', registry.contentType);
    res.send(body);
  });
  return router;
}

/** Counts a job of `type` for every 202 on the path it is mounted on (the job-creating POST routes). */
export function countCreatedJobs({ jobsCreated }: ApiMetrics, type: JobType): RequestHandler {
  return (req, res, next) => {
    if (req.method === 'POST' && req.path === '/') {
      res.on('finish', () => {
        if (res.statusCode === 202) jobsCreated.inc({ type });
      });
    }
    next();
  };
}
