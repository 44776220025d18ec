/*
 * `ferry/client`: a typed client of ferry's HTTP API, fetch only (Node 22+ and browsers). The webhook verifier
 * needs node:crypto and is its own entry: `ferry/client/webhooks`.
 */
export { createClient } from './create-client.js';
export type {
  CreateJobOptions,
  FerryClient,
  FerryClientOptions,
  RequestOptions,
  WaitOptions,
} from './create-client.js';
export { FerryError } from './ferry-error.js';
export type * from './types.js';
