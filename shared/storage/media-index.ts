/** One tenant's stored copy of one URL. */
export interface MediaRecord {
  /** `<tenant>#<sha256(normalised url)>` */
  pk: string;
  url: string;
  key: string;
  size: number;
  contentType: string;
  sha256: string;
  etag: string;
  jobId: string;
  createdAt: string;
}

/** The media index port (URL -> stored object). Business rules use this; only the adapter knows DynamoDB. */
export interface MediaIndex {
  /** Records for the keys that have one; any number of keys (the adapter batches). */
  getMany(pks: readonly string[]): Promise<Map<string, MediaRecord>>;
  get(pk: string): Promise<MediaRecord | undefined>;
  /**
   * Writes the record unless one exists. Of two writers racing on one key exactly one wins; the loser gets the
   * winner's record back with `created: false`.
   */
  putIfAbsent(record: MediaRecord): Promise<{ created: boolean; record: MediaRecord }>;
  /** Writes the record, replacing any (options.refresh). */
  put(record: MediaRecord): Promise<void>;
  /** Throws when the index cannot be reached. */
  ping(): Promise<void>;
}
