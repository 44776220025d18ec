import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Config } from '../config.js';
import type { AwsCredentials } from './s3-client.js';

export function createDynamoClient(config: Config, credentials?: AwsCredentials): DynamoDBClient {
  return new DynamoDBClient({ region: config.S3_REGION, endpoint: config.DYNAMODB_ENDPOINT, credentials });
}
