import { CONNECTION_HELP, CONNECTION_OPTIONS, parseCommandArgs, secondsFlag } from '../args.js';
import type { Command } from '../command.js';
import { connect } from '../connect.js';
import { printOrFollow } from '../follow-job.js';
import { readUrls } from '../read-urls.js';

export const INGEST_HELP = `Usage: ferry ingest <url...> [options]

Queues an ingest of the URLs into the media store (POST /v1/ingests) and prints the job id; with --wait,
follows the job and prints one line per URL: stored, existing or failed, its key and public URL.

Options:
  --from-file <file>       Read URLs from a file, one a line ("-" for stdin)
  --wait                   Follow the job until it ends; exit 0 completed, 1 failed or cancelled
  --timeout <seconds>      With --wait: give up waiting after this long (the job goes on)
  --cancel-on-interrupt    With --wait: Ctrl-C cancels the job without asking
  --refresh                Fetch again even URLs ingested before
  --webhook <url>          POST the final state to this URL, signed
  --idempotency-key <key>  The same key and body within 24 h return the first job
${CONNECTION_HELP}
`;

const OPTIONS = {
  ...CONNECTION_OPTIONS,
  'from-file': { type: 'string' },
  wait: { type: 'boolean' },
  timeout: { type: 'string' },
  'cancel-on-interrupt': { type: 'boolean' },
  refresh: { type: 'boolean' },
  webhook: { type: 'string' },
  'idempotency-key': { type: 'string' },
} as const;

/** `ferry ingest`: queue an ingest, and with --wait print what became of each URL. */
export const ingest: Command = async (args, io) => {
  const parsed = parseCommandArgs(args, OPTIONS, INGEST_HELP, io);
  if (!parsed) return 0;
  const v = parsed.values;
  const urls = await readUrls(parsed.positionals, v['from-file'], io, INGEST_HELP);
  const timeoutMs = secondsFlag(v.timeout, '--timeout', INGEST_HELP);
  const client = await connect(v, io, INGEST_HELP);
  const accepted = await client.ingest(
    {
      urls,
      ...(v.webhook === undefined ? {} : { webhook: { url: v.webhook } }),
      ...(v.refresh ? { options: { refresh: true } } : {}),
    },
    { idempotencyKey: v['idempotency-key'] },
  );
  return printOrFollow(client, accepted, v, timeoutMs, io);
};
