import { setFlagsFromString } from 'node:v8';
import { enableBytePacedGc } from './byte-paced-gc.js';

/**
 * Imported by worker/main.ts before any other module is loaded (worker-main.ts is imported dynamically after
 * it). Under a high allocation rate (module loading, then every download's chunks) V8 grows the young generation
 * to two 16 MiB semi-spaces, then 32 MiB, and keeps them resident: 30 to 60 MB of a worker's RSS holding nothing.
 * Almost everything a worker allocates dies young (stream chunks, request objects), so a young generation that
 * does not grow costs little scavenging and keeps the footprint flat. Set at run time, `--max-semi-space-size`
 * has no effect (it is read when the heap is set up); the growth factor is read at each growth.
 */
setFlagsFromString('--semi-space-growth-factor=1');
// Download chunks that outlive a scavenge die in the old generation, and their buffers are freed only by a full
// GC, which by default waits for 64 MB more of external memory: counted in the global limit, they go sooner.
setFlagsFromString('--external-memory-accounted-in-global-limit');
// V8's memory-over-speed heuristics (a slower-growing old generation, among others). Alone it made zip jobs 30 %
// slower (more full GCs); with the byte-paced scavenges below, which free download chunks while they are young,
// the job is as fast as without both and the peak 28 MB lower (byte-paced-gc.ts).
setFlagsFromString('--optimize-for-size');
enableBytePacedGc();
