import type { ServerResponse } from 'node:http';

export interface PumpOutcome {
  /** Body bytes handed to the socket before it closed (kernel buffers included). */
  written: number;
  /** True only if the whole body was written and the response finished. */
  complete: boolean;
}

/**
 * Writes `total` bytes of `chunk` repeated, honouring backpressure, until done or until the client closes the
 * connection. Resolves when the response closes, telling how far the server got.
 */
export function pumpBody(res: ServerResponse, total: number, chunk: Buffer): Promise<PumpOutcome> {
  return new Promise((resolve) => {
    let written = 0;
    res.once('close', () => resolve({ written, complete: res.writableFinished }));
    const write = (): void => {
      while (written < total && !res.destroyed) {
        const piece = chunk.subarray(0, Math.min(chunk.length, total - written));
        written += piece.length;
        if (!res.write(piece)) {
          res.once('drain', write);
          return;
        }
      }
      if (written >= total) res.end();
    };
    write();
  });
}
