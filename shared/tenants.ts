import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Config } from './config.js';
import { ConfigError } from './errors/app-error.js';
import { PRESET_NAME, variantOptionsSchema, type VariantOptions } from './media/variant-options.js';

const limitsSchema = z.strictObject({
  jobsPerMinute: z.number().int().positive().optional(),
  maxFilesPerJob: z.number().int().positive().optional(),
  maxFileBytes: z.number().int().positive().optional(),
  maxJobBytes: z.number().int().positive().optional(),
  allowedTypes: z.array(z.string().regex(/^[a-z0-9.+-]+\/([a-z0-9.+-]+|\*)$|^\*\/\*$/i)).optional(),
});

// Media variants (DESIGN "Media variants"): the signing secrets, the watermark and the named presets.
const mediaSecretSchema = z.string().min(16, 'must be at least 16 characters');
const GRAVITIES = [
  'north',
  'northeast',
  'east',
  'southeast',
  'south',
  'southwest',
  'west',
  'northwest',
  'center',
] as const;
const watermarkSchema = z
  .strictObject({
    /** A URL the tenant has ingested, or the key of an object in the bucket. */
    url: z.url().optional(),
    key: z.string().min(1).optional(),
    gravity: z.enum(GRAVITIES).default('southeast'),
    opacity: z.number().min(0).max(1).default(0.5),
    /** The watermark's width as a fraction of the output's. */
    scale: z.number().gt(0).max(1).default(0.25),
  })
  .refine((w) => (w.url === undefined) !== (w.key === undefined), 'needs exactly one of url and key');
const mediaFields = {
  mediaSecret: z.union([mediaSecretSchema, z.array(mediaSecretSchema).min(1)]).optional(),
  watermark: watermarkSchema.optional(),
  mediaPresets: z
    .record(z.string().regex(PRESET_NAME, 'preset names match [a-z0-9-]{1,40}'), variantOptionsSchema)
    .optional(),
};

export type Watermark = z.infer<typeof watermarkSchema>;

/** A tenant's media variant settings. */
export interface TenantMedia {
  /** The first signs variant URLs; every one verifies them (rotation). Empty: only presets are served. */
  secrets: string[];
  watermark?: Watermark;
  presets: Record<string, VariantOptions>;
}

/** One entry of the tenants JSON as written (keys hashed); the `ferry tenants` commands edit such a file. */
export const tenantSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9-]{1,40}$/, 'must match [a-z0-9-]{1,40}'),
  apiKeys: z.array(z.string().regex(/^[0-9a-f]{64}$/, 'must be the sha256 hex of the key')).min(1),
  webhookSecret: z
    .string()
    .regex(/^whsec_[A-Za-z0-9+/=]+$/, 'must be whsec_<base64>')
    .optional(),
  limits: limitsSchema.optional(),
  /** Shown as the sender on share pages and in share emails (the tenant id when absent). */
  displayName: z.string().trim().min(1).max(100).optional(),
  ...mediaFields,
});

export type TenantEntry = z.infer<typeof tenantSchema>;

export type TenantLimits = Required<z.infer<typeof limitsSchema>>;

/** A tenant with every limit filled in from the config defaults. */
export interface Tenant {
  id: string;
  apiKeyHashes: string[];
  webhookSecret?: string;
  limits: TenantLimits;
  displayName?: string;
  media?: TenantMedia;
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export function generateApiKey(): string {
  return `fk_${randomBytes(24).toString('base64url')}`;
}

export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

export function generateMediaSecret(): string {
  return `ms_${randomBytes(32).toString('base64url')}`;
}

export function defaultLimits(config: Config): TenantLimits {
  return {
    jobsPerMinute: config.DEFAULT_JOBS_PER_MINUTE,
    maxFilesPerJob: config.DEFAULT_MAX_FILES_PER_JOB,
    maxFileBytes: config.DEFAULT_MAX_FILE_BYTES,
    maxJobBytes: config.DEFAULT_MAX_JOB_BYTES,
    allowedTypes: config.DEFAULT_ALLOWED_TYPES,
  };
}

/** Parses the tenants JSON (FERRY_TENANTS or the file FERRY_TENANTS_FILE names); undefined when neither is set. */
export function loadTenants(config: Config): Tenant[] | undefined {
  let source: string;
  let raw: string;
  if (config.FERRY_TENANTS !== undefined) {
    source = 'FERRY_TENANTS';
    raw = config.FERRY_TENANTS;
  } else if (config.FERRY_TENANTS_FILE !== undefined) {
    source = 'FERRY_TENANTS_FILE';
    try {
      raw = readFileSync(config.FERRY_TENANTS_FILE, 'utf8');
    } catch (err) {
      throw new ConfigError(`${source}: cannot read ${config.FERRY_TENANTS_FILE}: ${(err as Error).message}`);
    }
  } else {
    return undefined;
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (err) {
    throw new ConfigError(`${source}: not valid JSON: ${(err as Error).message}`);
  }
  const parsed = z.array(tenantSchema).min(1).safeParse(json);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${source}[${i.path.join('.')}]: ${i.message}`);
    throw new ConfigError(lines.join('\n'));
  }
  const ids = new Set<string>();
  for (const t of parsed.data) {
    if (ids.has(t.id)) throw new ConfigError(`${source}: tenant id "${t.id}" appears twice`);
    ids.add(t.id);
    if (!t.watermark && Object.values(t.mediaPresets ?? {}).some((p) => p.watermark === true)) {
      throw new ConfigError(`${source}: tenant "${t.id}": a mediaPreset asks for a watermark, but there is none`);
    }
  }
  const defaults = defaultLimits(config);
  return parsed.data.map((t) => ({
    id: t.id,
    apiKeyHashes: t.apiKeys,
    webhookSecret: t.webhookSecret,
    limits: { ...defaults, ...t.limits },
    displayName: t.displayName,
    media: {
      secrets: t.mediaSecret === undefined ? [] : [t.mediaSecret].flat(),
      ...(t.watermark ? { watermark: t.watermark } : {}),
      presets: t.mediaPresets ?? {},
    },
  }));
}

/** Looks tenants up by API key; keys are compared by their SHA-256, never stored in plain. */
export class TenantRegistry {
  private readonly byHash = new Map<string, Tenant>();
  private readonly byId = new Map<string, Tenant>();

  constructor(tenants: Tenant[]) {
    for (const tenant of tenants) {
      this.byId.set(tenant.id, tenant);
      for (const hash of tenant.apiKeyHashes) {
        if (this.byHash.has(hash)) throw new ConfigError(`An API key is shared by two tenants (${tenant.id})`);
        this.byHash.set(hash, tenant);
      }
    }
  }

  byApiKey(key: string): Tenant | undefined {
    return this.byHash.get(hashApiKey(key));
  }

  get(id: string): Tenant | undefined {
    return this.byId.get(id);
  }
}
