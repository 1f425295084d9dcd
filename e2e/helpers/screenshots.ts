/**
 * Screenshots of each panel at desktop and phone sizes, written to docs/screenshots/
 * (`<panel>-1280.png`, `<panel>-390.png`) plus the whole page (`page-1280.png`, `page-390.png`).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';

export const PANELS = ['datasets', 'config', 'training', 'charts', 'predictions', 'checkpoints'] as const;
export type PanelId = (typeof PANELS)[number];

export const VIEWPORTS = [
  { label: '1280', width: 1280, height: 800 },
  { label: '390', width: 390, height: 844 },
] as const;

const UNSTICK = '.topbar { position: static !important; }';

export const SCREENSHOT_DIR = join(process.cwd(), 'docs', 'screenshots');

/**
 * Writes `<prefix><panel>-<width>.png` for each panel at each viewport, and `<prefix>page-<width>.png`
 * (the first screen) unless `page: false`.
 * Restores the 1280x800 viewport afterwards. Returns the paths written.
 */
export async function screenshotPanels(page: Page, opts: { panels?: readonly PanelId[]; prefix?: string; page?: boolean } = {}): Promise<string[]> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const written: string[] = [];
  const prefix = opts.prefix ?? '';
  for (const vp of VIEWPORTS) {
    await page.setViewportSize({ width: vp.width, height: vp.height });
    // Let responsive charts settle at the new width (ResponsiveContainer debounces resizes).
    await page.waitForTimeout(400);
    if (opts.page !== false) {
      await page.evaluate(() => window.scrollTo(0, 0));
      const full = join(SCREENSHOT_DIR, `${prefix}page-${vp.label}.png`);
      await page.screenshot({ path: full, animations: 'disabled' });
      written.push(full);
    }
    for (const id of opts.panels ?? PANELS) {
      const path = join(SCREENSHOT_DIR, `${prefix}${id}-${vp.label}.png`);
      // The sticky top bar would cover the top of panels taller than the viewport.
      await page.locator(`section#${id}`).screenshot({ path, animations: 'disabled', style: UNSTICK });
      written.push(path);
    }
  }
  await page.setViewportSize({ width: 1280, height: 800 });
  return written;
}
