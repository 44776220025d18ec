import { createSchema, type ZodOpenApiPathsObject } from 'zod-openapi';
import {
  WEBHOOK_EVENTS,
  webhookEventPayloadSchema,
  webhookHeadersSchema,
  type WebhookEvent,
} from '../../shared/jobs/webhook-delivery.js';

type SchemaObject = ReturnType<typeof createSchema>['schema'];

/** What each event means; a new event in WEBHOOK_EVENTS does not compile until it is described here. */
const EVENTS: Record<WebhookEvent, { summary: string; description: string }> = {
  'job.completed': {
    summary: 'A job completed',
    description: '`data` is the job document with its `result` (a zip’s `downloadUrl` is minted for the delivery).',
  },
  'job.failed': {
    summary: 'A job failed for good',
    description: '`data` is the job document with its `error`; no attempt is left.',
  },
  'job.cancelled': {
    summary: 'A job was cancelled',
    description:
      '`data` is the job document in state `cancelled`, its `error` with code `cancelled`; sent whether the job ' +
      'was cancelled while queued or while it ran.',
  },
};

/** `job.completed` -> `JobCompletedEvent`: the component name of an event's body. */
const componentName = (event: WebhookEvent): string =>
  event
    .split('.')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('') + 'Event';

/** `job.completed` -> `jobCompletedWebhook`. */
const operationId = (event: WebhookEvent): string => {
  const name = componentName(event).replace(/Event$/, 'Webhook');
  return name.charAt(0).toLowerCase() + name.slice(1);
};

/**
 * The body of every event by component name, and the components those bodies refer to. Converted here in the
 * output form, as responses are: createDocument would convert a request body in its input form, and this one is
 * what ferry sends (its `data` is the same `Job` component as GET /v1/jobs/{id} answers with).
 */
export function webhookSchemas(): { bodies: Record<string, SchemaObject>; components: Record<string, SchemaObject> } {
  const bodies: Record<string, SchemaObject> = {};
  const components: Record<string, SchemaObject> = {};
  for (const event of WEBHOOK_EVENTS) {
    const converted = createSchema(webhookEventPayloadSchema(event), { io: 'output' });
    bodies[componentName(event)] = converted.schema;
    Object.assign(components, converted.components);
  }
  return { bodies, components };
}

/**
 * The `webhooks` section: one signed POST per event, to the `webhook.url` a job was created with; its body is a
 * `$ref` to the event's component from webhookSchemas().
 */
export function webhookPaths(): ZodOpenApiPathsObject {
  return Object.fromEntries(
    WEBHOOK_EVENTS.map((event) => [
      event,
      {
        post: {
          operationId: operationId(event),
          summary: EVENTS[event].summary,
          description:
            `${EVENTS[event].description} Sent once the job is final, signed as Standard Webhooks specify; ` +
            'verify it with `verifyWebhook()` of `ferry/webhooks` against the raw body.',
          // The receiver authenticates ferry by the signature header, not by a credential ferry presents.
          security: [],
          requestParams: { header: webhookHeadersSchema },
          requestBody: {
            required: true,
            content: { 'application/json': { schema: { $ref: `#/components/schemas/${componentName(event)}` } } },
          },
          responses: {
            '2XX': { description: 'Delivered: ferry records the status and stops.' },
            410: { description: 'Gone: ferry stops delivering; the job’s webhook shows `failed`.' },
            default: {
              description:
                'Any other answer, a redirect, or none within the timeout: retried with exponential backoff, never ' +
                'sooner than a `Retry-After` (up to 6 h), for about a day; then the job’s webhook shows `failed`.',
            },
          },
        },
      },
    ]),
  );
}
