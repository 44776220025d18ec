import type { FerryClient } from '../client/create-client.js';
import { FerryError } from '../client/ferry-error.js';
import type { AcceptedJob, JobDocument } from '../client/types.js';
import type { CliIo } from './command.js';
import { describeError, describeJob } from './format.js';
import { ProgressLine } from './progress-line.js';

export interface FollowOptions {
  json: boolean;
  /** Ctrl-C cancels the job without asking. */
  cancelOnInterrupt: boolean;
  timeoutMs?: number | undefined;
}

/** Exit code of a finished job: 0 completed, 1 failed or cancelled. */
export const exitCodeOf = (doc: JobDocument): number => (doc.state === 'completed' ? 0 : 1);

/** Prints a job document: the JSON alone with --json, else the lines a person reads. */
export function printJob(doc: JobDocument, json: boolean, io: CliIo): void {
  io.out(json ? `${JSON.stringify(doc, null, 2)}\n` : `${describeJob(doc).join('\n')}\n`);
}

/**
 * Follows a job on its event stream to the end, with the live progress line, and prints it. Ctrl-C asks whether
 * to cancel the job (or cancels it with `cancelOnInterrupt`): cancelled, the stream goes on to the `cancelled`
 * event; not, the command leaves the job running and exits 130. A second Ctrl-C leaves at once.
 */
export async function followJob(client: FerryClient, id: string, io: CliIo, o: FollowOptions): Promise<number> {
  const line = o.json ? undefined : new ProgressLine(io, id);
  const leave = new AbortController();
  let interrupted = false;
  const onInterrupt = () => {
    if (interrupted) {
      leave.abort();
      return;
    }
    interrupted = true;
    void decide();
  };
  const decide = async () => {
    let cancel = o.cancelOnInterrupt;
    if (!cancel && io.ask) {
      if (line) {
        line.paused = true;
        line.clear();
      }
      const answer = await io.ask(`Cancel job ${id}? [y/N] `);
      if (line) line.paused = false;
      cancel = /^\s*y(es)?\s*$/i.test(answer);
    }
    if (!cancel) {
      leave.abort();
      return;
    }
    try {
      await client.cancel(id);
      // The stream goes on and ends with the job's `cancelled` event.
    } catch (e) {
      // 409: it finished meanwhile; the stream ends with that.
      io.err(`cancel: ${e instanceof FerryError ? describeError(e) : String(e)}\n`);
    }
  };
  const stopListening = io.onInterrupt?.(onInterrupt);
  try {
    const doc = await client.wait(id, {
      signal: leave.signal,
      timeoutMs: o.timeoutMs,
      onProgress: (p) => line?.update(p),
      onState: (s) => line?.setState(s),
    });
    line?.clear();
    printJob(doc, o.json, io);
    return exitCodeOf(doc);
  } catch (e) {
    line?.clear();
    if (leave.signal.aborted) {
      io.err(`Left job ${id} running; follow it with: ferry watch ${id}\n`);
      return 130;
    }
    throw e;
  } finally {
    stopListening?.();
  }
}

/** The flags of a job-creating command that say what happens once the job is accepted. */
export interface AcceptedFlags {
  wait?: boolean | undefined;
  json?: boolean | undefined;
  'cancel-on-interrupt'?: boolean | undefined;
}

/** After a 202: print the id (the answer with --json), or with --wait follow the job to its end. */
export async function printOrFollow(
  client: FerryClient,
  accepted: AcceptedJob,
  flags: AcceptedFlags,
  timeoutMs: number | undefined,
  io: CliIo,
): Promise<number> {
  if (!flags.wait) {
    io.out(flags.json ? `${JSON.stringify(accepted, null, 2)}\n` : `${accepted.id}\n`);
    return 0;
  }
  return followJob(client, accepted.id, io, {
    json: flags.json === true,
    cancelOnInterrupt: flags['cancel-on-interrupt'] === true,
    timeoutMs,
  });
}
