import type { Agent as HttpAgent } from 'node:http';
import type { Agent as HttpsAgent } from 'node:https';
import { RequestFilteringHttpAgent, RequestFilteringHttpsAgent } from 'request-filtering-agent';

/** Link-local (cloud metadata at 169.254.169.254) and AWS's IPv6 metadata address stay blocked in every mode. */
const ALWAYS_DENIED = ['169.254.0.0/16', 'fe80::/10', 'fd00:ec2::254/128'];

export interface SsrfGuardOptions {
  /** Lets loopback and private ranges through (tests, local mode); metadata addresses stay blocked. */
  allowPrivateNetworks: boolean;
  /** Single addresses or CIDRs let through even when private networks are refused. */
  allowIps?: string[];
}

export interface GuardedAgents {
  http: HttpAgent;
  https: HttpsAgent;
}

/**
 * Agents that check the resolved address of every connection (so every redirect hop, and IP literals
 * in any spelling once WHATWG URL parsing has normalised them) before a socket is opened.
 */
export function createGuardedAgents({ allowPrivateNetworks, allowIps = [] }: SsrfGuardOptions): GuardedAgents {
  const options = {
    keepAlive: true,
    allowPrivateIPAddress: allowPrivateNetworks,
    allowMetaIPAddress: false,
    allowIPAddressList: allowIps,
    denyIPAddressList: ALWAYS_DENIED,
  };
  return { http: new RequestFilteringHttpAgent(options), https: new RequestFilteringHttpsAgent(options) };
}

export function destroyAgents(agents: GuardedAgents): void {
  agents.http.destroy();
  agents.https.destroy();
}

/** request-filtering-agent reports a refused address with this wording. */
export function isBlockedAddressError(err: unknown): boolean {
  return err instanceof Error && /is not allowed\. Because/.test(err.message);
}
