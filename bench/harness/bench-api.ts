import type { JobDocument } from '../../shared/jobs/job-document.js';

export interface BenchApi {
  baseUrl: string;
  /** POST /v1/zips; resolves with the job id once the API has answered 202. */
  postZip(body: unknown): Promise<string>;
  /** POST /v1/ingests; resolves with the job id once the API has answered 202. */
  postIngest(body: unknown): Promise<string>;
  getJob(id: string): Promise<JobDocument>;
}

/** The API at `baseUrl`, called over HTTP with one tenant's key. */
export function benchApiClient(baseUrl: string, apiKey: string): BenchApi {
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(baseUrl + path, {
      method,
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 500)}`);
    return JSON.parse(text) as unknown;
  };
  return {
    baseUrl,
    postZip: async (body) => ((await call('POST', '/v1/zips', body)) as { id: string }).id,
    postIngest: async (body) => ((await call('POST', '/v1/ingests', body)) as { id: string }).id,
    getJob: async (id) => (await call('GET', `/v1/jobs/${encodeURIComponent(id)}`)) as JobDocument,
  };
}
