import { CONNECTION_HELP, CONNECTION_OPTIONS, parseCommandArgs } from '../args.js';
import type { Command } from '../command.js';
import { connect } from '../connect.js';
import { UsageError } from '../usage.js';

export const CANCEL_HELP = `Usage: ferry cancel <id> [options]

Cancels a queued or running job (DELETE /v1/jobs/:id): a queued job never runs, a running one stops its
downloads and upload. A job that has already finished cannot be cancelled (exit 1).

Options:
${CONNECTION_HELP}
`;

/** `ferry cancel <id>`. */
export const cancel: Command = async (args, io) => {
  const parsed = parseCommandArgs(args, CONNECTION_OPTIONS, CANCEL_HELP, io);
  if (!parsed) return 0;
  const [id, ...extra] = parsed.positionals;
  if (id === undefined || extra.length > 0) throw new UsageError('cancel takes exactly one job id', CANCEL_HELP);
  const client = await connect(parsed.values, io, CANCEL_HELP);
  const res = await client.cancel(id);
  io.out(parsed.values.json ? `${JSON.stringify(res, null, 2)}\n` : `${res.id} cancelled\n`);
  return 0;
};
