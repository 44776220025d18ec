import { isDeepStrictEqual } from 'node:util';
import { createDocument, type CreateDocumentOptions, type ZodOpenApiPathsObject } from 'zod-openapi';
import { jobKinds } from '../../shared/jobs/registry.js';
import { isTenantRoute, openApiPath, type Route } from '../route.js';
import { ERRORS } from './common.js';
import { webhookPaths, webhookSchemas } from './webhooks.js';

/*
 * Component names: each job kind's request is registered here under its `docs.requestName`; every other
 * component is a schema with `.meta({ id })` (results by the kind's `docs.resultName`, in job-document.ts), which
 * zod-openapi turns into a component wherever it is used. Response schemas are not registered here: a registered
 * schema is also converted as input, and one that refers to another would then get an input twin (`JobOutput`).
 */
const requestSchemas = () => Object.fromEntries(jobKinds().map((kind) => [kind.docs.requestName, kind.request]));

/**
 * A default in a request schema goes into the description instead of `default`: type generators read `default`
 * as "always present" (openapi-typescript makes the property required), which is true of a response and false of
 * a request, where it is what the server assumes when the client leaves the field out.
 */
const describeRequestDefaults: CreateDocumentOptions['override'] = ({ jsonSchema, io }) => {
  if (io !== 'input' || !('default' in jsonSchema)) return;
  const note = `Defaults to \`${JSON.stringify(jsonSchema.default)}\`.`;
  jsonSchema.description = jsonSchema.description ? `${jsonSchema.description} ${note}` : note;
  delete jsonSchema.default;
};

/**
 * The OpenAPI 3.1 document of `routes`, converted from the zod schemas the API validates with. Every /v1 route
 * takes the API key and can answer 401, 500 and 503 (Redis away); the public ones say explicitly that they take none. A route with
 * a path parameter can answer 400 (a malformed % escape), unless it declares its own 400.
 */
export function buildOpenApiDocument(routes: readonly Route[], version: string): ReturnType<typeof createDocument> {
  const paths: ZodOpenApiPathsObject = {};
  for (const route of routes) {
    const tenant = isTenantRoute(route);
    const path = (paths[openApiPath(route.path)] ??= {});
    path[route.method] = {
      ...route.docs,
      security: tenant ? [{ apiKey: [] }] : [],
      responses: {
        // A path parameter with a malformed % escape (`%E0%A4%A`) is refused before the handler.
        ...(route.path.includes('/:') ? { 400: ERRORS.badPath } : {}),
        ...route.docs.responses,
        ...(tenant ? { 401: ERRORS[401], 500: ERRORS[500], 503: ERRORS[503] } : {}),
      },
    };
  }
  const webhooks = webhookSchemas();
  const document = createDocument(
    {
      openapi: '3.1.0',
      info: {
        title: 'ferry',
        version,
        description:
          'Moves files from URLs into S3: zip archives behind expiring links, or deduplicated media ingests.',
        license: { name: 'MIT', identifier: 'MIT' },
      },
      // Relative: the document is served by the API it describes, wherever that is deployed.
      servers: [{ url: '/', description: 'The ferry API that serves this document.' }],
      paths,
      webhooks: webhookPaths(),
      components: {
        schemas: { ...requestSchemas(), ...webhooks.bodies },
        securitySchemes: {
          apiKey: { type: 'http', scheme: 'bearer', description: 'An API key; it decides the tenant.' },
        },
      },
    },
    { override: describeRequestDefaults },
  );
  // The webhook bodies refer to `Job` and what it refers to; GET /v1/jobs/{id} normally brings the same ones.
  const schemas = ((document.components ??= {}).schemas ??= {});
  for (const [name, schema] of Object.entries(webhooks.components)) {
    if (schemas[name] !== undefined && !isDeepStrictEqual(schemas[name], schema)) {
      throw new Error(`OpenAPI component ${name}: the webhook bodies and the paths convert it differently`);
    }
    schemas[name] = schema;
  }
  return document;
}
