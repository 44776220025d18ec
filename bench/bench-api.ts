import type { AddressInfo } from 'node:net';
import type { ApiDeps } from '../api/deps.js';
import { listen } from '../api/http-server.js';
import type { JobDocument } from '../shared/job-document.js';

export interface BenchApi {
  baseUrl: string;
  /** POST /v1/zips; resolves with the job id once the API has answered 202. */
  postZip(body: unknown): Promise<string>;
  /** POST /v1/ingests; resolves with the job id once the API has answered 202. */
  postIngest(body: unknown): Promise<string>;
  getJob(id: string): Promise<JobDocument>;
  close(): Promise<void>;
}

/** The real API in this process (listen() from api/http-server.ts), called over HTTP with one tenant's key. */
export async function startBenchApi(deps: ApiDeps, apiKey: string): Promise<BenchApi> {
  const http = await listen(deps);
  const baseUrl = `http://127.0.0.1:${(http.server.address() as AddressInfo).port}`;
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
    close: http.close,
  };
}
