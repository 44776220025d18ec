import { spawnTs, type TsChild } from '../../fixtures/child-process.js';

/** Parent -> child. */
export type FileServerRequest = { type: 'hits' };

/** Child -> parent: `ready` once listening, then one `hits` per request for it (requests, and body bytes sent). */
export type FileServerMessage = { type: 'ready'; origin: string } | { type: 'hits'; total: number; bytes: number };

/** What the file server has served so far. */
export interface FileServerServed {
  /** Requests received (every path, 404s included). */
  requests: number;
  /** Body bytes sent (a response cut short counts for what it sent). */
  bytes: number;
}

export interface FileServerProcess {
  origin: string;
  pid: number;
  child: TsChild;
  /** Requests the server has received so far (every path, 404s included). */
  hits(): Promise<number>;
  /** Requests received and body bytes sent so far. */
  served(): Promise<FileServerServed>;
  stop(): Promise<void>;
}

/** Starts bench/synthetic/file-server.child.ts serving `files` synthetic files of `size` bytes (their text variants of `textSize`); resolves once it listens. */
export async function startFileServerProcess(files: number, size: number, textSize = size): Promise<FileServerProcess> {
  const child = spawnTs('file server', 'bench/synthetic/file-server.child.ts', {
    ipc: true,
    args: ['--files', String(files), '--size', String(size), '--text-size', String(textSize)],
  });
  const ready = await child.nextMessage<FileServerMessage>().catch(async (err: unknown) => {
    await child.stop();
    throw err;
  });
  if (ready.type !== 'ready') {
    await child.stop();
    throw new Error(`file server: expected ready, got ${JSON.stringify(ready)}`);
  }
  // One question at a time: the answer is the next message.
  let queue: Promise<unknown> = Promise.resolve();
  const served = () => {
    const ask = queue.then(async (): Promise<FileServerServed> => {
      const answer = child.nextMessage<FileServerMessage>();
      child.process.send({ type: 'hits' } satisfies FileServerRequest);
      const msg = await answer;
      if (msg.type !== 'hits') throw new Error(`file server: expected hits, got ${JSON.stringify(msg)}`);
      return { requests: msg.total, bytes: msg.bytes };
    });
    queue = ask.catch(() => undefined);
    return ask;
  };
  const hits = async () => (await served()).requests;
  return { origin: ready.origin, pid: child.pid, child, hits, served, stop: () => child.stop() };
}
