import type { RedisClient } from './redis-topology.js';

/** Upper bounds (seconds) of the job duration histogram. */
export const DURATION_BUCKETS = [1, 5, 15, 60, 300, 900, 3600, 14_400] as const;

export type JobOutcome = 'completed' | 'failed' | 'cancelled';
export type WebhookOutcome = 'delivered' | 'retried' | 'failed';

export interface FinishedJob {
  type: string;
  outcome: JobOutcome;
  seconds: number;
  bytesDownloaded: number;
  bytesUploaded: number;
}

const label = (v: string) => v.replace(/[\\"\n]/g, '_');

/**
 * Counters every worker adds to in one Redis hash, so that any API process's /metrics reports the whole fleet
 * (workers have no HTTP port). Fields are `<metric>|<label>|<label>`.
 */
export class WorkerMetrics {
  private readonly key: string;

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
  ) {
    this.key = `${prefix}:metrics`;
  }

  async jobFinished(j: FinishedJob): Promise<void> {
    const m = this.redis.multi();
    m.hincrby(this.key, `jobs_finished|${j.type}|${j.outcome}`, 1);
    m.hincrbyfloat(this.key, `duration_sum|${j.type}`, j.seconds);
    m.hincrby(this.key, `duration_count|${j.type}`, 1);
    for (const le of DURATION_BUCKETS) if (j.seconds <= le) m.hincrby(this.key, `duration_bucket|${j.type}|${le}`, 1);
    m.hincrby(this.key, 'bytes_downloaded', Math.round(j.bytesDownloaded));
    m.hincrby(this.key, 'bytes_uploaded', Math.round(j.bytesUploaded));
    await m.exec();
  }

  async webhookAttempt(outcome: WebhookOutcome): Promise<void> {
    await this.redis.hincrby(this.key, `webhook_deliveries|${outcome}`, 1);
  }

  /** The counters in the Prometheus text format. */
  async render(): Promise<string> {
    const all = await this.redis.hgetall(this.key);
    const rows = Object.entries(all).map(([field, value]) => ({ parts: field.split('|'), value: Number(value) }));
    const pick = (name: string) => rows.filter((r) => r.parts[0] === name);
    const out: string[] = [];
    const block = (name: string, type: string, help: string, lines: string[]) => {
      out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, ...lines);
    };
    block(
      'ferry_jobs_finished_total',
      'counter',
      'Jobs finished by all workers, by type and outcome',
      pick('jobs_finished').map(
        (r) => `ferry_jobs_finished_total{type="${label(r.parts[1]!)}",outcome="${label(r.parts[2]!)}"} ${r.value}`,
      ),
    );
    const types = [...new Set(pick('duration_count').map((r) => r.parts[1]!))];
    block(
      'ferry_job_duration_seconds',
      'histogram',
      'Duration of the last attempt of finished jobs, by type',
      types.flatMap((type) => {
        const t = label(type);
        const count = all[`duration_count|${type}`] ?? '0';
        return [
          ...DURATION_BUCKETS.map(
            (le) =>
              `ferry_job_duration_seconds_bucket{type="${t}",le="${le}"} ${all[`duration_bucket|${type}|${le}`] ?? 0}`,
          ),
          `ferry_job_duration_seconds_bucket{type="${t}",le="+Inf"} ${count}`,
          `ferry_job_duration_seconds_sum{type="${t}"} ${all[`duration_sum|${type}`] ?? 0}`,
          `ferry_job_duration_seconds_count{type="${t}"} ${count}`,
        ];
      }),
    );
    block('ferry_bytes_downloaded_total', 'counter', 'Bytes downloaded by finished jobs', [
      `ferry_bytes_downloaded_total ${all.bytes_downloaded ?? 0}`,
    ]);
    block('ferry_bytes_uploaded_total', 'counter', 'Bytes stored in S3 by completed jobs', [
      `ferry_bytes_uploaded_total ${all.bytes_uploaded ?? 0}`,
    ]);
    block(
      'ferry_webhook_deliveries_total',
      'counter',
      'Webhook delivery attempts by outcome (retried: failed, another attempt follows)',
      pick('webhook_deliveries').map(
        (r) => `ferry_webhook_deliveries_total{outcome="${label(r.parts[1]!)}"} ${r.value}`,
      ),
    );
    return `${out.join('\n')}\n`;
  }
}
