import { got, type Got } from 'got';
import { USER_AGENT } from '../../shared/version.js';
import type { GuardedAgents } from './ssrf-agents.js';

export interface HttpClientOptions {
  agents: GuardedAgents;
  connectTimeoutMs: number;
  idleTimeoutMs: number;
  totalTimeoutMs: number;
  maxRedirects: number;
}

/**
 * The one got instance every outgoing request uses (downloads and, later, webhooks): SSRF-guarded agents,
 * timeouts, a redirect cap and our User-Agent. got's own retries are off: files are retried whole by the caller.
 */
export function createHttpClient(o: HttpClientOptions): Got {
  return got.extend({
    agent: { http: o.agents.http, https: o.agents.https },
    timeout: {
      lookup: o.connectTimeoutMs,
      connect: o.connectTimeoutMs,
      secureConnect: o.connectTimeoutMs,
      socket: o.idleTimeoutMs,
      request: o.totalTimeoutMs,
    },
    // Always follow, so that with maxRedirects 0 a redirect is an error rather than a downloaded 3xx page.
    followRedirect: true,
    maxRedirects: o.maxRedirects,
    retry: { limit: 0 },
    headers: { 'user-agent': USER_AGENT },
  });
}
