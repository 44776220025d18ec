import { z } from 'zod';
import { error, ERRORS } from '../openapi/common.js';
import { defineRoute } from '../route.js';

/** GET /metrics in the Prometheus text format; no API key: serve it on a network only Prometheus reaches. */
export const getMetricsRoute = defineRoute({
  method: 'get',
  path: '/metrics',
  handlers: ({ metrics: { registry }, fleet }) => [
    async (_req, res) => {
      // This process's metrics, then the counters every worker adds to in Redis.
      const body = (await registry.metrics()) + (await fleet.render());
      res.setHeader('Content-Type', registry.contentType);
      res.send(body);
    },
  ],
  docs: {
    operationId: 'getMetrics',
    summary: 'Prometheus metrics (no API key: do not expose publicly)',
    responses: {
      200: {
        description: 'Metrics in the Prometheus text format.',
        content: { 'text/plain; version=0.0.4': { schema: z.string() } },
      },
      500: error('Internal server error.'),
      503: ERRORS[503],
    },
  },
});
