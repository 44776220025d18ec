import { describe, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import {
  createClient,
  FerryError,
  type AcceptedJob,
  type FerryClient,
  type IngestRequest,
  type JobDocument,
  type ZipRequest,
} from '../../client/index.js';
import type { createIngestRequestSchema } from '../../shared/jobs/ingest.job.js';
import type { JobDocument as ContractJobDocument } from '../../shared/jobs/job-document.js';
import type { acceptedJobSchema } from '../../shared/jobs/job-replies.js';
import type { createZipRequestSchema, ZipResultView } from '../../shared/jobs/zip.job.js';

// Type-level only: these checks run at compile time (`npm run typecheck`) and vitest reports them as passed.
describe('the client types are the job contract’s', () => {
  it('requests are the input types of the schemas the API validates with', () => {
    expectTypeOf<ZipRequest>().toEqualTypeOf<z.input<typeof createZipRequestSchema>>();
    expectTypeOf<IngestRequest>().toEqualTypeOf<z.input<typeof createIngestRequestSchema>>();
    // Defaults may be left out: options.compression is optional on input.
    expectTypeOf<{ filename: 'a'; urls: ['https://x/1'] }>().toExtend<ZipRequest>();
    expectTypeOf<{ filename: 'a' }>().not.toExtend<{ filename: string; urls: string[] }>();
  });

  it('answers are the output types of the schemas the API answers with', () => {
    expectTypeOf<AcceptedJob>().toEqualTypeOf<z.output<typeof acceptedJobSchema>>();
    expectTypeOf<JobDocument>().toExtend<ContractJobDocument>();
    expectTypeOf<ReturnType<FerryClient['zip']>>().toEqualTypeOf<Promise<AcceptedJob>>();
    expectTypeOf<ReturnType<FerryClient['wait']>>().toEqualTypeOf<Promise<JobDocument>>();
  });

  it('the job document narrows by type to that kind’s result', () => {
    const narrow = (doc: JobDocument) => {
      if (doc.type === 'zip') expectTypeOf(doc.result).toEqualTypeOf<ZipResultView | undefined>();
      else expectTypeOf(doc.result!.items[0]!.status).toEqualTypeOf<'stored' | 'existing' | 'failed'>();
    };
    expectTypeOf(narrow).toBeFunction();
  });

  it('createClient and FerryError', () => {
    expectTypeOf(createClient).parameter(0).toExtend<{ baseUrl: string; apiKey: string }>();
    expectTypeOf<FerryError['status']>().toEqualTypeOf<number>();
    expectTypeOf<FerryError>().toHaveProperty('details');
    const refused = (client: FerryClient) =>
      // @ts-expect-error: a request the API would refuse does not compile (urls must be strings)
      client.zip({ filename: 'x', urls: [1] });
    expectTypeOf(refused).toBeFunction();
  });
});
