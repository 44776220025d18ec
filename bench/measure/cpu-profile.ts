import { readdir, readFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from '../../fixtures/child-process.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

/** V8 profiles time samples in microseconds of the monotonic clock that process.hrtime reads (the same in every process). */
export const nowUs = () => Number(process.hrtime.bigint() / 1000n);

/** The V8 .cpuprofile format (as written by --cpu-prof and the inspector's Profiler domain). */
export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Starts V8's sampling profiler in this process; the returned function stops it and hands back the profile. */
export async function profileThisProcess(): Promise<() => Promise<CpuProfile>> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return async () => {
    const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: CpuProfile };
    session.disconnect();
    return profile;
  };
}

/**
 * The main thread's profile from `node --cpu-prof --cpu-prof-dir=<dir>` (files are named
 * CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile; tsx's module-hooks thread writes one of its own).
 */
export async function readMainThreadProfile(dir: string, pid: number): Promise<CpuProfile | undefined> {
  const file = (await readdir(dir).catch(() => [])).find((f) => f.includes(`.${pid}.0.`) && f.endsWith('.cpuprofile'));
  return file === undefined ? undefined : (JSON.parse(await readFile(join(dir, file), 'utf8')) as CpuProfile);
}

const ROOT_URL = pathToFileURL(REPO_ROOT).href;

/** Where a frame's code lives: an npm package, a Node internal module, a ferry file, or a native/VM bucket. */
function categoryOf({ url, functionName }: ProfileNode['callFrame']): string {
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const parts = url.slice(nm + '/node_modules/'.length).split('/');
    return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
  }
  if (url.startsWith('node:'))
    return `node:${url
      .slice(5)
      .replace(/^internal\//, '')
      .split('/')
      .slice(0, 2)
      .join('/')}`;
  if (url.startsWith(ROOT_URL)) return `ferry: ${url.slice(ROOT_URL.length)}`;
  if (url === '') return functionName.startsWith('(') ? functionName : `native: ${functionName || '(anonymous)'}`;
  return url;
}

function frameName({ functionName, url, lineNumber }: ProfileNode['callFrame']): string {
  const where = url === '' ? '' : ` ${url.replace(ROOT_URL, '').replace(/^.*\/node_modules\//, '')}:${lineNumber + 1}`;
  return `${functionName || '(anonymous)'}${where}`;
}

/**
 * Self time by category and by function, optionally only for samples inside [fromUs, toUs] (V8's monotonic
 * microseconds, the clock of process.hrtime). Idle time is left out.
 */
export function summarizeProfile(profile: CpuProfile, window?: { fromUs: number; toUs: number }, top = 10): string[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const byCategory = new Map<string, number>();
  const byFrame = new Map<string, number>();
  let t = profile.startTime;
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    t += dt;
    if (window && (t < window.fromUs || t > window.toUs)) return;
    const node = byId.get(id);
    if (!node || node.callFrame.functionName === '(idle)') return;
    total += dt;
    const cat = categoryOf(node.callFrame);
    byCategory.set(cat, (byCategory.get(cat) ?? 0) + dt);
    const frame = frameName(node.callFrame);
    byFrame.set(frame, (byFrame.get(frame) ?? 0) + dt);
  });
  const topOf = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(
        ([name, us]) =>
          `    ${(us / 1000).toFixed(0).padStart(6)} ms ${((us / total) * 100).toFixed(1).padStart(5)}%  ${name}`,
      );
  return [
    `  ${(total / 1000).toFixed(0)} ms of non-idle samples; self time by package / area:`,
    ...topOf(byCategory),
    '  by function:',
    ...topOf(byFrame),
  ];
}
