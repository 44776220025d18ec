import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

type Gc = (options: { type: 'minor' }) => void;

/**
 * Every socket read is a fresh buffer whose memory lives outside the JS heap until the small JS object that owns
 * it is collected. V8 paces scavenges by JS allocation alone, and streaming a file allocates little JS per byte:
 * tens of MB of dead chunks piled up between two scavenges, and the ones still referenced when a scavenge came
 * were promoted, to wait for a full GC. With a scavenge after every PACE bytes streamed (well under a millisecond
 * each: the young generation holds 1 MiB), chunks are freed while young. `npm run bench -- zip-sweep`, 200 × 5 MiB
 * store, together with `--optimize-for-size` (heap-flags.ts): peak RSS 135.8 MB against 163.4 MB, as fast.
 */
const PACE = 1024 * 1024;

let minorGc: Gc | undefined;
let since = 0;

/** Makes `gc({ type: 'minor' })` available to this module (the worker calls it once, before loading the rest). */
export function enableBytePacedGc(): void {
  setFlagsFromString('--expose-gc');
  // The flag installs `gc` in contexts made after it is set: the function is the same V8 extension.
  minorGc = runInNewContext('gc') as Gc;
}

/** Counts `n` bytes that arrived in fresh buffers; scavenges when PACE bytes have been counted since the last. */
export function bytesStreamed(n: number): void {
  if (minorGc === undefined) return;
  since += n;
  if (since < PACE) return;
  since = 0;
  minorGc({ type: 'minor' });
}
