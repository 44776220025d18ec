import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import type { Config } from '../config.js';

export function createDynamoClient(config: Config): DynamoDBClient {
  return new DynamoDBClient({ region: config.S3_REGION, endpoint: config.DYNAMODB_ENDPOINT });
}

/** Readiness: the DynamoDB endpoint answers. */
export async function pingDynamo(client: DynamoDBClient): Promise<void> {
  await client.send(new ListTablesCommand({ Limit: 1 }));
}
