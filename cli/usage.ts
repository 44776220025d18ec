export const USAGE = `Usage: ferry <command>
       npm run ferry -- <command>
       node dist/cli/ferry.js <command>

Commands:
  hash-key <key>   Print the SHA-256 hex of an API key: what a tenant's "apiKeys" holds.
  new-key          Print a new API key, its SHA-256 hex and a new webhook secret.
  setup            Create the DynamoDB media table if missing, check that the bucket is reachable and
                   apply its lifecycle rule (reads the same environment as the service).
  help             Print this text.
`;

/**
 * Thrown by a command whose arguments are wrong; `run` prints the message and the usage and exits 2, so the
 * wording of a usage error lives in one place.
 */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
