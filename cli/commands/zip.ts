import type { ZipRequest } from '../../client/types.js';
import { CONNECTION_HELP, CONNECTION_OPTIONS, parseCommandArgs, secondsFlag } from '../args.js';
import type { Command } from '../command.js';
import { connect } from '../connect.js';
import { printOrFollow } from '../follow-job.js';
import { readUrls } from '../read-urls.js';
import { UsageError } from '../usage.js';

export const ZIP_HELP = `Usage: ferry zip <url...> [options]

Queues a zip archive of the URLs (POST /v1/zips) and prints the job id; with --wait, follows the job with a
live progress line (files done/total, bytes, rate, ETA) and prints the share and download links.

Options:
  --name <name>            The archive's file name (default "files"; ".zip" is added)
  --from-file <file>       Read URLs from a file, one a line ("-" for stdin)
  --wait                   Follow the job until it ends; exit 0 completed, 1 failed or cancelled
  --timeout <seconds>      With --wait: give up waiting after this long (the job goes on)
  --cancel-on-interrupt    With --wait: Ctrl-C cancels the job without asking
  --compression <mode>     auto (default), store or deflate
  --on-error <mode>        fail (default: any failed URL fails the job) or skip
  --expires-in <seconds>   How long the archive stays downloadable
  --manifest               Add manifest.json to the archive
  --share                  Make a share page for the archive (result.shareUrl) to send people to
  --password <password>    The share page asks for it first (8-128 characters; implies --share)
  --max-downloads <n>      Downloads the share page allows (1-1000; implies --share)
  --email <address>        Email the share link to this address once the archive is ready (up to 10:
                           repeat the flag; needs SMTP on the server)
  --message <text>         With --email: a note shown in the email
  --webhook <url>          POST the final state to this URL, signed
  --idempotency-key <key>  The same key and body within 24 h return the first job
${CONNECTION_HELP}
`;

const OPTIONS = {
  ...CONNECTION_OPTIONS,
  name: { type: 'string' },
  'from-file': { type: 'string' },
  wait: { type: 'boolean' },
  timeout: { type: 'string' },
  'cancel-on-interrupt': { type: 'boolean' },
  compression: { type: 'string' },
  'on-error': { type: 'string' },
  'expires-in': { type: 'string' },
  manifest: { type: 'boolean' },
  share: { type: 'boolean' },
  password: { type: 'string' },
  'max-downloads': { type: 'string' },
  email: { type: 'string', multiple: true },
  message: { type: 'string' },
  webhook: { type: 'string' },
  'idempotency-key': { type: 'string' },
} as const;

/** `share` and `notify` of the request, from their flags. */
function shareOf(v: {
  share?: boolean | undefined;
  password?: string | undefined;
  'max-downloads'?: string | undefined;
  email?: string[] | undefined;
  message?: string | undefined;
}): Pick<ZipRequest, 'share' | 'notify'> {
  const maxDownloads = v['max-downloads'] === undefined ? undefined : Number(v['max-downloads']);
  if (maxDownloads !== undefined && !Number.isInteger(maxDownloads)) {
    throw new UsageError('--max-downloads must be a whole number', ZIP_HELP);
  }
  if (v.message !== undefined && v.email === undefined) throw new UsageError('--message needs --email', ZIP_HELP);
  const wantsShare = v.share === true || v.password !== undefined || maxDownloads !== undefined;
  return {
    ...(wantsShare ? { share: { password: v.password, maxDownloads } } : {}),
    ...(v.email === undefined ? {} : { notify: { email: v.email, message: v.message } }),
  };
}

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], flag: string): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new UsageError(`${flag} must be one of ${allowed.join(', ')}`, ZIP_HELP);
  }
  return value as T;
}

/** `ferry zip`: queue an archive, and with --wait follow it to its links. */
export const zip: Command = async (args, io) => {
  const parsed = parseCommandArgs(args, OPTIONS, ZIP_HELP, io);
  if (!parsed) return 0;
  const v = parsed.values;
  const urls = await readUrls(parsed.positionals, v['from-file'], io, ZIP_HELP);
  const expiresInMs = secondsFlag(v['expires-in'], '--expires-in', ZIP_HELP);
  const request: ZipRequest = {
    filename: v.name ?? 'files',
    urls,
    ...(v.webhook === undefined ? {} : { webhook: { url: v.webhook } }),
    ...shareOf(v),
    options: {
      compression: oneOf(v.compression, ['auto', 'store', 'deflate'], '--compression'),
      onError: oneOf(v['on-error'], ['fail', 'skip'], '--on-error'),
      expiresIn: expiresInMs === undefined ? undefined : Math.round(expiresInMs / 1000),
      manifest: v.manifest,
    },
  };
  const timeoutMs = secondsFlag(v.timeout, '--timeout', ZIP_HELP);
  const client = await connect(v, io, ZIP_HELP);
  const accepted = await client.zip(request, { idempotencyKey: v['idempotency-key'] });
  return printOrFollow(client, accepted, v, timeoutMs, io);
};
