import { setTimeout as sleep } from 'node:timers/promises';
import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  DescribeTableCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  waitUntilTableExists,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { MediaIndex, MediaRecord } from './media-index.js';

const BATCH_GET_LIMIT = 100;
/** Batches in flight at once: each is a round trip, and a 10,000-URL job should not wait for 100 in a row. */
const BATCH_GET_CONCURRENCY = 4;
const MAX_UNPROCESSED_ROUNDS = 8;

type Item = Record<string, unknown>;

/**
 * Keeps only the record's fields: `GET /v1/media` returns the record as it is, so an attribute added to the
 * table by someone else (a TTL, say) must not show up in API bodies.
 */
function toRecord(item: Item): MediaRecord {
  const s = (name: keyof MediaRecord) => {
    const value = item[name];
    return typeof value === 'string' ? value : '';
  };
  return {
    pk: s('pk'),
    url: s('url'),
    key: s('key'),
    size: Number(item.size ?? 0),
    contentType: s('contentType'),
    sha256: s('sha256'),
    etag: s('etag'),
    jobId: s('jobId'),
    createdAt: s('createdAt'),
  };
}

export class DynamoMediaIndex implements MediaIndex {
  /** Items go through the document client, which marshals them; table management needs the plain client. */
  private readonly docs: DynamoDBDocumentClient;

  constructor(
    private readonly client: DynamoDBClient,
    readonly table: string,
  ) {
    this.docs = DynamoDBDocumentClient.from(client);
  }

  async getMany(pks: readonly string[]): Promise<Map<string, MediaRecord>> {
    const found = new Map<string, MediaRecord>();
    const unique = [...new Set(pks)];
    const chunks: string[][] = [];
    for (let i = 0; i < unique.length; i += BATCH_GET_LIMIT) chunks.push(unique.slice(i, i + BATCH_GET_LIMIT));
    let next = 0;
    const lane = async () => {
      while (next < chunks.length) {
        for (const record of await this.getBatch(chunks[next++]!)) found.set(record.pk, record);
      }
    };
    await Promise.all(Array.from({ length: Math.min(BATCH_GET_CONCURRENCY, chunks.length) }, lane));
    return found;
  }

  /** One BatchGetItem of at most 100 keys, asking again for UnprocessedKeys (throttling, 16 MB) with backoff. */
  private async getBatch(pks: string[]): Promise<MediaRecord[]> {
    const records: MediaRecord[] = [];
    let keys: Item[] = pks.map((pk) => ({ pk }));
    for (let round = 0; keys.length > 0; round++) {
      if (round > 0) {
        if (round > MAX_UNPROCESSED_ROUNDS) throw new Error(`BatchGetItem left ${keys.length} keys unprocessed`);
        await sleep(Math.min(50 * 2 ** round, 2000) * (0.5 + Math.random() / 2));
      }
      const out = await this.docs.send(
        new BatchGetCommand({ RequestItems: { [this.table]: { Keys: keys, ConsistentRead: true } } }),
      );
      records.push(...(out.Responses?.[this.table] ?? []).map(toRecord));
      keys = out.UnprocessedKeys?.[this.table]?.Keys ?? [];
    }
    return records;
  }

  async get(pk: string): Promise<MediaRecord | undefined> {
    const out = await this.docs.send(new GetCommand({ TableName: this.table, Key: { pk }, ConsistentRead: true }));
    return out.Item ? toRecord(out.Item) : undefined;
  }

  async putIfAbsent(record: MediaRecord): Promise<{ created: boolean; record: MediaRecord }> {
    try {
      await this.docs.send(
        new PutCommand({ TableName: this.table, Item: record, ConditionExpression: 'attribute_not_exists(pk)' }),
      );
      return { created: true, record };
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
      const winner = await this.get(record.pk);
      if (!winner) throw new Error(`Conditional write lost to a record that is gone: ${record.pk}`, { cause: err });
      return { created: false, record: winner };
    }
  }

  async put(record: MediaRecord): Promise<void> {
    await this.docs.send(new PutCommand({ TableName: this.table, Item: record }));
  }

  async ping(): Promise<void> {
    await this.client.send(new DescribeTableCommand({ TableName: this.table }));
  }

  /** Creates the table (on-demand, `pk` string key) if it does not exist; returns true when it created it. */
  async ensureTable(): Promise<boolean> {
    try {
      await this.client.send(new DescribeTableCommand({ TableName: this.table }));
      return false;
    } catch (err) {
      if (!(err instanceof ResourceNotFoundException)) throw err;
    }
    let created = true;
    try {
      await this.client.send(
        new CreateTableCommand({
          TableName: this.table,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        }),
      );
    } catch (err) {
      // Another process is creating it right now: wait for it like we would for ours.
      if (!(err instanceof ResourceInUseException)) throw err;
      created = false;
    }
    await waitUntilTableExists({ client: this.client, maxWaitTime: 60 }, { TableName: this.table });
    return created;
  }
}
