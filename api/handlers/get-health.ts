import { json } from '../openapi/common.js';
import { defineRoute } from '../route.js';
import { healthSchema } from '../schemas.js';

/** GET /healthz: the process is up. */
export const getHealthRoute = defineRoute({
  method: 'get',
  path: '/healthz',
  handlers: () => [
    (_req, res) => {
      res.json({ status: 'ok' });
    },
  ],
  docs: {
    operationId: 'getHealth',
    summary: 'Liveness: the process is up',
    responses: { 200: json('Up.', healthSchema) },
  },
});
