import { once } from 'node:events';
import { loadConfig } from '../shared/config.js';
import { createS3Clients } from '../shared/storage/s3-client.js';
import type { BaselineMessage, BaselineSpec } from './baseline-runner.js';
import { downloadToNowhere } from './download-baseline.js';
import { readMemoryKb } from './proc-stats.js';
import { syntheticFilePath } from './synthetic-files.js';
import { uploadGenerated } from './upload-baseline.js';

/** Child process: runs the baseline described by argv[2] (JSON BaselineSpec) when told `go`; reports over IPC. */
async function run(spec: BaselineSpec): Promise<BaselineMessage> {
  // Built before `go`, exactly as the worker builds its client, from the same environment.
  const config = loadConfig();
  const { client } = createS3Clients(config);
  const urls = spec.kind === 'download' ? Array.from({ length: spec.files }, (_, i) => spec.origin + syntheticFilePath(i)) : [];
  try {
    const go = once(process, 'message');
    process.send!({ type: 'ready' } satisfies BaselineMessage);
    await go;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const bytes =
      spec.kind === 'download'
        ? await downloadToNowhere(urls, spec.concurrency)
        : await uploadGenerated(client, { ...spec, bucket: config.S3_BUCKET });
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    return { type: 'result', result: { ms, cpuMs: (cpu.user + cpu.system) / 1000, bytes, peakRssKb: readMemoryKb('self').peak } };
  } finally {
    client.destroy();
  }
}

const report = (msg: BaselineMessage, code: number) => process.send!(msg, () => process.exit(code));

run(JSON.parse(process.argv[2] ?? '{}') as BaselineSpec).then(
  (msg) => report(msg, 0),
  (err: unknown) => report({ type: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) }, 1),
);
