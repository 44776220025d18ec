import { BatchGetItemCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** BatchGetItem's limit per request. */
const BATCH_GET_LIMIT = 100;

/**
 * Looks up `pks` with raw BatchGetItem requests of 100 keys, one request after another (as the index adapter
 * does), asking again at once for any UnprocessedKeys: what reading the media index alone costs, with no
 * job, queue, progress or result around it. Returns the number of items found.
 */
export async function batchGetRaw(client: DynamoDBClient, table: string, pks: readonly string[]): Promise<number> {
  let found = 0;
  for (let i = 0; i < pks.length; i += BATCH_GET_LIMIT) {
    let keys: Record<string, AttributeValue>[] = pks.slice(i, i + BATCH_GET_LIMIT).map((pk) => ({ pk: { S: pk } }));
    while (keys.length > 0) {
      const out = await client.send(
        new BatchGetItemCommand({ RequestItems: { [table]: { Keys: keys, ConsistentRead: true } } }),
      );
      found += out.Responses?.[table]?.length ?? 0;
      keys = out.UnprocessedKeys?.[table]?.Keys ?? [];
    }
  }
  return found;
}
