import { once } from 'node:events';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { loadConfig } from '../../shared/config.js';
import { createDynamoClient } from '../../shared/storage/dynamodb-client.js';
import { createS3Clients, type AwsCredentials } from '../../shared/storage/s3-client.js';
import { mediaKey } from '../../shared/url-normalize.js';
import { readMemoryKb } from '../measure/proc-stats.js';
import { deflateAll, downloadToDir } from '../peers/deflate-alone.js';
import { recipeZip } from '../peers/recipe-zip.js';
import { seedZip } from '../peers/seed-zip.js';
import { syntheticFileUrls } from '../synthetic/synthetic-files.js';
import type { BaselineMessage, BaselineSpec } from './baseline-runner.js';
import { batchGetRaw } from './batch-get-baseline.js';
import { downloadToNowhere } from './download-baseline.js';
import { uploadGenerated } from './upload-baseline.js';

interface Prepared {
  repeat: number;
  run(): Promise<{ bytes: number; items?: number }>;
  close(): void;
}

/**
 * The embedded stack's keys, from the environment the bench built for this child (as for the worker). Read here
 * rather than imported from local/stack.ts, which would load s3rver and dynalite into the process measured.
 */
function stackCredentials(env: NodeJS.ProcessEnv): AwsCredentials {
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey } = env;
  if (!accessKeyId || !secretAccessKey)
    throw new Error('baseline child: no AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY in its environment');
  return { accessKeyId, secretAccessKey };
}

/** Everything but the measured work: clients are built as the worker builds its own, from the same environment. */
async function prepare(spec: BaselineSpec): Promise<Prepared> {
  const config = loadConfig();
  switch (spec.kind) {
    case 'download': {
      const urls = syntheticFileUrls(spec.origin, spec.files, spec.set);
      return {
        repeat: 1,
        run: async () => ({ bytes: await downloadToNowhere(urls, spec.concurrency) }),
        close: () => undefined,
      };
    }
    case 'upload': {
      const { client } = createS3Clients(config, stackCredentials(process.env));
      return {
        repeat: 1,
        run: async () => ({ bytes: await uploadGenerated(client, { ...spec, bucket: config.S3_BUCKET }) }),
        close: () => client.destroy(),
      };
    }
    case 'recipe':
    case 'seed': {
      const { client } = createS3Clients(config, stackCredentials(process.env));
      const peer = { ...spec, bucket: config.S3_BUCKET, urls: syntheticFileUrls(spec.origin, spec.files, spec.set) };
      return {
        repeat: 1,
        run: async () => ({ bytes: await (spec.kind === 'recipe' ? recipeZip(client, peer) : seedZip(client, peer)) }),
        close: () => client.destroy(),
      };
    }
    case 'deflate-alone': {
      const files = await downloadToDir(syntheticFileUrls(spec.origin, spec.files, 'text'), spec.tempDir, 8);
      return {
        repeat: 1,
        run: async () => ({ bytes: await deflateAll(files, spec.parallel) }),
        close: () => void files.remove(),
      };
    }
    case 'batch-get': {
      const client = createDynamoClient(config, stackCredentials(process.env));
      const table = config.DYNAMODB_TABLE;
      const pks = syntheticFileUrls(spec.origin, spec.files).map((url) => mediaKey(spec.tenant, url));
      // The worker's index client has its connection open by the time a job looks anything up: so has this one.
      await client.send(new DescribeTableCommand({ TableName: table }));
      return {
        repeat: spec.repeat,
        run: async () => ({ bytes: 0, items: await batchGetRaw(client, table, pks) }),
        close: () => client.destroy(),
      };
    }
  }
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** Child process: runs the baseline described by argv[2] (JSON BaselineSpec) when told `go`; reports over IPC. */
async function run(spec: BaselineSpec): Promise<BaselineMessage> {
  const prepared = await prepare(spec);
  try {
    const go = once(process, 'message');
    process.send!({ type: 'ready' } satisfies BaselineMessage);
    await go;
    const cpu0 = process.cpuUsage();
    const runsMs: number[] = [];
    let last: { bytes: number; items?: number } = { bytes: 0 };
    for (let i = 0; i < prepared.repeat; i++) {
      const t0 = performance.now();
      last = await prepared.run();
      runsMs.push(performance.now() - t0);
    }
    const cpu = process.cpuUsage(cpu0);
    return {
      type: 'result',
      result: {
        ms: median(runsMs),
        cpuMs: (cpu.user + cpu.system) / 1000,
        bytes: last.bytes,
        peakRssKb: readMemoryKb('self').peak,
        ...(prepared.repeat > 1 ? { runsMs } : {}),
        ...(last.items !== undefined ? { items: last.items } : {}),
      },
    };
  } finally {
    prepared.close();
  }
}

const report = (msg: BaselineMessage, code: number) => process.send!(msg, () => process.exit(code));

run(JSON.parse(process.argv[2] ?? '{}') as BaselineSpec).then(
  (msg) => report(msg, 0),
  (err: unknown) =>
    report({ type: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) }, 1),
);
