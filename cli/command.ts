/**
 * What a command may touch. The bin hands over the process's streams and environment; tests hand over their own,
 * so every command runs in-process with its output captured.
 */
export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  /**
   * The environment a command configures itself from. Left out, `loadConfig` reads `process.env` (it is the one
   * place that does).
   */
  env?: Record<string, string | undefined>;
  /** stdout is a terminal: a live progress line is drawn (else plain lines, no escape codes). */
  isTTY?: boolean;
  /** All of stdin, for `--from-file -`. */
  readStdin?: () => Promise<string>;
  /** Calls `handler` on Ctrl-C (SIGINT) instead of exiting; returns what stops that. */
  onInterrupt?: (handler: () => void) => () => void;
  /** Asks a question on the terminal and resolves with the answer; absent when nobody can answer. */
  ask?: (question: string) => Promise<string>;
}

/** One command: its arguments (after the command name) in, an exit code out. */
export type Command = (args: readonly string[], io: CliIo) => number | Promise<number>;
