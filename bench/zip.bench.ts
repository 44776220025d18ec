import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { LOCAL_CREDENTIALS, startLocalStack } from '../local/stack.js';
import { loadConfig } from '../shared/config.js';
import { createLogger } from '../shared/logger.js';
import { closeQueues, createJobQueues } from '../shared/queues.js';
import { createClients } from '../shared/runtime.js';
import { defaultLimits, generateApiKey, hashApiKey, TenantRegistry } from '../shared/tenants.js';
import { maxArchiveBytes, partSizeFor } from '../worker/zip/part-size.js';
import { startBenchApi } from './bench-api.js';
import { spawnTs, type TsChild } from './child-process.js';
import { CleanupStack } from './cleanup-stack.js';
import { startCpuMeter } from './cpu-meter.js';
import { mib } from './format.js';
import { parseZipBenchOptions, ZIP_BENCH_USAGE } from './zip-options.js';
import { runRound, type RoundResult } from './zip-round.js';
import { printRound, printSummary } from './zip-report.js';

const MiB = 1024 * 1024;
const log = (line: string) => process.stdout.write(`${line}\n`);

/**
 * `npm run bench -- zip`: a store-mode zip job through the real API and a real worker process, against
 * the local stack and a synthetic file server, compared with download-only and upload-only baselines
 * measured in the same run; then the same for a job `--scale` times larger, to show memory stays flat.
 * Reports; never asserts a target. Returns the exit code: non-zero only if a job failed or its archive is wrong.
 */
export async function runZipBench(argv: string[]): Promise<number> {
  const opts = parseZipBenchOptions(argv);
  if (opts === 'help') {
    log(ZIP_BENCH_USAGE);
    return 0;
  }
  const fileBytes = Math.round(opts.sizeMiB * MiB);
  const sizes = [opts.files];
  if (opts.scale > 1) sizes.push(Math.round(opts.files * opts.scale));
  const largest = Math.max(...sizes);

  const cleanup = new CleanupStack();
  let interrupted = false;
  const onSigint = () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    log('\ninterrupted: cleaning up (Ctrl-C again to quit at once)');
    void cleanup.runAll(log).finally(() => process.exit(130));
  };
  process.on('SIGINT', onSigint);

  try {
    // Node 20 is what this project runs on; the SDK's notice about Node 22 would fill every child's output.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
    log(`ferry zip bench: ${sizes.map((n) => `${n} x ${mib(fileBytes)} MiB`).join(', then ')}; compression "store"; concurrency ${opts.concurrency}`);
    // The embedded S3 server accepts only its own credentials; the SDK's default chain (and the children) read these.
    process.env.AWS_ACCESS_KEY_ID = LOCAL_CREDENTIALS.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = LOCAL_CREDENTIALS.secretAccessKey;
    delete process.env.AWS_SESSION_TOKEN;
    delete process.env.AWS_PROFILE;

    const idle = startCpuMeter({});
    await sleep(1000);
    const before = idle();
    log(`machine before start: ${before.coresBusy.toFixed(2)} of ${before.cores} cores busy${before.coresBusy > 0.25 ? ' -- WARNING: something else is running; timings will be noisy' : ''}`);

    const bucket = `bench-${randomUUID().slice(0, 8)}`;
    log(`starting the local stack (s3rver + dynalite), bucket ${bucket}`);
    const stack = await startLocalStack({ buckets: [bucket] });
    cleanup.add('close the local stack', () => stack.close());
    const tempRoot = await mkdtemp(join(tmpdir(), 'ferry-bench-'));
    cleanup.add('remove temp dirs', () => rm(tempRoot, { recursive: true, force: true }));
    const workerTemp = join(tempRoot, 'worker-tmp');
    const verifyDir = join(tempRoot, 'verify');
    await Promise.all([mkdir(workerTemp), mkdir(verifyDir)]);
    // With --profile: kept (outside the temp root) for a closer look in Chrome DevTools.
    const profileDir = join(tmpdir(), `ferry-bench-profiles-${Date.now()}`);

    const env = {
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      QUEUE_PREFIX: `bench-${randomUUID()}`,
      S3_BUCKET: bucket,
      ALLOW_PRIVATE_NETWORKS: 'true',
      ...stack.env,
    };
    const config = loadConfig({ ...env, PORT: '0', HOST: '127.0.0.1', JOB_ATTEMPTS: '1' });
    const clients = createClients(config, 'ferry-bench');
    cleanup.add('close clients', () => clients.close());
    const queues = createJobQueues(clients.redis, config);
    cleanup.add('obliterate and close the queues', async () => {
      await Promise.all(Object.values(queues).map((q) => q.obliterate({ force: true })));
      await closeQueues(queues);
      const left = await clients.redis.keys(`${config.QUEUE_PREFIX}:*`);
      if (left.length > 0) await clients.redis.del(...left);
    });

    const limits = { ...defaultLimits(config), maxFilesPerJob: largest, allowedTypes: ['*/*'] };
    limits.maxFileBytes = Math.max(limits.maxFileBytes, fileBytes);
    limits.maxJobBytes = Math.max(limits.maxJobBytes, largest * fileBytes);
    const apiKey = generateApiKey();
    const tenants = new TenantRegistry([{ id: 'bench', apiKeyHashes: [hashApiKey(apiKey)], limits }]);
    const logger = createLogger(config.LOG_LEVEL, { service: 'ferry-bench-api' });
    const api = await startBenchApi(
      { config, tenants, queues, store: clients.store, index: clients.index, logger, readiness: clients.readiness },
      apiKey,
    );
    cleanup.add('close the API', () => api.close());
    log(`API on ${api.baseUrl}, queue prefix ${config.QUEUE_PREFIX}, tenant "bench" (allowedTypes */*)`);

    const fileServer = spawnTs('file server', 'bench/file-server.child.ts', {
      ipc: true,
      args: ['--files', String(largest), '--size', String(fileBytes)],
    });
    cleanup.add('stop the file server', () => fileServer.stop());
    const { origin } = await fileServer.nextMessage<{ origin: string }>();
    log(`file server (pid ${fileServer.pid}) on ${origin}: ${largest} synthetic files of ${fileBytes} bytes, generated on the fly`);

    let runningWorker: TsChild | undefined;
    cleanup.add('stop the worker', async () => runningWorker?.stop());
    const childEnv = {
      ...process.env,
      ...env,
      DOWNLOAD_CONCURRENCY: String(opts.concurrency),
      WORKER_CONCURRENCY: '1',
      TEMP_DIR: workerTemp,
    };

    const rounds: RoundResult[] = [];
    let aborted = false;
    for (const [i, files] of sizes.entries()) {
      const label = i === 0 ? 'small' : 'large';
      log(`\n=== run ${i + 1}/${sizes.length} (${label}): ${files} files x ${mib(fileBytes)} MiB = ${mib(files * fileBytes)} MiB ===`);
      const round = await runRound({
        label,
        files,
        fileBytes,
        concurrency: opts.concurrency,
        partSize: partSizeFor(maxArchiveBytes(limits.maxJobBytes, files)),
        fileServer: { origin, pid: fileServer.pid },
        childEnv,
        queue: queues.zip,
        api,
        store: clients.store,
        tempDir: workerTemp,
        unzipIn: i === 0 && opts.unzip ? verifyDir : undefined,
        profileDir: opts.profile ? profileDir : undefined,
        log: (line) => log(`[${label}] ${line}`),
        onWorker: (w) => (runningWorker = w),
      }).catch((err: unknown) => {
        log(`[${label}] RUN FAILED: ${err instanceof Error ? err.message : String(err)}`);
        aborted = true;
        return undefined;
      });
      if (!round) break;
      rounds.push(round);
      printRound(round, log);
      if (round.failed) break;
    }
    printSummary(rounds, log);
    const failed = aborted || rounds.some((r) => r.failed !== undefined || r.problems.length > 0);
    return failed ? 1 : 0;
  } finally {
    if (!interrupted) {
      log('\ncleaning up');
      await cleanup.runAll(log);
      process.off('SIGINT', onSigint);
    }
  }
}
