import type { RequestHandler } from 'express';
import { UnauthorizedError } from '../../shared/errors/app-error.js';
import type { Tenant, TenantRegistry } from '../../shared/tenants.js';

declare module 'express-serve-static-core' {
  interface Request {
    /** Set by `requireTenant` on every /v1 route. */
    tenant?: Tenant;
  }
}

/** `Authorization: Bearer <key>` -> the key's tenant; anything else -> 401. */
export function requireTenant(tenants: TenantRegistry): RequestHandler {
  return (req, _res, next) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '');
    const tenant = match ? tenants.byApiKey(match[1]!) : undefined;
    if (!tenant) {
      next(new UnauthorizedError());
      return;
    }
    req.tenant = tenant;
    next();
  };
}

export function tenantOf(req: { tenant?: Tenant }): Tenant {
  if (!req.tenant) throw new UnauthorizedError();
  return req.tenant;
}
