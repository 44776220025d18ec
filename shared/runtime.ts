import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import type { Config } from './config.js';
import { probeRedis } from './redis-readiness.js';
import { connectRedis, redisTopology, type RedisClient, type RedisTopology } from './redis-topology.js';
import { createDynamoClient } from './storage/dynamodb-client.js';
import { DynamoMediaIndex } from './storage/dynamodb-media-index.js';
import type { ObjectStore } from './storage/object-store.js';
import { createS3Clients, type AwsCredentials } from './storage/s3-client.js';
import { objectUrlBase, S3ObjectStore } from './storage/s3-object-store.js';

/** The external clients a process holds; built once by a composition root and passed down. */
export interface Clients {
  /**
   * This process's Redis connection (a Cluster client in cluster mode). Another connection (a subscriber,
   * BullMQ QueueEvents...) is `redis.duplicate()` or `connectRedis(redisTopology, ...)`: never `new Redis(url)`.
   */
  redis: RedisClient;
  /** Where Redis is (standalone, cluster or Sentinel) and how to log in, from config. */
  redisTopology: RedisTopology;
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
   * while Redis is away and nothing it was asked runs late. See {@link connectRedis}.
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
  const topology = redisTopology(config);
  const redis = connectRedis(topology, name, {
    role: redisRole,
    commandTimeoutMs: config.API_REDIS_TIMEOUT_MS,
  });
  // The last connection error (a refused TLS handshake, a wrong password) until the connection is ready again:
  // /readyz says it. Only beside the caller's own listener: a listener of ours alone would hide ioredis's output.
  let lastRedisError: Error | undefined;
  if (onRedisError) {
    redis.on('error', (err: Error) => {
      lastRedisError = err;
      onRedisError(err);
    });
    redis.on('ready', () => (lastRedisError = undefined));
  }
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
    redisTopology: topology,
    s3,
    store,
    dynamo,
    index,
    readiness: {
      redis: () => probeRedis(redis, topology.kind, () => lastRedisError),
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
