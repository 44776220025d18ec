import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Config } from '../config.js';

export function createDynamoClient(config: Config): DynamoDBClient {
  return new DynamoDBClient({ region: config.S3_REGION, endpoint: config.DYNAMODB_ENDPOINT });
}
