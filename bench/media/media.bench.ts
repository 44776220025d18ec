import { buffer } from 'node:stream/consumers';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import sharp from 'sharp';
import { formatSource, type MediaSource } from '../../shared/media/variant-path.js';
import { signVariant } from '../../shared/media/variant-signature.js';
import { log, reportIdleMachine, runBenchSession } from '../harness/bench-session.js';
import { mbFromKb } from '../measure/format.js';
import { readMemoryKb } from '../measure/proc-stats.js';
import { closedLoop, quantile, startProbe, type LoopResult } from './closed-loop.js';
import { MEDIA_BENCH_USAGE, parseMediaBenchOptions } from './media-options.js';
import { makePhoto, sharpAlone } from './media-photo.js';
import { startMediaStack, TENANT, type MediaStack } from './media-stack.js';

const rate = (r: LoopResult) => (r.count / r.ms) * 1000;
const ms = (v: number) => `${v.toFixed(1)} ms`;
const latencyLine = (r: LoopResult) =>
  `${rate(r).toFixed(1)}/s, p50 ${ms(quantile(r.latencies, 0.5))}, p99 ${ms(quantile(r.latencies, 0.99))}` +
  (r.errors > 0 ? `, ${r.errors} errors (${r.firstError})` : '');

function variantUrl(stack: MediaStack, source: MediaSource, spec: string): string {
  const src = formatSource(source);
  return `${stack.mediaUrl}/m/${TENANT}/${signVariant(stack.secret, TENANT, spec, src)}/${spec}/${src}`;
}

/** GETs `url` and reads the whole body; throws unless the status is 200. */
async function getOk(url: string): Promise<Buffer> {
  const res = await fetch(url);
  const body = Buffer.from(await res.arrayBuffer());
  if (res.status !== 200) throw new Error(`${res.status} ${body.toString().slice(0, 200)}`);
  return body;
}

/**
 * `npm run bench -- media`: the media process (compiled, its own process) against sharp alone in this process;
 * cache hits against the same object straight from S3; the media process's RSS and the API's /healthz latency
 * (another process) under full render load. Reports; never asserts a target; exit 1 only if a check failed.
 */
export async function runMediaBench(argv: string[]): Promise<number> {
  const opts = parseMediaBenchOptions(argv);
  if (opts === 'help') {
    log(MEDIA_BENCH_USAGE);
    return 0;
  }
  return runBenchSession(async (cleanup) => {
    const problems: string[] = [];
    await reportIdleMachine();
    const photo = await makePhoto();
    log(`photo: 4000 x 3000 JPEG, ${(photo.length / 1e6).toFixed(1)} MB; variant w_400,f_webp (400 px WebP)`);
    // Two warm-up renders, then one original per measured miss.
    // sharp alone runs with the media process's libvips threads.
    if (opts.vipsThreads > 0) sharp.concurrency(opts.vipsThreads);
    const stack = await startMediaStack(photo, opts.misses + 2, opts.concurrency, opts.vipsThreads, cleanup, log);
    const spec = 'w_400,f_webp';

    log(`\n=== sharp alone, in this process: ${opts.misses} renders, ${opts.concurrency} at a time ===`);
    await closedLoop(opts.concurrency, { total: 2 }, () => sharpAlone(photo).then(() => undefined));
    const alone = await closedLoop(opts.concurrency, { total: opts.misses }, () =>
      sharpAlone(photo).then(() => undefined),
    );
    log(`  ${latencyLine(alone)}`);

    log(`\n=== sharp + S3 in this process: read the original, render, store the variant; ${opts.misses} times ===`);
    const roundTrip = await closedLoop(opts.concurrency, { total: opts.misses }, async (i) => {
      const object = await stack.clients.store.get(stack.keys[2 + i]!);
      const rendered = await sharpAlone(await buffer(object!.body));
      await stack.clients.store.putBuffer({ key: `baseline/${i}.webp`, body: rendered, contentType: 'image/webp' });
    });
    log(`  ${latencyLine(roundTrip)}`);

    log(
      `\n=== ferry, cache miss: ${opts.misses} first requests for distinct variants, ${opts.concurrency} at a time ===`,
    );
    await closedLoop(opts.concurrency, { total: 2 }, (i) =>
      getOk(variantUrl(stack, stack.sources[i]!, spec)).then(() => undefined),
    );
    const misses = stack.sources.slice(2);
    const miss = await closedLoop(opts.concurrency, { total: opts.misses }, async (i) => {
      await getOk(variantUrl(stack, misses[i]!, spec));
    });
    log(`  ${latencyLine(miss)}`);
    const sample = await sharp(await getOk(variantUrl(stack, misses[0]!, spec))).metadata();
    if (sample.format !== 'webp' || sample.width !== 400)
      problems.push(`a variant is ${sample.format} ${sample.width} px`);
    if (miss.errors > 0) problems.push(`${miss.errors} cache-miss requests failed`);

    const hitUrl = variantUrl(stack, misses[0]!, spec);
    const presigned = await stack.clients.store.presignGet({
      key: await variantKeyOf(stack, misses[0]!),
      expiresIn: 3600,
      downloadFilename: 'variant.webp',
    });
    log(
      `\n=== cache hit: GETs of one stored variant for ${opts.hitSeconds} s, 1 and ${opts.hitConcurrency} at a time ===`,
    );
    const hits = async (url: string, concurrency: number) => {
      await closedLoop(concurrency, { total: 50 }, async () => void (await getOk(url)));
      return closedLoop(concurrency, { untilMs: opts.hitSeconds * 1000 }, async () => void (await getOk(url)));
    };
    const hit1 = await hits(hitUrl, 1);
    log(`  ferry, 1:            ${latencyLine(hit1)}`);
    const direct1 = await hits(presigned!.url, 1);
    log(`  straight from S3, 1: ${latencyLine(direct1)}`);
    const hit = await hits(hitUrl, opts.hitConcurrency);
    log(`  ferry, ${opts.hitConcurrency}:            ${latencyLine(hit)}`);
    const direct = await hits(presigned!.url, opts.hitConcurrency);
    log(`  straight from S3, ${opts.hitConcurrency}: ${latencyLine(direct)}`);

    log(`\n=== full render load for ${opts.loadSeconds} s: media RSS and the API's GET /healthz ===`);
    const idleProbe = startProbe(async () => void (await getOk(`${stack.apiUrl}/healthz`)), 20);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const apiIdle = await idleProbe.stop();
    const rssIdle = readMemoryKb(stack.media.pid).rss;
    const samples: number[] = [];
    const sampler = setInterval(() => samples.push(readMemoryKb(stack.media.pid).rss), 250);
    const loadProbe = startProbe(async () => void (await getOk(`${stack.apiUrl}/healthz`)), 20);
    const load = await closedLoop(opts.concurrency + 2, { untilMs: opts.loadSeconds * 1000 }, async (i) => {
      // Distinct widths: every request is a miss that renders.
      await getOk(variantUrl(stack, stack.sources[i % stack.sources.length]!, `w_${300 + i},f_webp`));
    });
    clearInterval(sampler);
    const apiLoaded = await loadProbe.stop();
    const peakKb = readMemoryKb(stack.media.pid).peak;
    const quarter = Math.max(1, Math.floor(samples.length / 4));
    const firstQuarter = Math.max(...samples.slice(0, quarter));
    const lastQuarter = Math.max(...samples.slice(-quarter));
    log(`  renders: ${latencyLine(load)}`);
    log(
      `  media RSS: idle ${mbFromKb(rssIdle)} MB; max in the first quarter ${mbFromKb(firstQuarter)} MB, in the last ${mbFromKb(lastQuarter)} MB; peak (VmHWM) ${mbFromKb(peakKb)} MB`,
    );
    const api = (l: number[]) => `p50 ${ms(quantile(l, 0.5))}, p99 ${ms(quantile(l, 0.99))} (${l.length} probes)`;
    log(`  API GET /healthz: idle ${api(apiIdle)}; under render load ${api(apiLoaded)}`);
    if (load.errors > 0) problems.push(`${load.errors} requests failed under load (${load.firstError})`);

    log('\n=== summary ===');
    log(
      `cache miss: ferry ${rate(miss).toFixed(2)} renders/s vs sharp alone ${rate(alone).toFixed(2)}/s = ${(rate(miss) / rate(alone)).toFixed(2)} x (target >= 0.85); vs sharp + S3 read/write in one process ${rate(roundTrip).toFixed(2)}/s = ${(rate(miss) / rate(roundTrip)).toFixed(2)} x`,
    );
    const p99 = (r: LoopResult) => ms(quantile(r.latencies, 0.99));
    log(
      `cache hit:  ferry p99 ${p99(hit1)} (1 at a time), ${p99(hit)} (${opts.hitConcurrency}) (target < 10 ms), ${rate(hit).toFixed(0)} req/s; S3 direct p99 ${p99(direct1)}, ${p99(direct)}, ${rate(direct).toFixed(0)} req/s`,
    );
    log(
      `media RSS over ${opts.loadSeconds} s of renders: ${mbFromKb(firstQuarter)} MB -> ${mbFromKb(lastQuarter)} MB (max of first vs last quarter), peak ${mbFromKb(peakKb)} MB`,
    );
    log(
      `API /healthz p99: ${ms(quantile(apiIdle, 0.99))} idle; ${ms(quantile(apiLoaded, 0.99))} while the media process renders at full load on the same 2 cores`,
    );
    for (const p of problems) log(`PROBLEM: ${p}`);
    return problems.length > 0 ? 1 : 0;
  });
}

/** The stored variant's key: the only object under the original's variants folder. */
async function variantKeyOf(stack: MediaStack, source: MediaSource): Promise<string> {
  const prefix = `${TENANT}/variants/${source.sha256.slice(0, 2)}/${source.sha256}/`;
  const out = await stack.clients.s3.send(
    new ListObjectsV2Command({ Bucket: stack.clients.store.bucket, Prefix: prefix }),
  );
  const key = out.Contents?.[0]?.Key;
  if (key === undefined) throw new Error(`no stored variant under ${prefix}`);
  return key;
}
