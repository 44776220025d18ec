import { readFileSync } from 'node:fs';
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import type { Config } from './config.js';
import { ConfigError } from './errors/app-error.js';

/** Any Redis connection ferry makes: one server (standalone or Sentinel's primary) or a whole cluster. */
export type RedisClient = Redis | Cluster;

export interface HostPort {
  host: string;
  port: number;
}

/** PEM contents of REDIS_TLS_CA_FILE, REDIS_TLS_CERT_FILE and REDIS_TLS_KEY_FILE (Node `tls.connect` options). */
export interface TlsFiles {
  ca?: string;
  cert?: string;
  key?: string;
}

interface Auth {
  username?: string;
  password?: string;
  /** REDIS_TLS (a `rediss://` REDIS_URL turns TLS on by itself, in ioredis). */
  tls: boolean;
  /** Set when any of the TLS files is: TLS is on then (loadConfig refuses the files otherwise). */
  tlsFiles?: TlsFiles;
}

/** Where ferry's Redis is and how to log in, read once from config: every connection is built from it. */
export type RedisTopology =
  | ({ kind: 'standalone'; url: string } & Auth)
  | ({ kind: 'cluster'; nodes: HostPort[] } & Auth)
  | ({
      kind: 'sentinel';
      sentinels: HostPort[];
      name: string;
      sentinelUsername?: string;
      sentinelPassword?: string;
    } & Auth);

export interface RedisConnectionOptions {
  /**
   * `worker` (the default): `maxRetriesPerRequest: null`, so that workers wait out a Redis restart or a failover
   * instead of failing their blocking commands. `api`: fail fast instead of waiting, so that a request can be
   * answered 503 at once and nothing it asked for runs later: no offline queue, no command resent after a
   * reconnect, and a command that gets no answer within `commandTimeoutMs` fails.
   */
  role?: 'worker' | 'api';
  /** For `api`: how long a command may wait for its answer (a Redis that accepts connections but hangs). */
  commandTimeoutMs?: number;
}

function hostPort(s: string): HostPort {
  const at = s.lastIndexOf(':');
  return { host: s.slice(0, at).replace(/^\[|\]$/g, ''), port: Number(s.slice(at + 1)) };
}

const PEM = /-----BEGIN [A-Z0-9 ]+-----/;

/** One PEM file, read at start: a path that cannot be read, or holds no PEM block, stops start-up naming `variable`. */
function readPem(variable: string, path: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`Invalid configuration:\n  ${variable}: cannot read ${path}: ${(err as Error).message}`);
  }
  if (!PEM.test(text)) throw new ConfigError(`Invalid configuration:\n  ${variable}: ${path} holds no PEM block`);
  return text;
}

function tlsFiles(config: Config): TlsFiles | undefined {
  const files: TlsFiles = {};
  if (config.REDIS_TLS_CA_FILE !== undefined) files.ca = readPem('REDIS_TLS_CA_FILE', config.REDIS_TLS_CA_FILE);
  if (config.REDIS_TLS_CERT_FILE !== undefined) {
    files.cert = readPem('REDIS_TLS_CERT_FILE', config.REDIS_TLS_CERT_FILE);
  }
  if (config.REDIS_TLS_KEY_FILE !== undefined) files.key = readPem('REDIS_TLS_KEY_FILE', config.REDIS_TLS_KEY_FILE);
  return Object.keys(files).length > 0 ? files : undefined;
}

/**
 * The topology the config describes: REDIS_CLUSTER_NODES or REDIS_SENTINELS win over REDIS_URL. Reads the TLS
 * files (once: call it at start, and build every connection from its result).
 */
export function redisTopology(config: Config): RedisTopology {
  const auth: Auth = {
    username: config.REDIS_USERNAME,
    password: config.REDIS_PASSWORD,
    tls: config.REDIS_TLS,
  };
  const files = tlsFiles(config);
  if (files) auth.tlsFiles = files;
  if (config.REDIS_CLUSTER_NODES.length > 0) {
    return { kind: 'cluster', nodes: config.REDIS_CLUSTER_NODES.map(hostPort), ...auth };
  }
  if (config.REDIS_SENTINELS.length > 0) {
    return {
      kind: 'sentinel',
      sentinels: config.REDIS_SENTINELS.map(hostPort),
      // loadConfig refuses REDIS_SENTINELS without a name.
      name: config.REDIS_SENTINEL_NAME ?? 'mymaster',
      sentinelUsername: config.REDIS_SENTINEL_USERNAME,
      sentinelPassword: config.REDIS_SENTINEL_PASSWORD,
      ...auth,
    };
  }
  return { kind: 'standalone', url: config.REDIS_URL, ...auth };
}

function withoutCredentials(url: string, t: Auth): string {
  if (t.username === undefined && t.password === undefined) return url;
  const u = new URL(url);
  if (t.username !== undefined) u.username = '';
  if (t.password !== undefined) u.password = '';
  return u.toString();
}

/** Options of one server connection (a cluster node's too) for the side that uses it. */
function serverOptions(t: RedisTopology, name: string, o: RedisConnectionOptions): RedisOptions {
  const options: RedisOptions = { connectionName: name, lazyConnect: false };
  if (t.username !== undefined) options.username = t.username;
  if (t.password !== undefined) options.password = t.password;
  // A rediss:// URL with no files: ioredis turns TLS on itself (tls: true).
  if (t.tls || t.tlsFiles) options.tls = { ...t.tlsFiles };
  if (o.role === 'api') {
    // Commands in flight when the connection drops fail with it instead of being kept for the next connection.
    options.maxRetriesPerRequest = 0;
    options.autoResendUnfulfilledCommands = false;
    options.commandTimeout = o.commandTimeoutMs;
  } else {
    options.maxRetriesPerRequest = null;
  }
  return options;
}

/**
 * THE way ferry connects to Redis: API, workers, queues, Bull Board, rate limiter, idempotency, cancellations
 * (its subscriber is a `duplicate()`), metrics and SSE all use a client built here, or a duplicate of one.
 */
export function connectRedis(t: RedisTopology, name: string, o: RedisConnectionOptions = {}): RedisClient {
  const options = serverOptions(t, name, o);
  const enableOfflineQueue = o.role !== 'api';
  switch (t.kind) {
    case 'standalone':
      // ioredis reads the URL's user, password and rediss:// itself, and the URL's win over options: the URL loses
      // the ones that REDIS_USERNAME/REDIS_PASSWORD give.
      return new Redis(withoutCredentials(t.url, t), { ...options, enableOfflineQueue });
    case 'sentinel':
      return new Redis({
        ...options,
        enableOfflineQueue,
        sentinels: t.sentinels,
        name: t.name,
        sentinelUsername: t.sentinelUsername,
        sentinelPassword: t.sentinelPassword,
        // REDIS_TLS: TLS to the primary the sentinels name (tls + this flag) and to the sentinels (sentinelTLS).
        enableTLSForSentinelMode: t.tls,
        ...(t.tls ? { sentinelTLS: { ...t.tlsFiles } } : {}),
        // Asks the sentinels again at once when they announce a new primary, rather than at the next error.
        failoverDetector: true,
      });
    case 'cluster': {
      const { lazyConnect, ...redisOptions } = options;
      const clusterOptions: ClusterOptions = {
        lazyConnect,
        enableOfflineQueue,
        redisOptions,
      };
      return new Cluster(t.nodes, clusterOptions);
    }
  }
}

/** Another connection like `client` (same topology, options and role): a subscriber, a blocking reader. */
export function duplicateRedis(client: RedisClient): RedisClient {
  return client instanceof Cluster ? client.duplicate() : client.duplicate();
}

/** Where the topology points, for logs (no secrets). */
export function describeTopology(t: RedisTopology): string {
  const list = (nodes: HostPort[]) => nodes.map((n) => `${n.host}:${n.port}`).join(',');
  if (t.kind === 'cluster') return `cluster ${list(t.nodes)}`;
  if (t.kind === 'sentinel') return `sentinels ${list(t.sentinels)} (${t.name})`;
  const url = new URL(t.url);
  return `${url.hostname}:${url.port || 6379}`;
}
