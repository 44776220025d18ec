import { pipeline } from 'node:stream';
import { parseArgs } from 'node:util';
import { startFileServer } from '../../fixtures/file-server.js';
import type { FileServerMessage, FileServerRequest } from './file-server-process.js';
import { syntheticFile, syntheticFilePath } from './synthetic-files.js';

/**
 * Child process: serves `--files` synthetic files of `--size` bytes (and a text variant of each, `--text-size` bytes), generated on the fly, and reports its
 * origin over IPC, then its request count and the body bytes it has sent whenever asked. A process of its own so
 * that its CPU time is measured apart from the worker and s3rver.
 */
const { values } = parseArgs({
  options: { files: { type: 'string' }, size: { type: 'string' }, 'text-size': { type: 'string' } },
});
const files = Number(values.files);
const size = Number(values.size);
const textSize = values['text-size'] === undefined ? size : Number(values['text-size']);
if (!Number.isInteger(files) || files < 1 || !Number.isInteger(size) || size < 1) {
  throw new Error(`file-server.child: bad --files ${values.files} / --size ${values.size}`);
}

const server = await startFileServer('127.0.0.1');
/** Body bytes handed to responses (a client that goes away mid-file counts for what it was sent before). */
let bytesSent = 0;
for (let i = 0; i < files; i++) {
  for (const [kind, type, bytes] of [
    ['binary', 'application/octet-stream', size],
    ['text', 'text/plain', textSize],
  ] as const) {
    server.route(syntheticFilePath(i, kind), (_req, res) => {
      res.writeHead(200, { 'content-type': type, 'content-length': bytes });
      // A client that goes away mid-file is not this server's problem.
      const body = syntheticFile(i, bytes, kind);
      body.on('data', (chunk: Buffer) => (bytesSent += chunk.length));
      pipeline(body, res, () => undefined);
    });
  }
}
const send = (msg: FileServerMessage) => process.send?.(msg);
process.on('message', (msg: FileServerRequest) => {
  if (msg.type === 'hits') send({ type: 'hits', total: server.totalHits(), bytes: bytesSent });
});
send({ type: 'ready', origin: server.origin });

const stop = () => void server.close().finally(() => process.exit(0));
process.once('disconnect', stop);
process.once('SIGTERM', stop);
