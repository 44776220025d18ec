import type { JobProgress, JobState } from '../client/types.js';
import type { CliIo } from './command.js';
import { formatBytes, formatDuration, formatProgress } from './format.js';

/** Erase the terminal line the cursor is on and go back to its start. */
const CLEAR_LINE = '\r\x1b[2K';

/**
 * A job's progress as a person watches it. On a terminal one line is redrawn in place (`\r` and erase-line) and
 * erased at the end, so what stays on screen is the result; elsewhere (a pipe, a log file) a plain line is
 * printed when the state changes or another file is done, with no escape codes.
 *
 * Hand-rolled rather than a progress-bar package: it is one line with two escape codes, and the packages
 * (cli-progress, listr2...) draw bars from a known total of bytes, which a zip job does not have.
 */
export class ProgressLine {
  private first: { at: number; bytes: number } | undefined;
  private state: JobState = 'queued';
  private progress: JobProgress | undefined;
  private lastPlain = '';
  private drawn = false;
  /** While a question is on screen: nothing is drawn. */
  paused = false;

  constructor(
    private readonly io: CliIo,
    private readonly id: string,
    private readonly now: () => number = Date.now,
  ) {}

  setState(state: JobState): void {
    this.state = state;
    this.render();
  }

  update(progress: JobProgress): void {
    const at = this.now();
    this.first ??= { at, bytes: progress.bytesDownloaded };
    this.progress = progress;
    if (this.state === 'queued') this.state = 'active';
    this.render();
  }

  /** Erases the live line (before the result, a question or an error is printed). */
  clear(): void {
    if (this.drawn) this.io.out(CLEAR_LINE);
    this.drawn = false;
  }

  private render(): void {
    if (this.paused) return;
    const p = this.progress;
    if (!this.io.isTTY) {
      // Plain lines change only with the state or the files done, not with every byte.
      const line = `${this.id} ${this.state}${p ? ` ${p.filesDone}/${p.filesTotal} files` : ''}`;
      if (line !== this.lastPlain) this.io.out(`${line}\n`);
      this.lastPlain = line;
      return;
    }
    this.io.out(`${CLEAR_LINE}${this.text()}`);
    this.drawn = true;
  }

  private text(): string {
    const p = this.progress;
    if (!p) return `${this.id} ${this.state}`;
    const seconds = this.first ? (this.now() - this.first.at) / 1000 : 0;
    const rate = seconds > 0.5 && this.first ? (p.bytesDownloaded - this.first.bytes) / seconds : undefined;
    const left = p.filesTotal - p.filesDone - p.filesFailed;
    const perFile = p.filesDone > 0 && seconds > 0.5 ? seconds / p.filesDone : undefined;
    const eta = perFile !== undefined && left > 0 ? `ETA ${formatDuration(left * perFile)}` : 'ETA -';
    const speed = rate === undefined ? '' : `, ${formatBytes(Math.round(rate))}/s`;
    return `${this.id} ${this.state} ${formatProgress(p)}${speed}, ${eta}`;
  }
}
