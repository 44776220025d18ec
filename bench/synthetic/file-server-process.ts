import { spawnTs, type TsChild } from '../../fixtures/child-process.js';

/** Parent -> child. */
export type FileServerRequest = { type: 'hits' };

/** Child -> parent: `ready` once listening, then one `hits` per request for it. */
export type FileServerMessage = { type: 'ready'; origin: string } | { type: 'hits'; total: number };

export interface FileServerProcess {
  origin: string;
  pid: number;
  child: TsChild;
  /** Requests the server has received so far (every path, 404s included). */
  hits(): Promise<number>;
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
  let queue = Promise.resolve(0);
  const hits = () => {
    const ask = queue.then(async () => {
      const answer = child.nextMessage<FileServerMessage>();
      child.process.send({ type: 'hits' } satisfies FileServerRequest);
      const msg = await answer;
      if (msg.type !== 'hits') throw new Error(`file server: expected hits, got ${JSON.stringify(msg)}`);
      return msg.total;
    });
    queue = ask.catch(() => 0);
    return ask;
  };
  return { origin: ready.origin, pid: child.pid, child, hits, stop: () => child.stop() };
}
