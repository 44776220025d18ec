import { z } from 'zod';
import { buildJobDocument, type JobDocument } from '../../shared/jobs/job-document.js';
import { findJob, type FoundJob } from '../jobs/find-job.js';
import { ERRORS, jobIdParams } from '../openapi/common.js';
import { defineRoute } from '../route.js';

/** A re-read even when no event came: one missed (a QueueEvents reconnecting) or a cancellation of a queued job. */
const SAFETY_REREAD_MS = 5_000;
const HEARTBEAT_MS = 15_000;
const FINAL = new Set(['completed', 'failed', 'cancelled']);

/**
 * GET /v1/jobs/:id/events: Server-Sent Events. `state` when the state changes, `progress` when progress moves,
 * then one `completed`, `failed` or `cancelled` event carrying the job document, and the stream ends. The job is
 * re-read from Redis when BullMQ's queue events say it moved (and every 5 s in case one was missed), so any API
 * process can serve any job, whichever worker runs it.
 */
export const jobEventsRoute = defineRoute({
  method: 'get',
  path: '/v1/jobs/:id/events',
  handlers: ({ queues, store, cancellations, jobEvents }) => [
    async (req, res) => {
      const first = await findJob(req, queues);
      let closed = false;
      let pending = false;
      let stopWaiting: (() => void) | undefined;
      const wake = () => {
        pending = true;
        stopWaiting?.();
      };
      // The response's close: the client went away (or the stream ended).
      res.on('close', () => {
        closed = true;
        wake();
      });
      const nextWake = () =>
        new Promise<void>((resolve) => {
          const done = () => {
            clearTimeout(timer);
            stopWaiting = undefined;
            resolve();
          };
          const timer = setTimeout(done, SAFETY_REREAD_MS);
          stopWaiting = done;
          if (pending) done();
        });
      // Subscribed before the job is read again: an event between the read and the subscription is not lost.
      const unsubscribe = await jobEvents.subscribe(first.type, first.id, wake);
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      const send = (event: string, data: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      let last: JobDocument | undefined;
      let lastBeat = Date.now();
      try {
        while (!closed && !jobEvents.isClosed) {
          pending = false;
          let found: FoundJob;
          try {
            found = await findJob(req, queues);
          } catch {
            break; // removed (retention) while we watched
          }
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
          await nextWake();
        }
      } finally {
        unsubscribe();
        res.end();
      }
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
