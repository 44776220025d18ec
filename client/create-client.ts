import { errorFromResponse, FerryError } from './ferry-error.js';
import { retryDelayMs, sleep } from './retry-after.js';
import { readSse } from './sse.js';
import type {
  AcceptedJob,
  CancelledJob,
  IngestRequest,
  JobDocument,
  JobProgress,
  JobState,
  MediaVariant,
  MediaVariantRequest,
  ZipRequest,
} from './types.js';

export interface FerryClientOptions {
  /** Where ferry's API is, e.g. `https://ferry.example.com`. */
  baseUrl: string;
  apiKey: string;
  /** A fetch of your own (a proxy agent, tests); the global fetch by default. */
  fetch?: typeof globalThis.fetch;
  /** How many times a 429 or 503 answer is retried, after the wait its `Retry-After` asks for (default 3). */
  maxRetries?: number;
  /** The longest wait before a retry, whatever `Retry-After` says (default 30 s). */
  maxRetryDelayMs?: number;
}

export interface RequestOptions {
  signal?: AbortSignal;
}

export interface CreateJobOptions extends RequestOptions {
  /** Sent as `Idempotency-Key`: the same key and body within 24 h return the first job instead of a new one. */
  idempotencyKey?: string;
}

export interface WaitOptions extends RequestOptions {
  /** Give up after this long with a FerryError of code `timeout` (the job itself goes on). */
  timeoutMs?: number;
  /** Called with the job's progress each time it moves. */
  onProgress?: (progress: JobProgress) => void;
  /** Called when the job's state changes (`queued`, `active`). */
  onState?: (state: JobState) => void;
}

export interface FerryClient {
  /** POST /v1/zips: queue an archive of the given URLs. */
  zip(request: ZipRequest, options?: CreateJobOptions): Promise<AcceptedJob>;
  /** POST /v1/ingests: queue an ingest of the given URLs. */
  ingest(request: IngestRequest, options?: CreateJobOptions): Promise<AcceptedJob>;
  /** GET /v1/jobs/:id. */
  job(id: string, options?: RequestOptions): Promise<JobDocument>;
  /** Follows the job's event stream until it is completed, failed or cancelled; resolves with its document. */
  wait(id: string, options?: WaitOptions): Promise<JobDocument>;
  /** DELETE /v1/jobs/:id. */
  cancel(id: string, options?: RequestOptions): Promise<CancelledJob>;
  /** POST /v1/media/variants: the signed URL of a variant of ingested media. */
  mediaUrl(request: MediaVariantRequest, options?: RequestOptions): Promise<MediaVariant>;
}

const FINAL: ReadonlySet<string> = new Set(['completed', 'failed', 'cancelled']);
/** How often `wait` listens again when the stream ends before the job does (an API restart...). */
const MAX_RECONNECTS = 5;

interface Send {
  body?: unknown;
  headers?: Record<string, string>;
  accept?: string;
  signal?: AbortSignal | undefined;
}

/** A client of ferry's HTTP API. Uses fetch only: it runs in Node 22+ and in browsers alike. */
export function createClient(options: FerryClientOptions): FerryClient {
  const fetchFn = options.fetch ?? globalThis.fetch.bind(globalThis);
  const base = options.baseUrl.replace(/\/+$/, '');
  const maxRetries = options.maxRetries ?? 3;
  const maxRetryDelayMs = options.maxRetryDelayMs ?? 30_000;

  async function send(method: string, path: string, o: Send = {}): Promise<Response> {
    const headers: Record<string, string> = {
      authorization: `Bearer ${options.apiKey}`,
      accept: o.accept ?? 'application/json',
      ...(o.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...o.headers,
    };
    const body = o.body === undefined ? undefined : JSON.stringify(o.body);
    for (let attempt = 0; ; attempt++) {
      let res: Response;
      try {
        res = await fetchFn(base + path, { method, headers, body, signal: o.signal });
      } catch (e) {
        if (o.signal?.aborted) throw o.signal.reason;
        const why = e instanceof Error ? ((e.cause as Error | undefined)?.message ?? e.message) : String(e);
        throw new FerryError(0, 'network_error', `Cannot reach ${base}: ${why}`, undefined, e);
      }
      // 429 and 503 created no job (the API's promise), so even a POST is safe to send again.
      if ((res.status === 429 || res.status === 503) && attempt < maxRetries) {
        await res.body?.cancel().catch(() => undefined);
        await sleep(retryDelayMs(res.headers.get('retry-after'), attempt, maxRetryDelayMs), o.signal);
        continue;
      }
      if (!res.ok) throw await errorFromResponse(res);
      return res;
    }
  }

  async function json<T>(method: string, path: string, o?: Send): Promise<T> {
    return (await (await send(method, path, o)).json()) as T;
  }

  const jobPath = (id: string) => `/v1/jobs/${encodeURIComponent(id)}`;
  const create = (path: string, request: unknown, o: CreateJobOptions = {}) =>
    json<AcceptedJob>('POST', path, {
      body: request,
      signal: o.signal,
      headers: o.idempotencyKey === undefined ? {} : { 'idempotency-key': o.idempotencyKey },
    });
  const job = (id: string, o: RequestOptions = {}) => json<JobDocument>('GET', jobPath(id), { signal: o.signal });

  /** Reads one connection of the event stream: the final document, or undefined when it ended before. */
  async function listen(id: string, o: WaitOptions, signal: AbortSignal | undefined): Promise<JobDocument | undefined> {
    const res = await send('GET', `${jobPath(id)}/events`, { accept: 'text/event-stream', signal });
    if (!res.body) return undefined;
    try {
      for await (const e of readSse(res.body)) {
        if (FINAL.has(e.event)) return JSON.parse(e.data) as JobDocument;
        if (e.event === 'progress') o.onProgress?.(JSON.parse(e.data) as JobProgress);
        else if (e.event === 'state') o.onState?.((JSON.parse(e.data) as { state: JobState }).state);
      }
    } catch {
      if (signal?.aborted) throw signal.reason;
      // The connection broke mid-stream: the caller asks for the job and listens again.
    }
    return undefined;
  }

  async function wait(id: string, o: WaitOptions = {}): Promise<JobDocument> {
    const timeout = o.timeoutMs === undefined ? undefined : AbortSignal.timeout(o.timeoutMs);
    const given = [o.signal, timeout].filter((s): s is AbortSignal => s !== undefined);
    const signal = given.length === 0 ? undefined : AbortSignal.any(given);
    try {
      for (let reconnects = 0; ; reconnects++) {
        const done = await listen(id, o, signal);
        if (done) return done;
        const doc = await job(id, { signal });
        if (FINAL.has(doc.state)) return doc;
        if (reconnects >= MAX_RECONNECTS) {
          throw new FerryError(0, 'network_error', `The event stream of ${id} kept ending before the job finished`);
        }
        await sleep(Math.min(500 * 2 ** reconnects, 10_000), signal);
      }
    } catch (e) {
      if (timeout?.aborted && !o.signal?.aborted) {
        throw new FerryError(0, 'timeout', `Job ${id} did not finish within ${o.timeoutMs} ms`, undefined, e);
      }
      throw e;
    }
  }

  return {
    zip: (request, o) => create('/v1/zips', request, o),
    ingest: (request, o) => create('/v1/ingests', request, o),
    job,
    wait,
    cancel: (id, o = {}) => json<CancelledJob>('DELETE', jobPath(id), { signal: o.signal }),
    mediaUrl: (request, o = {}) =>
      json<MediaVariant>('POST', '/v1/media/variants', { body: request, signal: o.signal }),
  };
}
