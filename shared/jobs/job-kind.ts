import type { z } from 'zod';
import type { Config } from '../config.js';
import type { ObjectStore } from '../storage/object-store.js';
import type { Tenant } from '../tenants.js';
import type { BaseJobData } from './common.js';

/** What a kind's `toData` may use besides the request body. */
export interface JobRequestContext {
  tenant: Tenant;
  config: Config;
}

/** What a kind's result view may use: the job document is built on every read. */
export interface ResultViewContext {
  store: ObjectStore;
  now: number;
}

/**
 * One kind of job a client can create: its contract (request, queue payload, result), its id prefix, the route
 * that creates it and how the job document shows its result. The registry (registry.ts) lists every kind; the
 * queues, the API's routes, the OpenAPI document, the worker's processor map and the webhook payload derive from
 * it, so adding a kind is its `<kind>.job.ts`, one registry line, its processor and its feature folder.
 */
export interface JobKind<
  Type extends string = string,
  Request extends z.ZodType = z.ZodType,
  Data extends z.ZodType<BaseJobData> = z.ZodType<BaseJobData>,
  Result extends z.ZodType = z.ZodType,
  View = z.output<Result>,
> {
  type: Type;
  /** Job ids are `<idPrefix>_<tenant>_<random>`: lower-case letters, unique across kinds. */
  idPrefix: string;
  /** The POST route that creates it. */
  path: `/v1/${string}`;
  /** For the OpenAPI document: the create operation's id and summary, the request's component name. */
  docs: { operationId: string; summary: string; requestName: string; resultName: string };
  /** POST body, validated by the API. */
  request: Request;
  /** Queue payload: built by the API, parsed again by the processor on entry. */
  data: Data;
  /** The processor's return value as stored in Redis. */
  result: Result;
  /**
   * The files a request names, for the tenant's per-job file limit (`field` names the offending field). It reads
   * the body as received, before the schema, so that an array over the limit is refused before its items are
   * checked: see `longestArray`.
   */
  files(body: Readonly<Record<string, unknown>>): { field: string; count: number };
  /**
   * The body as `Idempotency-Key` compares it (the body itself when omitted). Its hash is kept in Redis for 24 h:
   * a secret in it (a zip's share password) is left out, or that fast hash would let it be guessed offline.
   */
  idempotencyBody?(body: Readonly<Record<string, unknown>>): unknown;
  /** The queue payload for a validated request (async: a zip's share password is hashed on the way). */
  toData(body: z.output<Request>, ctx: JobRequestContext): z.input<Data> | Promise<z.input<Data>>;
  /** Files the job reports progress on, counted as the worker does. */
  filesTotal: (data: z.output<Data>) => number;
  /** How GET /v1/jobs/:id and webhooks show the stored result (the stored result itself when omitted). */
  view?: { schema: z.ZodType<View>; present(result: z.output<Result>, ctx: ResultViewContext): Promise<View> };
}

/** Identity, for inference: `defineJobKind({...})` keeps every schema's own type. */
export function defineJobKind<
  Type extends string,
  Request extends z.ZodType,
  Data extends z.ZodType<BaseJobData>,
  Result extends z.ZodType,
  View = z.output<Result>,
>(kind: JobKind<Type, Request, Data, Result, View>): JobKind<Type, Request, Data, Result, View> {
  return kind;
}
