import type { IncomingHttpHeaders } from 'node:http';
import { Validator } from '@seriousme/openapi-schema-validator';
import formats from 'ajv-formats';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import type { Express } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app.js';
import { createApiDeps } from '../../api/deps.js';
import { listen } from '../../api/http-server.js';
import { JobRateLimiter } from '../../api/jobs/job-rate-limiter.js';
import { startFileServer, type FileServer } from '../../fixtures/file-server.js';
import { solidPng } from '../../local/sample-files.js';
import { LOCAL_CREDENTIALS } from '../../local/stack.js';
import { loadConfig } from '../../shared/config.js';
import { createLogger } from '../../shared/logger.js';
import { createClients } from '../../shared/runtime.js';
import { shareTokenHash } from '../../shared/share/share-token.js';
import { VERSION } from '../../shared/version.js';
import { verifyWebhook } from '../../shared/webhooks.js';
import { KEY_B, startHarness, WEBHOOK_SECRET_A, type Harness } from '../helpers/harness.js';

type Reply = Awaited<ReturnType<Harness['request']>>;

let h: Harness;
let files: FileServer;
/** GET /openapi.json as a client gets it. */
let doc: any;
let served: Reply;

// Strict: a component schema with a keyword draft 2020-12 does not know, or a mistyped one, fails to compile.
// strictRequired off: `oneOf: [{required: [a]}, {required: [b]}]` ("exactly one of a, b") is meant that way.
const ajv = new Ajv2020({ strict: true, strictRequired: false, allErrors: true });
formats.default(ajv);
// Components refer to each other (`#/components/schemas/...`): Ajv holds them under the document's own address,
// where those references resolve, and every schema compiled from the document has its references made absolute.
const DOC_ID = 'https://ferry.invalid/openapi.json';
ajv.addKeyword({ keyword: 'components' });
const absolute = (schema: object): object =>
  JSON.parse(JSON.stringify(schema).replaceAll('"$ref":"#/components/', `"$ref":"${DOC_ID}#/components/`));
const validators = new Map<string, ValidateFunction>();
/** `METHOD /path status` of every real response checked against the document. */
const checked = new Set<string>();
/** The events of every real webhook delivery checked against the document. */
const checkedWebhooks = new Set<string>();

beforeAll(async () => {
  [h, files] = await Promise.all([startHarness({ env: { API_BODY_LIMIT: '8kb' } }), startFileServer()]);
  served = await h.request('GET', '/openapi.json', { key: null });
  doc = served.body;
  ajv.addSchema({ $id: DOC_ID, components: { schemas: doc.components.schemas } });
});
afterAll(async () => {
  await Promise.all([h?.close(), files?.close()]);
});

/** The validator of a schema from the document; a `$ref` is looked up in components.schemas. */
function validatorFor(schema: any): ValidateFunction {
  const key = JSON.stringify(schema);
  let validate = validators.get(key);
  if (!validate) {
    const name = schema.$ref === undefined ? undefined : /^#\/components\/schemas\/(\w+)$/.exec(schema.$ref)?.[1];
    const target = schema.$ref === undefined ? schema : doc.components.schemas[name ?? ''];
    expect(target, `unresolved ${schema.$ref}`).toBeDefined();
    validate = ajv.compile(absolute(target));
    validators.set(key, validate);
  }
  return validate;
}

/** Checks a real response against what the document declares for `METHOD path` (a template: `/v1/jobs/{id}`). */
function expectDeclared(method: string, path: string, res: Reply): void {
  const op = doc.paths[path]?.[method.toLowerCase()];
  expect(op, `${method} ${path} is not in the document`).toBeDefined();
  const declared = op.responses[String(res.status)];
  expect(declared, `${method} ${path} answered ${res.status}, undeclared: ${JSON.stringify(res.body)}`).toBeDefined();
  for (const header of Object.keys(declared.headers ?? {})) {
    expect(res.headers.has(header), `${method} ${path} ${res.status} without ${header}`).toBe(true);
  }
  if (declared.content === undefined) {
    // A redirect or 204: the status and headers are what it says.
    checked.add(`${method} ${path} ${res.status}`);
    return;
  }
  const [mediaType] = Object.keys(declared.content);
  if (mediaType !== 'application/json') {
    // GET /metrics: text, not JSON.
    expect(res.headers.get('content-type')).toBe(`${mediaType}; charset=utf-8`);
    expect(typeof res.body).toBe('string');
    checked.add(`${method} ${path} ${res.status}`);
    return;
  }
  expect(res.headers.get('content-type')).toMatch(/^application\/json\b/);
  const validate = validatorFor(declared.content['application/json'].schema);
  expect(validate(res.body), `${method} ${path} ${res.status}: ${ajv.errorsText(validate.errors)}`).toBe(true);
  checked.add(`${method} ${path} ${res.status}`);
}

/** A webhook delivery as its receiver got it. */
interface Delivery {
  headers: IncomingHttpHeaders;
  body: string;
}

/** Serves `path` on the file server as a webhook receiver that answers 204 and keeps what it got. */
function webhookReceiver(path: string): Delivery[] {
  const deliveries: Delivery[] = [];
  files.route(path, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      deliveries.push({ headers: req.headers, body: Buffer.concat(chunks).toString() });
      res.writeHead(204).end();
    });
  });
  return deliveries;
}

/** Checks a real delivery against what the document's `webhooks` declare for its event: headers, then body. */
function expectDeclaredWebhook(delivery: Delivery): void {
  const body = JSON.parse(delivery.body);
  const op = doc.webhooks?.[body.type]?.post;
  expect(op, `webhook ${body.type} is not in the document`).toBeDefined();
  for (const param of op.parameters.filter((p: any) => p.in === 'header')) {
    const value = delivery.headers[param.name.toLowerCase()];
    if (param.required) expect(value, `webhook ${body.type} without ${param.name}`).toBeDefined();
    if (value !== undefined) expect(validatorFor(param.schema)(value), `${param.name}: ${String(value)}`).toBe(true);
  }
  expect(Object.keys(op.requestBody.content)).toEqual(['application/json']);
  expect(delivery.headers['content-type']).toMatch(/^application\/json\b/);
  const validate = validatorFor(op.requestBody.content['application/json'].schema);
  expect(validate(body), `webhook ${body.type}: ${ajv.errorsText(validate.errors)}`).toBe(true);
  // Signed as the document says: the receiver's helper accepts it.
  expect(() => verifyWebhook(WEBHOOK_SECRET_A, delivery.headers, delivery.body)).not.toThrow();
  checkedWebhooks.add(body.type);
}

/** Polls the job until its webhook is no longer pending. */
async function afterDelivery(statusUrl: string): Promise<Reply> {
  const deadline = Date.now() + 20_000;
  let res = await h.request('GET', statusUrl);
  while (res.body.webhook?.state === 'pending' && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 25));
    res = await h.request('GET', statusUrl);
  }
  return res;
}

/** Whether the document's request body schema for `POST path` allows `body`. */
function documentAllows(path: string, body: unknown): boolean {
  return validatorFor(doc.paths[path].post.requestBody.content['application/json'].schema)(body);
}

/** Every `METHOD /path` in the document. */
function documentedRoutes(): string[] {
  return Object.entries(doc.paths)
    .flatMap(([path, ops]) => Object.keys(ops as object).map((m) => `${m.toUpperCase()} ${path}`))
    .sort();
}

/** Every `METHOD /path` the express app routes, read from its router (`:id` written as `{id}`). */
function appRoutes(app: Express): string[] {
  const out: string[] = [];
  const walk = (stack: any[]) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const m of Object.keys(layer.route.methods)) out.push(`${m.toUpperCase()} ${layer.route.path}`);
      } else if (Array.isArray(layer.handle?.stack)) {
        walk(layer.handle.stack);
      }
    }
  };
  walk((app as any).router.stack);
  return out.map((r) => r.replace(/:(\w+)/g, '{$1}')).sort();
}

describe('GET /openapi.json', () => {
  it('is a valid OpenAPI 3.1 document, served without an API key', async () => {
    expect(served.status).toBe(200);
    const validator = new Validator();
    const result = await validator.validate(structuredClone(doc));
    expect(result.valid, JSON.stringify(result.errors, null, 2)).toBe(true);
    expect(validator.version).toBe('3.1');
    expect(doc.info).toMatchObject({ title: 'ferry', version: VERSION });
    for (const [name, schema] of Object.entries(doc.components.schemas)) {
      expect(() => ajv.compile(absolute(schema as object)), name).not.toThrow();
      // A `#/$defs/...` inside a component would resolve against the document's root, not the component.
      expect(JSON.stringify(schema), name).not.toContain('"$defs"');
    }
    // The bearer key guards exactly the /v1 routes; the others say that they take none.
    for (const route of documentedRoutes()) {
      const [method, path] = route.split(' ') as [string, string];
      const security = doc.paths[path][method.toLowerCase()].security;
      expect(security, route).toEqual(path.startsWith('/v1/') ? [{ apiKey: [] }] : []);
    }
    expect(doc.components.securitySchemes.apiKey).toMatchObject({ type: 'http', scheme: 'bearer' });
    // Structural validation does not see a `{param}` without its parameter.
    for (const route of documentedRoutes()) {
      const [method, path] = route.split(' ') as [string, string];
      const declared = (doc.paths[path][method.toLowerCase()].parameters ?? []).filter((p: any) => p.in === 'path');
      const inPath = [...path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true }));
      expect(declared, route).toEqual(inPath.map((p) => expect.objectContaining(p)));
    }
    expectDeclared('GET', '/openapi.json', served);
  });

  it('lists exactly the routes the app serves', () => {
    const app = createApp(
      createApiDeps({
        config: h.config,
        clients: h.clients,
        queues: h.queues,
        tenants: [],
        logger: createLogger('silent'),
      }),
    );
    const routes = appRoutes(app);
    expect(routes).toContain('POST /v1/zips');
    expect(documentedRoutes()).toEqual(routes);
  });

  it('lists no route that answers "No route"', async () => {
    const noRoute = (res: Reply) => res.status === 404 && /^No route/.test(res.body?.error?.message ?? '');
    for (const route of documentedRoutes()) {
      const [method, path] = route.split(' ') as [string, string];
      const body = method === 'POST' ? {} : undefined;
      const res = await h.request(method, path.replace(/\{\w+\}/g, 'unknown'), { body });
      expect(noRoute(res), `${route}: ${JSON.stringify(res.body)}`).toBe(false);
    }
    // The check above can fail: a route the app does not have answers just that.
    expect(noRoute(await h.request('GET', '/v1/nothing-here'))).toBe(true);
    expect(noRoute(await h.request('GET', '/nothing-here', { key: null }))).toBe(true);
  });
});

describe('real responses match the document', () => {
  const png = solidPng(8, 8, [10, 200, 30]);

  it('POST /v1/zips -> 202, then GET /v1/jobs/{id} -> 200 while queued and once completed or failed', async () => {
    files.file('/z/a.png', png, 'image/png');
    const body = { filename: 'pics', files: [{ url: files.url('/z/a.png'), name: 'in/a.png' }] };
    expect(documentAllows('/v1/zips', body)).toBe(true);
    const created = await h.request('POST', '/v1/zips', { body });
    expect(created.status, JSON.stringify(created.body)).toBe(202);
    expectDeclared('POST', '/v1/zips', created);
    expect(created.headers.get('location')).toBe(created.body.statusUrl);
    // Whatever state it is in by now.
    expectDeclared('GET', '/v1/jobs/{id}', await h.request('GET', created.body.statusUrl));

    expect((await h.waitForJob(created.body.id)).state).toBe('completed');
    const done = await h.request('GET', created.body.statusUrl);
    expect(done.body.result.downloadUrl).toEqual(expect.any(String));
    expectDeclared('GET', '/v1/jobs/{id}', done);

    // `urls` instead of `files`, defaults left out (the document describes the request's input form).
    const hook = webhookReceiver('/z/hook');
    const failing = {
      filename: 'broken',
      urls: [files.url('/z/missing.png')],
      webhook: { url: files.url('/z/hook') },
      options: {},
    };
    expect(documentAllows('/v1/zips', failing)).toBe(true);
    const queued = await h.request('POST', '/v1/zips', { body: failing });
    expect(queued.status, JSON.stringify(queued.body)).toBe(202);
    expect((await h.waitForJob(queued.body.id)).state).toBe('failed');
    const failed = await afterDelivery(queued.body.statusUrl);
    expect(failed.body.error.code).toEqual(expect.any(String));
    expect(failed.body.webhook).toMatchObject({ state: 'delivered', lastStatus: 204 });
    expectDeclared('GET', '/v1/jobs/{id}', failed);
    expect(hook.map((d) => JSON.parse(d.body).type)).toEqual(['job.failed']);
    expectDeclaredWebhook(hook[0]!);
  });

  it('POST /v1/ingests -> 202, GET /v1/jobs/{id} -> 200, GET /v1/media and POST /v1/media/variants -> 200, 404, 400', async () => {
    files.file('/i/b.png', png, 'image/png');
    const url = files.url('/i/b.png');
    const hook = webhookReceiver('/i/hook');
    const body = { urls: [url], webhook: { url: files.url('/i/hook') } };
    expect(documentAllows('/v1/ingests', body)).toBe(true);
    const created = await h.request('POST', '/v1/ingests', { body });
    expect(created.status, JSON.stringify(created.body)).toBe(202);
    expectDeclared('POST', '/v1/ingests', created);
    expect((await h.waitForJob(created.body.id)).state).toBe('completed');
    const done = await afterDelivery(created.body.statusUrl);
    expect(done.body.result.items[0].status).toBe('stored');
    expect(done.body.webhook).toMatchObject({ state: 'delivered', lastStatus: 204 });
    expectDeclared('GET', '/v1/jobs/{id}', done);
    expect(hook.map((d) => JSON.parse(d.body).type)).toEqual(['job.completed']);
    expectDeclaredWebhook(hook[0]!);

    const found = await h.request('GET', `/v1/media?url=${encodeURIComponent(url)}`);
    expect(found.status).toBe(200);
    expectDeclared('GET', '/v1/media', found);
    const missing = await h.request('GET', `/v1/media?url=${encodeURIComponent(files.url('/i/never.png'))}`);
    expect(missing.status).toBe(404);
    expectDeclared('GET', '/v1/media', missing);
    const invalid = await h.request('GET', '/v1/media?url=nope');
    expect(invalid.status).toBe(400);
    expectDeclared('GET', '/v1/media', invalid);

    const variant = await h.request('POST', '/v1/media/variants', { body: { url, width: 10, format: 'auto' } });
    expect(variant.status).toBe(200);
    expectDeclared('POST', '/v1/media/variants', variant);
    const unknownMedia = await h.request('POST', '/v1/media/variants', { body: { url: files.url('/i/never.png') } });
    expect(unknownMedia.status).toBe(404);
    expectDeclared('POST', '/v1/media/variants', unknownMedia);
    const badOptions = await h.request('POST', '/v1/media/variants', { body: { url, width: -1 } });
    expect(badOptions.status).toBe(400);
    expectDeclared('POST', '/v1/media/variants', badOptions);
  });

  it('invalid bodies -> 400, and the document refuses the ones JSON Schema can describe', async () => {
    const cases: [string, unknown, boolean][] = [
      ['/v1/zips', { filename: 'x' }, true],
      ['/v1/zips', { filename: 'x', urls: ['https://x/y'], files: [{ url: 'https://x/y' }] }, true],
      ['/v1/zips', { filename: 'x', urls: [] }, true],
      ['/v1/zips', { filename: '..', urls: ['https://x/y'] }, true],
      ['/v1/zips', { filename: 'a/b', urls: ['https://x/y'] }, true],
      ['/v1/zips', { filename: 'x', files: [{ url: 'https://x/y', name: 'a\u0007' }] }, true],
      ['/v1/zips', { filename: 'x', urls: ['https://x/y'], options: { compression: 'zstd' } }, true],
      ['/v1/zips', { filename: 'x', urls: ['ftp://x/y'] }, false],
      ['/v1/ingests', {}, true],
      ['/v1/ingests', { urls: ['https://x/y'], extra: 1 }, true],
      ['/v1/ingests', { urls: ['https://x/y'], options: { refresh: 'yes' } }, true],
      ['/v1/ingests', { urls: ['https://user:pw@x/y'] }, false],
    ];
    for (const [path, body, describable] of cases) {
      const res = await h.request('POST', path, { body });
      expect(res.status, `${path} ${JSON.stringify(body)}`).toBe(400);
      expectDeclared('POST', path, res);
      if (describable) expect(documentAllows(path, body), `${path} ${JSON.stringify(body)}`).toBe(false);
    }
  });

  it('bodies that are not JSON, too large or encoded oddly -> 400, 413, 415', async () => {
    for (const path of ['/v1/zips', '/v1/ingests']) {
      const notJson = await h.request('POST', path, { raw: '{"urls": [' });
      expect(notJson.status).toBe(400);
      expectDeclared('POST', path, notJson);
      // Over the harness's 8kb API_BODY_LIMIT.
      const tooLarge = JSON.stringify({ urls: [`https://x/${'a'.repeat(16_384)}`] });
      const large = await h.request('POST', path, { raw: tooLarge });
      expect(large.status).toBe(413);
      expectDeclared('POST', path, large);
      const encoded = await h.request('POST', path, { raw: '{}', headers: { 'content-encoding': 'x-unknown' } });
      expect(encoded.status).toBe(415);
      expectDeclared('POST', path, encoded);
    }
  });

  it('GET /v1/jobs/{id}/events -> 200 event stream, 404 unknown', async () => {
    files.file('/sse.png', solidPng(4, 4, [8, 8, 8]), 'image/png');
    const created = await h.request('POST', '/v1/zips', { body: { filename: 'sse', urls: [files.url('/sse.png')] } });
    const stream = await h.request('GET', `/v1/jobs/${created.body.id}/events`);
    expect(stream.status).toBe(200);
    expect(stream.body).toContain('event: completed');
    expectDeclared('GET', '/v1/jobs/{id}/events', stream);
    const unknown = await h.request('GET', '/v1/jobs/zip_tenant-a_AAAAAAAAAAAAAAAAAAAAAA/events');
    expect(unknown.status).toBe(404);
    expectDeclared('GET', '/v1/jobs/{id}/events', unknown);
  });

  it('DELETE /v1/jobs/{id} -> 202 for a queued job, 409 once finished, 404 unknown', async () => {
    const hook = webhookReceiver('/c/hook');
    const created = await h.request('POST', '/v1/zips', {
      body: { filename: 'to-cancel', urls: ['https://example.com/x.png'], webhook: { url: files.url('/c/hook') } },
    });
    const cancel = await h.request('DELETE', `/v1/jobs/${created.body.id}`);
    expect(cancel.status).toBe(202);
    expectDeclared('DELETE', '/v1/jobs/{id}', cancel);
    const finished = await h.waitForJob(created.body.id);
    expect(finished.state).toBe('cancelled');
    // The worker fails it for good (BullMQ state failed, code cancelled); then it counts as finished.
    for (let i = 0; (await h.queues.zip.getJobState(created.body.id)) !== 'failed'; i++) {
      if (i > 600) throw new Error('the worker did not fail the cancelled job');
      await new Promise((r) => setTimeout(r, 50));
    }
    const delivered = await afterDelivery(created.body.statusUrl);
    expect(delivered.body.webhook).toMatchObject({ state: 'delivered', lastStatus: 204 });
    expect(hook.map((d) => JSON.parse(d.body).type)).toEqual(['job.cancelled']);
    expectDeclaredWebhook(hook[0]!);
    const again = await h.request('DELETE', `/v1/jobs/${created.body.id}`);
    expect(again.status).toBe(409);
    expectDeclared('DELETE', '/v1/jobs/{id}', again);
    const unknown = await h.request('DELETE', '/v1/jobs/zip_tenant-a_AAAAAAAAAAAAAAAAAAAAAA');
    expect(unknown.status).toBe(404);
    expectDeclared('DELETE', '/v1/jobs/{id}', unknown);
  });

  it('unknown job -> 404; no or a wrong key -> 401 on every /v1 route', async () => {
    for (const id of ['unknown', 'zip_tenant-a_AAAAAAAAAAAAAAAAAAAAAA']) {
      const res = await h.request('GET', `/v1/jobs/${id}`);
      expect(res.status).toBe(404);
      expectDeclared('GET', '/v1/jobs/{id}', res);
    }
    for (const route of documentedRoutes().filter((r) => r.includes(' /v1/'))) {
      const [method, path] = route.split(' ') as [string, string];
      for (const key of [null, 'not-a-key']) {
        const body = method === 'POST' ? {} : undefined;
        const res = await h.request(method, path.replace(/\{\w+\}/g, 'unknown'), { key, body });
        expect(res.status, route).toBe(401);
        expectDeclared(method, path, res);
      }
    }
  });

  it('a malformed % escape in a path parameter -> 400 on every route that has one', async () => {
    const routes = documentedRoutes().filter((r) => r.includes('{'));
    expect(routes.length).toBeGreaterThan(0);
    for (const route of routes) {
      const [method, path] = route.split(' ') as [string, string];
      const res = await h.request(method, path.replace(/\{\w+\}/g, '%E0%A4%A'));
      expect(res.status, route).toBe(400);
      expect(res.body.error.code).toBe('invalid_request');
      expectDeclared(method, path, res);
    }
  });

  it('Idempotency-Key: a replay -> 200 with the first job, another body -> 422', async () => {
    for (const [path, body, other] of [
      [
        '/v1/zips',
        { filename: 'idem', urls: ['https://example.com/a.png'] },
        { filename: 'other', urls: ['https://example.com/a.png'] },
      ],
      ['/v1/ingests', { urls: ['https://example.com/b.png'] }, { urls: ['https://example.com/c.png'] }],
    ] as const) {
      const headers = { 'idempotency-key': `openapi-${path}` };
      const first = await h.request('POST', path, { body, headers });
      expectDeclared('POST', path, first);
      const replay = await h.request('POST', path, { body, headers });
      expect(replay.status).toBe(200);
      expect(replay.body.id).toBe(first.body.id);
      expectDeclared('POST', path, replay);
      const reused = await h.request('POST', path, { body: other, headers });
      expect(reused.status).toBe(422);
      expectDeclared('POST', path, reused);
    }
  });

  it('GET /v1/limits -> 200, GET /metrics -> 200, POST over the rate limit -> 429', async () => {
    expectDeclared('GET', '/v1/limits', await h.request('GET', '/v1/limits'));
    expectDeclared('GET', '/metrics', await h.request('GET', '/metrics', { key: null }));
    // Uses up tenant B's minute (the harness gives it 1000 jobs per minute).
    const limiter = new JobRateLimiter(h.clients.redis, h.config.QUEUE_PREFIX);
    await Promise.all(Array.from({ length: 1000 }, () => limiter.take('tenant-b', 1000)));
    for (const path of ['/v1/zips', '/v1/ingests']) {
      const res = await h.request('POST', path, { key: KEY_B, body: {} });
      expect(res.status, path).toBe(429);
      expectDeclared('POST', path, res);
    }
  });

  it('GET /healthz -> 200, GET /readyz -> 200, and 503 when a dependency is missing', async () => {
    expectDeclared('GET', '/healthz', await h.request('GET', '/healthz', { key: null }));
    const ready = await h.request('GET', '/readyz', { key: null });
    expect(ready.status).toBe(200);
    expectDeclared('GET', '/readyz', ready);

    // A second API on the same stack whose bucket does not exist: S3 answers, but not ready.
    const config = loadConfig({ ...h.env, S3_BUCKET: 'ferry-no-such-bucket' });
    const clients = createClients(config, 'test-unready', { credentials: LOCAL_CREDENTIALS });
    const deps = createApiDeps({ config, clients, queues: h.queues, tenants: [], logger: createLogger('silent') });
    const api = await listen(createApp(deps), 0, '127.0.0.1');
    try {
      const { port } = api.server.address() as { port: number };
      const res = await fetch(`http://127.0.0.1:${port}/readyz`);
      const unready: Reply = { status: res.status, body: await res.json(), headers: res.headers };
      expect(unready.status).toBe(503);
      expect(unready.body.checks.s3.ok).toBe(false);
      expectDeclared('GET', '/readyz', unready);
    } finally {
      await api.close();
      await clients.close();
    }
  });

  it('share pages -> 200, 303, 302, 401, 404, 410, 429; DELETE /v1/jobs/{id}/archive -> 204, 404, 409', async () => {
    files.file('/share/a.txt', 'shared\n', 'text/plain');
    const zip = async (share: object, url = files.url('/share/a.txt')) =>
      h.waitForJob((await h.request('POST', '/v1/zips', { body: { filename: 'shared', urls: [url], share } })).body.id);
    const [open, locked, failed] = await Promise.all([
      zip({ maxDownloads: 1 }),
      zip({ password: 'correct horse' }),
      zip({}, files.url('/share/missing.txt')),
    ]);
    expect([open.state, locked.state, failed.state]).toEqual(['completed', 'completed', 'failed']);
    // Pages as a browser gets them: redirects are answers, not followed.
    const page = async (method: string, path: string, init: RequestInit = {}): Promise<Reply> => {
      const res = await fetch(h.baseUrl + path, { method, redirect: 'manual', ...init });
      return { status: res.status, body: await res.text(), headers: res.headers };
    };
    const openPath = new URL(open.result.shareUrl).pathname;
    const lockedPath = new URL(locked.result.shareUrl).pathname;
    const unknownPath = `/s/${'A'.repeat(32)}`;
    const form = (password: string, cookie?: string): RequestInit => ({
      body: new URLSearchParams({ password }),
      headers: cookie ? { cookie } : {},
    });

    expectDeclared('GET', '/s/{token}', await page('GET', openPath));
    expectDeclared('GET', '/s/{token}', await page('GET', unknownPath));
    expectDeclared('GET', '/s/{token}/download', await page('GET', `${openPath}/download`));
    expectDeclared('GET', '/s/{token}/download', await page('GET', `${unknownPath}/download`));
    // maxDownloads 1: used up.
    const exhausted = await page('GET', `${openPath}/download`);
    expect(exhausted.status).toBe(410);
    expectDeclared('GET', '/s/{token}/download', exhausted);
    expectDeclared('GET', '/s/{token}', await page('GET', openPath));
    expectDeclared('POST', '/s/{token}', await page('POST', openPath, form('whatever1')));
    expectDeclared('POST', '/s/{token}', await page('POST', unknownPath, form('whatever1')));

    const toForm = await page('GET', `${lockedPath}/download`);
    expect(toForm.status).toBe(303);
    expectDeclared('GET', '/s/{token}/download', toForm);
    const wrong = await page('POST', lockedPath, form('wrong horse'));
    expect(wrong.status).toBe(401);
    expectDeclared('POST', '/s/{token}', wrong);
    const right = await page('POST', lockedPath, form('correct horse'));
    expect(right.status).toBe(303);
    expectDeclared('POST', '/s/{token}', right);
    const cookie = right.headers.getSetCookie()[0]!.split(';')[0]!;
    const download = await page('GET', `${lockedPath}/download`, { headers: { cookie } });
    expect(download.status).toBe(302);
    // The share's password attempts used up (10 in 15 minutes): 429.
    const attempts = new JobRateLimiter(h.clients.redis, `${h.config.QUEUE_PREFIX}:share-password`, 15 * 60_000);
    const token = lockedPath.split('/')[2]!;
    await Promise.all(Array.from({ length: 10 }, () => attempts.take(`token:${shareTokenHash(token)}`, 10)));
    const limited = await page('POST', lockedPath, form('correct horse'));
    expect(limited.status).toBe(429);
    expectDeclared('POST', '/s/{token}', limited);

    const route = '/v1/jobs/{id}/archive';
    expectDeclared('DELETE', route, await h.request('DELETE', `/v1/jobs/${failed.id}/archive`));
    expectDeclared('DELETE', route, await h.request('DELETE', `/v1/jobs/${open.id}/archive`, { key: KEY_B }));
    expectDeclared('DELETE', route, await h.request('DELETE', `/v1/jobs/${open.id}/archive`));
  });

  // Runs last: the tests above are what exercise the declared responses.
  // The generic 503 (Redis away) is checked against the document in redis-outage.test.ts.
  it('exercised every declared response but the generic 500 and 503', () => {
    const declared = documentedRoutes().flatMap((route) => {
      const [method, path] = route.split(' ') as [string, string];
      return Object.keys(doc.paths[path][method.toLowerCase()].responses).map((status) => `${route} ${status}`);
    });
    expect(declared.filter((d) => !/ 50[03]$/.test(d) && !checked.has(d))).toEqual([]);
    // And every documented webhook was delivered for real and matched.
    expect(Object.keys(doc.webhooks).filter((event) => !checkedWebhooks.has(event))).toEqual([]);
  });
});
