import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS, startLocalStack, type LocalStack } from '../../local/stack.js';

let stack: LocalStack;
const bucket = `setup-${randomUUID().slice(0, 8)}`;
beforeAll(async () => {
  stack = await startLocalStack({ buckets: [bucket] });
});
afterAll(async () => {
  await stack?.close();
});

function setup(env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'cli/ferry.ts', 'setup'],
      {
        timeout: 60_000,
        env: {
          PATH: process.env.PATH ?? '',
          AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
          AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
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

  it('exits 1 with a message when the bucket is missing', async () => {
    const res = await setup({ S3_BUCKET: 'no-such-bucket', DYNAMODB_TABLE: `media-${randomUUID().slice(0, 8)}` });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('setup failed');
  });
});
