import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dynalite from 'dynalite';
import S3rver from 's3rver';

export interface LocalStackOptions {
  /** Where the servers keep their data across restarts; a temp dir (removed on close) when omitted. */
  dataDir?: string;
  buckets: string[];
  host?: string;
}

export interface LocalStack {
  s3Endpoint: string;
  dynamoEndpoint: string;
  /** Config variables that point ferry at this stack. */
  env: Record<string, string>;
  /** s3rver stores objects here (tests read it to check nothing was left behind). */
  s3Directory: string;
  close(): Promise<void>;
}

/** s3rver accepts only these credentials; dynalite accepts any. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

/**
 * Starts an S3-compatible server (s3rver) and a DynamoDB-compatible server (dynalite) on free ports.
 * Dev mode and the tests share it, so both run against the same real protocol servers.
 */
export async function startLocalStack({
  dataDir,
  buckets,
  host = '127.0.0.1',
}: LocalStackOptions): Promise<LocalStack> {
  const root = dataDir ?? (await mkdtemp(join(tmpdir(), 'ferry-stack-')));
  const s3Directory = join(root, 's3');
  await mkdir(s3Directory, { recursive: true });
  const s3 = new S3rver({
    address: host,
    port: 0,
    silent: true,
    directory: s3Directory,
    configureBuckets: buckets.map((name) => ({ name, configs: [] })),
  });
  const { port: s3Port } = await s3.run();

  const dynamoPath = dataDir ? join(root, 'dynamodb') : undefined;
  if (dynamoPath) await mkdir(dynamoPath, { recursive: true });
  const dynamo: Server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0, path: dynamoPath });
  await new Promise<void>((resolve) => dynamo.listen(0, host, resolve));
  const dynamoPort = (dynamo.address() as AddressInfo).port;

  const s3Endpoint = `http://${host}:${s3Port}`;
  const dynamoEndpoint = `http://${host}:${dynamoPort}`;
  return {
    s3Endpoint,
    dynamoEndpoint,
    s3Directory,
    env: {
      S3_ENDPOINT: s3Endpoint,
      S3_FORCE_PATH_STYLE: 'true',
      S3_CHECKSUMS: 'when_required',
      DYNAMODB_ENDPOINT: dynamoEndpoint,
    },
    async close() {
      await s3.close();
      await new Promise<void>((resolve) => dynamo.close(() => resolve()));
      if (!dataDir) await rm(root, { recursive: true, force: true });
    },
  };
}
