import type { Agent as HttpAgent } from 'node:http';
import type { Agent as HttpsAgent } from 'node:https';
import { RequestFilteringHttpAgent, RequestFilteringHttpsAgent } from 'request-filtering-agent';

/**
 * Cloud metadata endpoints stay blocked even when private networks are allowed (with the guard fully on they
 * are blocked as link-local anyway). Single addresses, not CIDRs: request-filtering-agent 3.2 cannot match an
 * IPv4 CIDR against an IPv6 address (or the reverse) and warns on every such connection.
 */
const ALWAYS_DENIED = ['169.254.169.254', '169.254.170.2', 'fd00:ec2::254'];

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

/**
 * Whether the SSRF guard refused the connection. request-filtering-agent reports it with this wording, and got
 * may wrap its error once (as `cause`).
 */
export function isBlockedAddressError(err: unknown): boolean {
  const refused = (e: unknown) => e instanceof Error && /is not allowed\. Because/.test(e.message);
  return refused(err) || refused((err as { cause?: unknown } | undefined)?.cause);
}
