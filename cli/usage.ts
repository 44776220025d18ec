export const USAGE = `Usage: ferry <command> [options]
       npm run ferry -- <command> [options]

Jobs (talk to a ferry API; see "Connection" below):
  zip <url...>       Queue a zip archive of the URLs; --wait follows it with a live progress line.
  ingest <url...>    Queue an ingest of the URLs into the media store; --wait prints one line per URL.
  status <id>        Print a job.
  watch <id>         Follow a job until it is completed, failed or cancelled.
  cancel <id>        Cancel a queued or running job.
  media-url <url|key>  Print the signed URL of a variant of an ingested image (--width, --format...), or of
                     the original with no option.
  configure          Save --url and --key in the profile file (mode 0600).

Operators (edit files and storage; no API needed):
  tenants add|list|rotate-key|remove   Edit the tenants file (FERRY_TENANTS_FILE or --file).
  hash-key <key>     Print the SHA-256 hex of an API key: what a tenant's "apiKeys" holds.
  new-key            Print a new API key, its SHA-256 hex and a new webhook secret.
  setup [--create-bucket]   Create the DynamoDB media table if missing, check that the bucket is reachable
                     (--create-bucket: create it) and apply its lifecycle rule, check Redis's settings
                     (reads the same environment as the service).
  help [command]     Print this text, or a command's.

Connection: --url and --key, else FERRY_URL and FERRY_API_KEY, else the profile file
  $XDG_CONFIG_HOME/ferry/config.json (default ~/.config/ferry/config.json): {"url": "...", "apiKey": "..."}.

Exit codes: 0 done (a job completed), 1 failed (a job failed or was cancelled, or a request was refused),
  2 usage error, 130 interrupted with the job left running.
Every command takes -h/--help.
`;

/**
 * Thrown by a command whose arguments are wrong; `run` prints the message and the usage (the command's own when
 * given) and exits 2, so the wording of a usage error lives in one place.
 */
export class UsageError extends Error {
  constructor(
    message: string,
    /** The command's help, printed instead of the general usage. */
    readonly help?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}
