import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import type { Redis } from 'ioredis';
import type { Config } from './config.js';
import { createRedis } from './redis.js';
import { createDynamoClient } from './storage/dynamodb-client.js';
import { DynamoMediaIndex } from './storage/dynamodb-media-index.js';
import type { ObjectStore } from './storage/object-store.js';
import { createS3Clients, type AwsCredentials } from './storage/s3-client.js';
import { objectUrlBase, S3ObjectStore } from './storage/s3-object-store.js';

/** The external clients a process holds; built once by a composition root and passed down. */
export interface Clients {
  redis: Redis;
  s3: S3Client;
  store: ObjectStore;
  dynamo: DynamoDBClient;
  index: DynamoMediaIndex;
  readiness: Record<string, () => Promise<unknown>>;
  close(): Promise<void>;
}

export interface ClientOptions {
  /** S3 and DynamoDB credentials; the SDK's default provider chain (env, profile, instance role...) when absent. */
  credentials?: AwsCredentials;
  /**
   * Who uses the Redis connection (`worker` by default): the API's fails fast, so that it can answer 503
   * while Redis is away and nothing it was asked runs late. See {@link createRedis}.
   */
  redisRole?: 'worker' | 'api';
  /** Connection errors of Redis (each reconnect attempt while it is away); without it ioredis prints them. */
  onRedisError?: (err: Error) => void;
}

export function createClients(
  config: Config,
  name: string,
  { credentials, redisRole, onRedisError }: ClientOptions = {},
): Clients {
  const redis = createRedis(config.REDIS_URL, name, {
    role: redisRole,
    commandTimeoutMs: config.API_REDIS_TIMEOUT_MS,
  });
  if (onRedisError) redis.on('error', onRedisError);
  const { client: s3, presignClient } = createS3Clients(config, credentials);
  const store = new S3ObjectStore(s3, config.S3_BUCKET, {
    presignClient,
    objectUrlBase: objectUrlBase(
      config.S3_BUCKET,
      config.S3_REGION,
      config.S3_PUBLIC_ENDPOINT ?? config.S3_ENDPOINT,
      config.S3_FORCE_PATH_STYLE,
    ),
  });
  const dynamo = createDynamoClient(config, credentials);
  const index = new DynamoMediaIndex(dynamo, config.DYNAMODB_TABLE);
  return {
    redis,
    s3,
    store,
    dynamo,
    index,
    readiness: {
      redis: () => redis.ping(),
      s3: () => store.ping(),
      dynamodb: () => index.ping(),
    },
    async close() {
      await redis.quit().catch(() => redis.disconnect());
      s3.destroy();
      if (presignClient !== s3) presignClient.destroy();
      dynamo.destroy();
    },
  };
}
