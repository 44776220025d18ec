import { setFlagsFromString } from 'node:v8';

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
