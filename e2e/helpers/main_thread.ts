/**
 * Main-thread tasks measured by CPU time, from a Chromium trace. The Long Tasks API reports wall
 * time, which on a loaded 2-core machine (a training worker, SwiftShader's GPU process) includes
 * time the main thread spent descheduled: a 277 ms "long task" measured here held 15 ms of CPU.
 * The trace's per-task thread time (`tdur`) is the page's own work.
 *
 *   const trace = await startMainThreadTrace(browser, page);
 *   ... drive the page ...
 *   const tasks = await trace.stop();
 *   expect(tasks.filter((t) => t.cpuMs > 50)).toEqual([]);
 */
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from '@playwright/test';

export interface MainThreadTask {
  /** ms since the trace began */
  startMs: number;
  wallMs: number;
  cpuMs: number;
  /** What the task ran most (HandlePostMessage, FireAnimationFrame, EventDispatch, ...). */
  kind: string;
}

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  tdur?: number;
  args?: { name?: string };
}

/** Tasks that took at least `minWallMs` of wall time, with their CPU time. */
function mainThreadTasks(events: TraceEvent[], minWallMs: number): MainThreadTask[] {
  const mains = new Set(events.filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
  const onMain = events.filter((e) => e.ph === 'X' && e.dur !== undefined && mains.has(`${e.pid}:${e.tid}`));
  const t0 = Math.min(...onMain.map((e) => e.ts));
  const tasks = onMain.filter((e) => e.name === 'RunTask' && e.dur! >= minWallMs * 1000);
  return tasks.map((t) => {
    const inside = onMain.filter((e) => e !== t && e.name !== 'RunTask' && e.ts >= t.ts && e.ts + e.dur! <= t.ts + t.dur! && !e.name.startsWith('ThreadController'));
    const top = inside.sort((a, b) => b.dur! - a.dur!)[0];
    return { startMs: (t.ts - t0) / 1000, wallMs: t.dur! / 1000, cpuMs: (t.tdur ?? t.dur!) / 1000, kind: top?.name ?? 'RunTask' };
  });
}

export async function startMainThreadTrace(browser: Browser, page: Page, minWallMs = 10) {
  const path = join(tmpdir(), `detr-trace-${process.pid}-${Date.now()}.json`);
  await browser.startTracing(page, { path, categories: ['toplevel', 'devtools.timeline', 'disabled-by-default-devtools.timeline'] });
  return {
    async stop(): Promise<MainThreadTask[]> {
      await browser.stopTracing();
      const raw = JSON.parse(readFileSync(path, 'utf8')) as { traceEvents?: TraceEvent[] } | TraceEvent[];
      rmSync(path, { force: true });
      return mainThreadTasks(Array.isArray(raw) ? raw : (raw.traceEvents ?? []), minWallMs);
    },
  };
}
