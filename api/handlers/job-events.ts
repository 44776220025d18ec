import { z } from 'zod';
import { buildJobDocument, type JobDocument } from '../../shared/jobs/job-document.js';
import { findJob } from '../jobs/find-job.js';
import { ERRORS, jobIdParams } from '../openapi/common.js';
import { defineRoute } from '../route.js';

const POLL_MS = 500;
const HEARTBEAT_MS = 15_000;
const FINAL = new Set(['completed', 'failed', 'cancelled']);

/**
 * GET /v1/jobs/:id/events: Server-Sent Events. `state` when the state changes, `progress` when progress moves,
 * then one `completed`, `failed` or `cancelled` event carrying the job document, and the stream ends. The job
 * is read from Redis every 0.5 s, so any API process can serve any job, whichever worker runs it.
 */
export const jobEventsRoute = defineRoute({
  method: 'get',
  path: '/v1/jobs/:id/events',
  handlers: ({ queues, store, cancellations }) => [
    async (req, res) => {
      const first = await findJob(req, queues);
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      const send = (event: string, data: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      let closed = false;
      req.on('close', () => (closed = true));
      let last: JobDocument | undefined;
      let lastBeat = Date.now();
      let found = first;
      while (!closed) {
        const doc = await buildJobDocument(found.job, found.state, found.type, store, {
          cancelRequested: await cancellations.isRequested(found.id),
        });
        if (FINAL.has(doc.state)) {
          send(doc.state, doc);
          break;
        }
        if (doc.state !== last?.state) send('state', { state: doc.state });
        if (JSON.stringify(doc.progress) !== JSON.stringify(last?.progress)) send('progress', doc.progress);
        last = doc;
        if (Date.now() - lastBeat > HEARTBEAT_MS) {
          res.write(': keep-alive\n\n');
          lastBeat = Date.now();
        }
        await new Promise((r) => setTimeout(r, POLL_MS));
        try {
          found = await findJob(req, queues);
        } catch {
          break; // removed (retention) while we watched
        }
      }
      res.end();
    },
  ],
  docs: {
    operationId: 'jobEvents',
    summary: 'Server-Sent Events: state and progress, then the final state; the stream then ends',
    requestParams: { path: jobIdParams },
    responses: {
      200: {
        description:
          '`event: state` `{state}`, `event: progress` (the progress object), then one `completed`, `failed` or ' +
          '`cancelled` event whose data is the job document.',
        content: { 'text/event-stream': { schema: z.string() } },
      },
      404: ERRORS[404],
    },
  },
});
