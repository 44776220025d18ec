import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Request, Response } from 'express';

/** Streams `body` as the response (nothing for HEAD); a client that goes away destroys the S3 stream. */
export async function sendStream(req: Request, res: Response, body: Readable, length: number): Promise<void> {
  res.setHeader('Content-Length', String(length));
  if (req.method === 'HEAD') {
    body.destroy();
    res.end();
    return;
  }
  try {
    await pipeline(body, res);
  } catch {
    // The client left, or S3 broke mid-stream: the response cannot become an error any more.
    res.destroy();
  }
}
