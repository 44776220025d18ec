/** The size of every pooled buffer: large enough for few syscalls, small enough to stay in the CPU's caches. */
export const POOLED_BUFFER_BYTES = 256 * 1024;

/**
 * Buffers of POOLED_BUFFER_BYTES that streaming code takes and gives back (part uploads, temp-file writes), so
 * moving bytes allocates nothing once the pool holds what the busiest moment needed. A buffer is given back only
 * when nothing can still read it; one never given back is just garbage.
 */
export class BufferPool {
  private readonly free: Buffer[] = [];

  take(): Buffer {
    // Outside Node's shared pool: these live as long as the process and are reused.
    return this.free.pop() ?? Buffer.allocUnsafeSlow(POOLED_BUFFER_BYTES);
  }

  give(buffer: Buffer): void {
    this.free.push(buffer);
  }
}

/** The worker's one pool. */
export const bufferPool = new BufferPool();
