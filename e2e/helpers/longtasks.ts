/**
 * Main-thread responsiveness: a PerformanceObserver for `longtask` entries (tasks over 50 ms),
 * installed before the page's own scripts. A training test opens a window, drives the page, and
 * asserts that no main-thread task in that window went over 50 ms.
 *
 *   await installLongTaskObserver(page);          // before page.goto
 *   await page.goto('/');
 *   const w = await openLongTaskWindow(page);
 *   ... train ...
 *   expect(await longTasksSince(page, w)).toEqual([]);
 */
import type { Page } from '@playwright/test';

export interface LongTask {
  /** ms since navigation start */
  startTime: number;
  duration: number;
  name: string;
}

declare global {
  interface Window {
    __detrLongTasks?: LongTask[];
  }
}

export async function installLongTaskObserver(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const tasks: LongTask[] = [];
    window.__detrLongTasks = tasks;
    try {
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) tasks.push({ startTime: e.startTime, duration: e.duration, name: e.name });
      }).observe({ type: 'longtask', buffered: true });
    } catch {
      // No longtask support: leave the list empty and let the test see `supported === false`.
      window.__detrLongTasks = undefined;
    }
  });
}

/** Starts a measuring window now; returns its start (ms since navigation start). */
export async function openLongTaskWindow(page: Page): Promise<number> {
  const supported = await page.evaluate(() => Array.isArray(window.__detrLongTasks));
  if (!supported) throw new Error('longtask observer missing: call installLongTaskObserver(page) before page.goto');
  return page.evaluate(() => performance.now());
}

/** The long tasks (> 50 ms) that started at or after `since`. */
export async function longTasksSince(page: Page, since: number): Promise<LongTask[]> {
  return page.evaluate((t0) => (window.__detrLongTasks ?? []).filter((t) => t.startTime >= t0), since);
}
