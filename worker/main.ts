import './runtime/heap-flags.js';

// The worker proper is loaded only once the heap flags are set: the modules parsed before would already have
// grown the young generation (see heap-flags.ts).
await import('./worker-main.js');
