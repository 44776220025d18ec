import { CONNECTION_HELP, CONNECTION_OPTIONS, parseCommandArgs } from '../args.js';
import type { Command } from '../command.js';
import { connect } from '../connect.js';
import { printJob } from '../follow-job.js';
import { UsageError } from '../usage.js';

export const STATUS_HELP = `Usage: ferry status <id> [options]

Prints a job (GET /v1/jobs/:id): its state and progress, then what it made (archive and links, or one line
per ingested URL) or why it failed. Exit 0 unless the job failed or was cancelled (1).

Options:
${CONNECTION_HELP}
`;

/** `ferry status <id>`. */
export const status: Command = async (args, io) => {
  const parsed = parseCommandArgs(args, CONNECTION_OPTIONS, STATUS_HELP, io);
  if (!parsed) return 0;
  const [id, ...extra] = parsed.positionals;
  if (id === undefined || extra.length > 0) throw new UsageError('status takes exactly one job id', STATUS_HELP);
  const client = await connect(parsed.values, io, STATUS_HELP);
  const doc = await client.job(id);
  printJob(doc, parsed.values.json === true, io);
  return doc.state === 'failed' || doc.state === 'cancelled' ? 1 : 0;
};
