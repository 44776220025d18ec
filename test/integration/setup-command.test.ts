import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOwnRedis } from '../../fixtures/redis-server.js';
import { LOCAL_CREDENTIALS, startLocalStack, type LocalStack } from '../../local/stack.js';

let stack: LocalStack;
const bucket = `setup-${randomUUID().slice(0, 8)}`;
beforeAll(async () => {
  stack = await startLocalStack({ buckets: [bucket] });
});
afterAll(async () => {
  await stack?.close();
});

function setup(
  env: Record<string, string>,
  args: string[] = [],
  base: Record<string, string> = {
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
  },
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'cli/ferry.ts', 'setup', ...args],
      {
        timeout: 60_000,
        env: {
          PATH: process.env.PATH ?? '',
          ...base,
          ...stack.env,
          ...env,
        },
      },
      (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('ferry setup', () => {
  it('creates the media table once, then finds it there', async () => {
    const table = `media-${randomUUID().slice(0, 8)}`;
    const first = await setup({ S3_BUCKET: bucket, DYNAMODB_TABLE: table });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain(`DynamoDB table ${table}: created`);
    expect(first.stdout).toContain(`S3 bucket ${bucket}: reachable`);
    // s3rver has no lifecycle support (501): setup says so instead of failing.
    expect(first.stdout).toContain('does not support lifecycle rules');
    const dynamo = new DynamoDBClient({
      region: 'us-east-1',
      endpoint: stack.dynamoEndpoint,
      credentials: LOCAL_CREDENTIALS,
    });
    const described = await dynamo.send(new DescribeTableCommand({ TableName: table }));
    expect(described.Table?.KeySchema).toEqual([{ AttributeName: 'pk', KeyType: 'HASH' }]);
    dynamo.destroy();
    const second = await setup({ S3_BUCKET: bucket, DYNAMODB_TABLE: table });
    expect(second.stdout).toContain('already there');
  });

  it('names a missing bucket, where it looked, and the fix; --create-bucket creates it', async () => {
    const missing = `missing-${randomUUID().slice(0, 8)}`;
    const table = `media-${randomUUID().slice(0, 8)}`;
    const res = await setup({ S3_BUCKET: missing, DYNAMODB_TABLE: table });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(
      `bucket ${missing} does not exist at ${stack.s3Endpoint}; create it or run \`ferry setup --create-bucket\``,
    );
    const created = await setup({ S3_BUCKET: missing, DYNAMODB_TABLE: table }, ['--create-bucket']);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toContain(`S3 bucket ${missing}: created`);
    const again = await setup({ S3_BUCKET: missing, DYNAMODB_TABLE: table });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain(`S3 bucket ${missing}: reachable`);
  });

  it('without credentials, says which variables or profile to set', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ferry-no-aws-'));
    await writeFile(join(dir, 'config'), '');
    await writeFile(join(dir, 'credentials'), '');
    const res = await setup({ S3_BUCKET: bucket, DYNAMODB_TABLE: `media-${randomUUID().slice(0, 8)}` }, [], {
      HOME: dir,
      AWS_CONFIG_FILE: join(dir, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
      // No instance metadata service here: without this the SDK would first wait on 169.254.169.254.
      AWS_EC2_METADATA_DISABLED: 'true',
    });
    await rm(dir, { recursive: true, force: true });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('no AWS credentials found');
    expect(res.stderr).toContain('AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE');
    expect(res.stderr).not.toContain('Could not load credentials from any providers');
  });

  it('warns when Redis may evict jobs or loses them on a crash, naming the CONFIG SET commands', async () => {
    const redis = await startOwnRedis(['--maxmemory-policy', 'allkeys-lru', '--appendonly', 'no']);
    try {
      const res = await setup({
        S3_BUCKET: bucket,
        DYNAMODB_TABLE: `media-${randomUUID().slice(0, 8)}`,
        REDIS_URL: redis.url,
      });
      expect(res.code, res.stderr).toBe(0);
      expect(res.stderr).toContain('CONFIG SET maxmemory-policy noeviction');
      expect(res.stderr).toContain('CONFIG SET appendonly yes');
    } finally {
      await redis.close();
    }
  });
});
