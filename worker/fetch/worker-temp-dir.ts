import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { readdir, readFile, rm, stat, utimes } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '../../shared/logger.js';

/** Every worker process keeps its job folders under `<TEMP_DIR>/ferry-worker-XXXXXX/`. */
const WORKER_DIR_PREFIX = 'ferry-worker-';
/** Job folders of versions that kept them directly under TEMP_DIR (`ferry-<jobId>-XXXXXX`). */
const LEGACY_JOB_DIR = /^ferry-[a-z]+_[^/]*-[A-Za-z0-9]{6}$/;
const OWNER_FILE = '.owner.json';

export interface WorkerTempDirOptions {
  logger: Logger;
  /** How often the owner file's mtime is refreshed (default 10 s). */
  heartbeatMs?: number;
  /** A folder whose owner file is older than this belongs to a dead worker, wherever it ran (default 2 min). */
  staleMs?: number;
}

interface Owner {
  host: string;
  pid: number;
  /** The owner process's start (`performance.timeOrigin`): tells a reused pid from the process itself. */
  started: number;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * This process's temp folder, and the removal of folders that dead workers left behind (SIGKILL, OOM).
 *
 * A folder belongs to a dead worker when its owner ran on this host and its pid is gone (or is ours but the
 * process is not: a container restarted as pid 1 again), or, for owners on other hosts sharing the disk, when its owner file
 * has not been touched for `staleMs`. Only folders ferry names are ever removed, since TEMP_DIR may be /tmp.
 */
export class WorkerTempDir {
  readonly path: string;
  private readonly heartbeat: NodeJS.Timeout;
  private readonly staleMs: number;
  private sweeping: Promise<number> | undefined;

  constructor(
    readonly root: string,
    private readonly options: WorkerTempDirOptions,
  ) {
    mkdirSync(root, { recursive: true });
    this.path = mkdtempSync(join(root, WORKER_DIR_PREFIX));
    const owner: Owner = { host: hostname(), pid: process.pid, started: performance.timeOrigin };
    writeFileSync(join(this.path, OWNER_FILE), JSON.stringify(owner));
    this.staleMs = options.staleMs ?? 120_000;
    const ownerFile = join(this.path, OWNER_FILE);
    this.heartbeat = setInterval(() => {
      const now = new Date();
      utimes(ownerFile, now, now).catch(() => undefined);
    }, options.heartbeatMs ?? 10_000).unref();
  }

  private async isDead(dir: string, now: number): Promise<boolean> {
    const ownerFile = join(this.root, dir, OWNER_FILE);
    const [text, info] = await Promise.all([
      readFile(ownerFile, 'utf8').catch(() => undefined),
      stat(ownerFile).catch(() => undefined),
    ]);
    if (text === undefined || info === undefined) {
      // No owner file (yet): a worker may be between creating the folder and writing it.
      const dirInfo = await stat(join(this.root, dir)).catch(() => undefined);
      return dirInfo !== undefined && now - dirInfo.mtimeMs > this.staleMs;
    }
    let owner: Partial<Owner> = {};
    try {
      owner = JSON.parse(text) as Partial<Owner>;
    } catch {
      /* unreadable: judged by its age alone */
    }
    if (owner.host === hostname() && typeof owner.pid === 'number') {
      // Another set of workers in this very process (tests, dev) is alive by definition.
      if (owner.pid === process.pid) return owner.started !== performance.timeOrigin;
      if (!isAlive(owner.pid)) return true;
    }
    return now - info.mtimeMs > this.staleMs;
  }

  private async isOldLegacy(dir: string, now: number): Promise<boolean> {
    const info = await stat(join(this.root, dir)).catch(() => undefined);
    return info !== undefined && now - info.mtimeMs > this.staleMs;
  }

  /** Removes the folders of dead workers; resolves with how many were removed. One sweep at a time. */
  sweep(): Promise<number> {
    this.sweeping ??= this.sweepOnce().finally(() => (this.sweeping = undefined));
    return this.sweeping;
  }

  private async sweepOnce(): Promise<number> {
    const now = Date.now();
    const own = this.path.slice(this.root.length).replace(/^[\\/]+/, '');
    const entries = await readdir(this.root).catch(() => [] as string[]);
    let removed = 0;
    for (const dir of entries) {
      if (dir === own) continue;
      const dead = dir.startsWith(WORKER_DIR_PREFIX)
        ? await this.isDead(dir, now)
        : LEGACY_JOB_DIR.test(dir) && (await this.isOldLegacy(dir, now));
      if (!dead) continue;
      await rm(join(this.root, dir), { recursive: true, force: true });
      removed++;
    }
    if (removed > 0) this.options.logger.info({ removed, tempDir: this.root }, 'removed temp files of dead workers');
    return removed;
  }

  /** Stops the heartbeat and removes this process's folder (whatever jobs left in it). */
  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    await this.sweeping?.catch(() => undefined);
    await rm(this.path, { recursive: true, force: true });
  }
}
