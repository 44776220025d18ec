import { CONNECTION_HELP, CONNECTION_OPTIONS, parseCommandArgs, secondsFlag } from '../args.js';
import type { Command } from '../command.js';
import { connect } from '../connect.js';
import { followJob } from '../follow-job.js';
import { UsageError } from '../usage.js';

export const WATCH_HELP = `Usage: ferry watch <id> [options]

Follows a job on its event stream (GET /v1/jobs/:id/events) with a live progress line until it is completed
(exit 0), failed or cancelled (exit 1), and prints it. Ctrl-C asks whether to cancel the job.

Options:
  --timeout <seconds>      Give up waiting after this long (the job goes on)
  --cancel-on-interrupt    Ctrl-C cancels the job without asking
${CONNECTION_HELP}
`;

const OPTIONS = {
  ...CONNECTION_OPTIONS,
  timeout: { type: 'string' },
  'cancel-on-interrupt': { type: 'boolean' },
} as const;

/** `ferry watch <id>`. */
export const watch: Command = async (args, io) => {
  const parsed = parseCommandArgs(args, OPTIONS, WATCH_HELP, io);
  if (!parsed) return 0;
  const [id, ...extra] = parsed.positionals;
  if (id === undefined || extra.length > 0) throw new UsageError('watch takes exactly one job id', WATCH_HELP);
  const v = parsed.values;
  const timeoutMs = secondsFlag(v.timeout, '--timeout', WATCH_HELP);
  const client = await connect(v, io, WATCH_HELP);
  return followJob(client, id, io, {
    json: v.json === true,
    cancelOnInterrupt: v['cancel-on-interrupt'] === true,
    timeoutMs,
  });
};
