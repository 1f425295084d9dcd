/**
 * The charts at scale: a 100k-iteration metrics.jsonl (as the CLI writes) is parsed in the worker
 * and charted with every point kept. No main-thread task takes more than 50 ms of CPU while the
 * data streams in and while the user hovers, smooths, switches to log scale and shows the
 * auxiliary losses. (Wall-time long tasks are logged too; on the 2-core CI machine they include
 * time the main thread waits for a core, see helpers/main_thread.ts.)
 */
import { expect, test } from '@playwright/test';
import { installLongTaskObserver, longTasksSince, openLongTaskWindow } from './helpers/longtasks';
import { startMainThreadTrace } from './helpers/main_thread';
import { writeMetricsJsonl } from './helpers/metrics_file';
import { screenshotPanels } from './helpers/screenshots';

test('charts 100k iterations without blocking the main thread', async ({ page, browser }, testInfo) => {
  const file = testInfo.outputPath('metrics.jsonl');
  writeMetricsJsonl(file, 100_000);
  await installLongTaskObserver(page);
  await page.goto('/');
  await expect(page.getByTestId('backend-name')).toHaveText('webgpu');
  await page.waitForTimeout(500); // the first load's own work is not measured

  const trace = await startMainThreadTrace(browser, page);
  await page.getByTestId('metrics-input').setInputFiles(file);
  const charts = page.locator('#charts');
  await expect(charts.locator('.panel-sub')).toHaveText('100000 points · metrics.jsonl', { timeout: 120_000 });
  const lossChart = page.getByTestId('loss-chart');
  await expect(lossChart.locator('.dense-path')).toHaveCount(1); // raw, faint
  await expect(lossChart.locator('.smooth-path')).toHaveCount(1); // smoothed
  await page.waitForTimeout(1000); // the staggered redraws finish

  // Interactions with the worker idle: no long task at all.
  const w = await openLongTaskWindow(page);
  const box = (await lossChart.locator('.chart-body').boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5);
  await expect(page.locator('.tooltip').first()).toContainText('total_loss');
  await page.mouse.move(box.x + box.width * 0.8, box.y + box.height * 0.5);
  await page.getByRole('checkbox', { name: 'Auxiliary losses' }).check();
  const ceChart = page.locator('#charts figure').filter({ has: page.locator('.chart-title', { hasText: /^loss_ce$/ }) });
  await expect(ceChart.locator('.dense-path')).toHaveCount(6); // raw + 5 decoder layers
  await page.getByRole('checkbox', { name: 'Log scale' }).check();
  await page.getByLabel('Smoothing').fill('0.9');
  await page.waitForTimeout(1500);
  const long = await longTasksSince(page, w);
  const tasks = await trace.stop();

  const busiest = [...tasks].sort((a, b) => b.cpuMs - a.cpuMs).slice(0, 5);
  console.log(`busiest main-thread tasks (CPU ms / wall ms): ${busiest.map((t) => `${t.kind} ${t.cpuMs.toFixed(0)}/${t.wallMs.toFixed(0)}`).join(', ')}`);
  console.log(`long tasks (wall) during interactions: ${JSON.stringify(long.map((t) => Math.round(t.duration)))}`);
  expect(tasks.length).toBeGreaterThan(0);
  expect(tasks.filter((t) => t.cpuMs > 50)).toEqual([]);

  await page.getByRole('checkbox', { name: 'Log scale' }).uncheck();
  await page.getByRole('checkbox', { name: 'Auxiliary losses' }).uncheck();
  await page.getByLabel('Smoothing').fill('0.6');
  await page.mouse.move(0, 0);
  await page.waitForTimeout(800);
  // Runs after app.spec's empty-state shots (files run in name order): the charts with data.
  await screenshotPanels(page, { panels: ['charts'], page: false });
});
