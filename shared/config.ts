import { z } from 'zod';
import { ConfigError } from './errors/app-error.js';

const GiB = 1024 ** 3;

const bool = (fallback: boolean) => z.stringbool().default(fallback);
const int = (fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce.number().int().min(min).max(max).default(fallback);
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));
const optionalUrl = optionalString.pipe(z.url().optional());
const list = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    );

// `host:port` (a name, an IPv4 address or a [bracketed] IPv6 one), comma-separated.
const HOST_PORT = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9_.-]+):\d{1,5}$/;
const hostPorts = list('').refine((items) => items.every((i) => HOST_PORT.test(i)), 'host:port,host:port,... expected');

/** Whether `prefix` carries a Redis Cluster hash tag: a non-empty `{...}`, so that all its keys share one slot. */
export function hasHashTag(prefix: string): boolean {
  const open = prefix.indexOf('{');
  return open !== -1 && prefix.indexOf('}', open + 1) > open + 1;
}

/**
 * Every environment variable the service reads. Nothing else in the code base touches `process.env`;
 * a bad value stops start-up with a message naming the variable.
 */
export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('production'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  PORT: int(3000, 0, 65535),
  HOST: z.string().default('0.0.0.0'),
  /** Largest JSON request body the API parses (express/bytes syntax). */
  API_BODY_LIMIT: z.string().default('5mb'),
  /** Time a client has to send a whole request (headers and body); then 408 and the connection is closed. */
  API_REQUEST_TIMEOUT_MS: int(60_000, 1),
  /** Time a client has to send a request's headers; at most API_REQUEST_TIMEOUT_MS. */
  API_HEADERS_TIMEOUT_MS: int(20_000, 1),
  /** How long an idle keep-alive connection is kept open; above a load balancer's idle timeout behind one. */
  API_KEEP_ALIVE_TIMEOUT_MS: int(5_000, 1),

  REDIS_URL: z.string().default('redis://127.0.0.1:6379'),
  /** Redis Cluster: `host:port,host:port,...` (some or all nodes); wins over REDIS_URL. */
  REDIS_CLUSTER_NODES: hostPorts,
  /** Redis Sentinel: `host:port,...` of the sentinels, with REDIS_SENTINEL_NAME; wins over REDIS_URL. */
  REDIS_SENTINELS: hostPorts,
  /** The master name the sentinels watch (`sentinel monitor <name> ...`). */
  REDIS_SENTINEL_NAME: optionalString,
  /** ACL user and password of the Redis servers (cluster nodes, Sentinel's primary); win over REDIS_URL's. */
  REDIS_USERNAME: optionalString,
  REDIS_PASSWORD: optionalString,
  /** TLS to the Redis servers (and to the sentinels); `rediss://` in REDIS_URL says the same. */
  REDIS_TLS: bool(false),
  /** PEM file of the CA(s) the Redis servers' and sentinels' certificates are checked against (not Node's store). */
  REDIS_TLS_CA_FILE: optionalString,
  /** PEM client certificate and its key, for servers that ask for one (`tls-auth-clients yes`); both or neither. */
  REDIS_TLS_CERT_FILE: optionalString,
  REDIS_TLS_KEY_FILE: optionalString,
  /** The sentinels' own ACL user and password (`requirepass` of sentinel.conf), when they have one. */
  REDIS_SENTINEL_USERNAME: optionalString,
  REDIS_SENTINEL_PASSWORD: optionalString,
  /**
   * Replicas that must have a new job (WAIT) before the API answers 202: 1 with Sentinel, so that a job accepted
   * just before the primary dies is on the replica promoted in its place. 0 (the default) waits for none.
   */
  REDIS_WAIT_REPLICAS: int(0, 0, 16),
  /** How long the API waits for those replicas; it answers 202 all the same after it (the job is on the primary). */
  REDIS_WAIT_TIMEOUT_MS: int(500, 1),
  /** How long the API waits for a Redis answer before it answers 503 (workers wait as long as it takes). */
  API_REDIS_TIMEOUT_MS: int(1000, 1),
  /** BullMQ's prefix and that of every key ferry owns; `{ferry}` in cluster mode, where it must carry a `{hash tag}`. */
  QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.{}-]{1,64}$/, 'letters, digits, _ . - { } only')
    .default('ferry'),

  S3_ENDPOINT: optionalUrl,
  /** Endpoint used only to sign download URLs, when clients reach S3 by another address than the workers. */
  S3_PUBLIC_ENDPOINT: optionalUrl,
  S3_REGION: z.string().default('us-east-1'),
  S3_BUCKET: z.string().min(3).default('ferry'),
  S3_FORCE_PATH_STYLE: bool(false),
  /**
   * `when_supported` (SDK default) or `when_required`. Some S3-compatible stores (s3rver, older MinIO) store
   * aws-chunked framing inside the object unless flexible checksums are limited to where they are required.
   */
  S3_CHECKSUMS: z.enum(['when_supported', 'when_required']).default('when_supported'),
  S3_KEY_PREFIX: z
    .string()
    .default('')
    .transform((v) => v.replace(/^\/+|\/+$/g, '')),
  S3_MANAGE_LIFECYCLE: bool(false),
  /** Workers abort multipart uploads under the zips/media prefixes older than this (stores without lifecycle rules). */
  S3_JANITOR_UPLOAD_MAX_AGE_SECONDS: int(86_400, 0),
  /** How often each worker runs that janitor (also once at start); 0 turns it off. */
  S3_JANITOR_INTERVAL_SECONDS: int(3600, 0),

  DYNAMODB_ENDPOINT: optionalUrl,
  DYNAMODB_TABLE: z.string().min(3).default('ferry-media'),
  PUBLIC_BASE_URL: optionalUrl,
  /** Where people reach ferry's public pages (variant URLs, share pages); in-process modes default to their own address. */
  PUBLIC_URL: optionalString.pipe(
    z
      .url()
      .transform((v) => v.replace(/\/+$/, ''))
      .optional(),
  ),

  /** Where variant URLs point when the media process has an address of its own (default: PUBLIC_URL). */
  MEDIA_PUBLIC_URL: optionalString.pipe(
    z
      .url()
      .transform((v) => v.replace(/\/+$/, ''))
      .optional(),
  ),
  /** The media process (variant URLs): its port, renders in flight and waiting, their timeout and input limits. */
  MEDIA_PORT: int(3001, 0, 65535),
  MEDIA_RENDER_CONCURRENCY: int(2, 1, 64),
  /** Renders that may wait for a slot; beyond them a request gets 503 with Retry-After. */
  MEDIA_RENDER_QUEUE: int(16, 0, 10_000),
  MEDIA_RENDER_TIMEOUT_MS: int(30_000, 1000),
  /** Decoded pixels an original may have (decompression bombs are refused before they are decoded). */
  MEDIA_MAX_INPUT_PIXELS: int(50_000_000, 1),
  MEDIA_MAX_INPUT_BYTES: int(50 * 1024 * 1024, 1),
  /** No side of a variant comes out larger (8192 at most). */
  MEDIA_MAX_OUTPUT_SIDE: int(8192, 16, 8192),
  /** libvips threads per render; 0: sharp's default, one per core. With MEDIA_RENDER_CONCURRENCY, the cores used. */
  MEDIA_VIPS_THREADS: int(0, 0, 256),

  FERRY_TENANTS: optionalString,
  FERRY_TENANTS_FILE: optionalString,
  FERRY_DATA_DIR: z.string().default('.ferry'),

  ALLOW_PRIVATE_NETWORKS: bool(false),
  /** Addresses let through the SSRF guard even when private networks are refused (comma-separated IPs). */
  SSRF_ALLOW_IPS: list(''),

  WORKER_CONCURRENCY: int(2, 1, 256),
  /** How long a worker's lock on a job lasts without renewal; a killed worker's job is taken over after it. */
  WORKER_LOCK_DURATION_MS: int(30_000, 1000),
  /** How often workers look for jobs whose worker died (BullMQ stalled-job check). */
  WORKER_STALLED_INTERVAL_MS: int(30_000, 500),
  /** How many times a job may lose its worker (SIGKILL, OOM, lost lock) and be taken over before it is failed. */
  WORKER_MAX_STALLED_COUNT: int(2, 0, 100),
  /** On SIGTERM, how long running jobs may take to finish before they are handed back to the queue. */
  WORKER_SHUTDOWN_TIMEOUT_MS: int(30_000, 0),
  DOWNLOAD_CONCURRENCY: int(8, 1, 256),
  FETCH_CONNECT_TIMEOUT_MS: int(10_000, 1),
  FETCH_IDLE_TIMEOUT_MS: int(30_000, 1),
  FETCH_TOTAL_TIMEOUT_MS: int(30 * 60_000, 1),
  FETCH_MAX_REDIRECTS: int(5, 0, 20),
  /** Extra tries for one file after a transient failure (timeout, reset, 5xx), before the file counts as failed. */
  FETCH_RETRIES: int(2, 0, 10),
  FETCH_RETRY_DELAY_MS: int(500, 0),
  /** Ingested files larger than this are uploaded in parts (their ETag is then not an MD5). */
  INGEST_MULTIPART_THRESHOLD_BYTES: int(100 * 1024 * 1024, 5 * 1024 * 1024),
  /** Where downloads wait for their turn in the archive; bounded by DOWNLOAD_CONCURRENCY files. */
  TEMP_DIR: optionalString,

  JOB_ATTEMPTS: int(3, 1, 100),
  JOB_BACKOFF_MS: int(10_000, 0),
  JOB_RETENTION_SECONDS: int(7 * 86_400, 60),

  ZIP_DEFAULT_EXPIRES_IN: int(86_400, 60, 604_800),
  ZIP_MAX_EXPIRES_IN: int(604_800, 60, 604_800),

  DEFAULT_JOBS_PER_MINUTE: int(60, 1),
  DEFAULT_MAX_FILES_PER_JOB: int(1000, 1),
  DEFAULT_MAX_FILE_BYTES: int(5 * GiB, 1),
  DEFAULT_MAX_JOB_BYTES: int(50 * GiB, 1),
  DEFAULT_ALLOWED_TYPES: list('image/*,video/*,audio/*,application/pdf'),

  BULL_BOARD_USER: optionalString,
  BULL_BOARD_PASSWORD: optionalString,
  /** Bull Board shows queues and jobs but offers no retry/remove/clean/pause buttons unless this is false. */
  BULL_BOARD_READ_ONLY: bool(true),
  WEBHOOK_RETRY_DELAY_MS: int(5000, 1),
  /** 15 with the 5 s first delay, doubling, spans about a day (DESIGN says 12, which spans ~3 h). */
  WEBHOOK_MAX_ATTEMPTS: int(15, 1, 100),
  WEBHOOK_TIMEOUT_MS: int(15_000, 1),

  /** Where share emails go out: `smtp://user:pass@host:587` or `smtps://…:465`; no email is sent without it. */
  SMTP_URL: optionalString.pipe(
    z
      .string()
      .regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL')
      .optional(),
  ),
  /** The envelope and From address of share emails; the From name is the tenant's displayName. */
  MAIL_FROM: z.email().default('ferry@localhost'),
  /** First retry delay of an email the SMTP server deferred (4xx) or could not be reached for; doubles. */
  MAIL_RETRY_DELAY_MS: int(5000, 1),
  /** 10 with the 5 s first delay, doubling, spans about 40 minutes. */
  MAIL_MAX_ATTEMPTS: int(10, 1, 100),
  MAIL_TIMEOUT_MS: int(30_000, 1),
});

export type Config = z.infer<typeof configSchema>;

export interface LoadConfigOptions {
  /** Values used where the environment sets none (dev mode's NODE_ENV=development...). */
  defaults?: Record<string, string>;
  /** Values that win over the environment (the embedded stack's endpoints). */
  overrides?: Record<string, string>;
}

/** Whether ferry talks TLS to Redis: REDIS_TLS, or a `rediss://` REDIS_URL where that URL is used (no cluster, no sentinels). */
export function redisTlsOn(
  config: Pick<Config, 'REDIS_TLS' | 'REDIS_URL' | 'REDIS_CLUSTER_NODES' | 'REDIS_SENTINELS'>,
): boolean {
  if (config.REDIS_TLS) return true;
  const urlUsed = config.REDIS_CLUSTER_NODES.length === 0 && config.REDIS_SENTINELS.length === 0;
  return urlUsed && /^rediss:\/\//i.test(config.REDIS_URL);
}

/** Parses the environment once; throws ConfigError naming every variable that is wrong. */
export function loadConfig(
  env: Record<string, string | undefined> = process.env,
  { defaults = {}, overrides = {} }: LoadConfigOptions = {},
): Config {
  // `PORT=` means "not set" (the default), never 0.
  const set = (vars: Record<string, string | undefined>) =>
    Object.entries(vars).filter((e): e is [string, string] => e[1] !== undefined && e[1].trim() !== '');
  const present: Record<string, string> = Object.fromEntries([...set(defaults), ...set(env), ...set(overrides)]);
  // In cluster mode every key must land in one slot: the default prefix carries a hash tag there.
  if (present.REDIS_CLUSTER_NODES !== undefined && present.QUEUE_PREFIX === undefined) present.QUEUE_PREFIX = '{ferry}';
  const parsed = configSchema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  const config = parsed.data;
  if (config.REDIS_CLUSTER_NODES.length > 0 && !hasHashTag(config.QUEUE_PREFIX)) {
    throw new ConfigError(
      'Invalid configuration:\n  QUEUE_PREFIX: must carry a hash tag such as {ferry} with REDIS_CLUSTER_NODES (all keys in one slot)',
    );
  }
  if (config.REDIS_CLUSTER_NODES.length > 0 && config.REDIS_SENTINELS.length > 0) {
    throw new ConfigError(
      'Invalid configuration:\n  REDIS_SENTINELS: set either REDIS_CLUSTER_NODES or REDIS_SENTINELS',
    );
  }
  if (config.REDIS_WAIT_REPLICAS > 0 && config.REDIS_CLUSTER_NODES.length > 0) {
    throw new ConfigError('Invalid configuration:\n  REDIS_WAIT_REPLICAS: not supported with REDIS_CLUSTER_NODES');
  }
  if (config.REDIS_WAIT_REPLICAS > 0 && config.REDIS_WAIT_TIMEOUT_MS >= config.API_REDIS_TIMEOUT_MS) {
    // Otherwise the API's own command timeout cuts the WAIT short and the request fails after its job was made.
    throw new ConfigError('Invalid configuration:\n  REDIS_WAIT_TIMEOUT_MS: must be below API_REDIS_TIMEOUT_MS');
  }
  if (config.REDIS_SENTINELS.length > 0 && config.REDIS_SENTINEL_NAME === undefined) {
    throw new ConfigError('Invalid configuration:\n  REDIS_SENTINEL_NAME: required with REDIS_SENTINELS');
  }
  if ((config.REDIS_TLS_CERT_FILE === undefined) !== (config.REDIS_TLS_KEY_FILE === undefined)) {
    const missing = config.REDIS_TLS_CERT_FILE === undefined ? 'REDIS_TLS_CERT_FILE' : 'REDIS_TLS_KEY_FILE';
    throw new ConfigError(
      `Invalid configuration:\n  ${missing}: REDIS_TLS_CERT_FILE and REDIS_TLS_KEY_FILE go together`,
    );
  }
  const tlsFile = ['REDIS_TLS_CA_FILE', 'REDIS_TLS_CERT_FILE', 'REDIS_TLS_KEY_FILE'] as const;
  const setTlsFile = tlsFile.find((name) => config[name] !== undefined);
  if (setTlsFile !== undefined && !redisTlsOn(config)) {
    // Otherwise the file would be ignored and the connection made in plain text.
    throw new ConfigError(
      `Invalid configuration:\n  ${setTlsFile}: needs TLS on (REDIS_TLS=true, or a rediss:// REDIS_URL without a cluster or sentinels)`,
    );
  }
  if (config.ZIP_DEFAULT_EXPIRES_IN > config.ZIP_MAX_EXPIRES_IN) {
    throw new ConfigError('Invalid configuration:\n  ZIP_DEFAULT_EXPIRES_IN: must not exceed ZIP_MAX_EXPIRES_IN');
  }
  if (config.API_HEADERS_TIMEOUT_MS > config.API_REQUEST_TIMEOUT_MS) {
    // Node refuses a server whose headers may take longer than the whole request.
    throw new ConfigError('Invalid configuration:\n  API_HEADERS_TIMEOUT_MS: must not exceed API_REQUEST_TIMEOUT_MS');
  }
  if (config.JOB_RETENTION_SECONDS < config.ZIP_MAX_EXPIRES_IN) {
    // Otherwise a job could vanish (404) while its archive is still downloadable.
    throw new ConfigError('Invalid configuration:\n  JOB_RETENTION_SECONDS: must be at least ZIP_MAX_EXPIRES_IN');
  }
  return config;
}

/**
 * What the `ferry` CLI's client commands read from the environment (they need no service config): the API's
 * address and key, and where the profile file is (`$XDG_CONFIG_HOME/ferry/config.json`, else
 * `$HOME/.config/ferry/config.json`); `FERRY_TENANTS_FILE` for the `tenants` commands.
 */
export interface CliEnvironment {
  FERRY_URL?: string;
  FERRY_API_KEY?: string;
  FERRY_TENANTS_FILE?: string;
  XDG_CONFIG_HOME?: string;
  HOME?: string;
}

export function cliEnvironment(env: Record<string, string | undefined> = process.env): CliEnvironment {
  const value = (name: keyof CliEnvironment) => {
    const v = env[name]?.trim();
    return v === undefined || v === '' ? undefined : v;
  };
  return {
    FERRY_URL: value('FERRY_URL'),
    FERRY_API_KEY: value('FERRY_API_KEY'),
    FERRY_TENANTS_FILE: value('FERRY_TENANTS_FILE'),
    XDG_CONFIG_HOME: value('XDG_CONFIG_HOME'),
    HOME: value('HOME'),
  };
}
