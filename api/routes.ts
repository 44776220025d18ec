import { jobKinds } from '../shared/jobs/registry.js';
import { VERSION } from '../shared/version.js';
import { cancelJobRoute } from './handlers/cancel-job.js';
import { createJobRoute } from './handlers/create-job.js';
import { createVariantUrlRoute } from './handlers/create-variant-url.js';
import { deleteArchiveRoute } from './handlers/delete-archive.js';
import { getHealthRoute } from './handlers/get-health.js';
import { getJobRoute } from './handlers/get-job.js';
import { getLimitsRoute } from './handlers/get-limits.js';
import { getMediaRoute } from './handlers/get-media.js';
import { getMetricsRoute } from './handlers/get-metrics.js';
import { getOpenApiRoute } from './handlers/get-openapi.js';
import { getReadinessRoute } from './handlers/get-readiness.js';
import { getShareDownloadRoute } from './handlers/get-share-download.js';
import { getSharePageRoute } from './handlers/get-share-page.js';
import { jobEventsRoute } from './handlers/job-events.js';
import { postSharePasswordRoute } from './handlers/post-share-password.js';
import { buildOpenApiDocument } from './openapi/document.js';
import type { Route } from './route.js';

/**
 * THE route table: every route the API serves and documents. One POST per registered job kind; the OpenAPI
 * document is built from this same list, so a served route cannot be left undocumented.
 */
export function apiRoutes(): Route[] {
  const routes: Route[] = [
    getHealthRoute,
    getReadinessRoute,
    getMetricsRoute,
    ...jobKinds().map(createJobRoute),
    getJobRoute,
    cancelJobRoute,
    deleteArchiveRoute,
    jobEventsRoute,
    getMediaRoute,
    createVariantUrlRoute,
    getLimitsRoute,
    // The share pages: for people, no API key (the token is the key).
    getSharePageRoute,
    postSharePasswordRoute,
    getShareDownloadRoute,
  ];
  let document: object | undefined;
  routes.push(getOpenApiRoute(() => (document ??= buildOpenApiDocument(routes, VERSION))));
  return routes;
}
