import { z } from 'zod';
import { jobTypeSchema } from './job-document.js';

/*
 * The short bodies the job routes answer with besides the job document: part of the job contract, so that the
 * API documents them and the typed client (client/) infers its types from the same schemas.
 */

/** The 202 body of every job-creating route. */
export const acceptedJobSchema = z
  .object({
    id: z.string(),
    type: jobTypeSchema,
    state: z.literal('queued'),
    statusUrl: z.string().meta({ description: 'Where to poll the job; also sent as the Location header.' }),
  })
  .meta({ id: 'JobAccepted' });
export type AcceptedJob = z.infer<typeof acceptedJobSchema>;

/** The 202 body of DELETE /v1/jobs/:id. */
export const cancelledJobSchema = z
  .object({ id: z.string(), type: jobTypeSchema, state: z.literal('cancelled') })
  .meta({ id: 'JobCancelled' });
export type CancelledJob = z.infer<typeof cancelledJobSchema>;
