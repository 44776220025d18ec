export const USAGE = `Usage: ferry <command>
       npm run ferry -- <command>
       node dist/cli/ferry.js <command>

Commands:
  hash-key <key>   Print the SHA-256 hex of an API key: what a tenant's "apiKeys" holds.
  new-key          Print a new API key, its SHA-256 hex and a new webhook secret.
  setup            Create the DynamoDB media table if missing, check that the bucket is reachable and
                   apply its lifecycle rule (reads the same environment as the service).
  media-url <url|key> [--width N] [--height N] [--fit cover|contain|inside|outside|fill]
            [--format auto|jpeg|png|webp|avif] [--quality 1-100] [--watermark] [--preset NAME]
                   Print the signed URL of a variant of an ingested image (or of the original, with no
                   option), from the API: FERRY_URL and FERRY_API_KEY, or --api <url> --key <key>.
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
