/**
 * It learns in the page (opt-in: DETR_LEARN=1; ~45 min on SwiftShader, ~10 on wasm): the Tiny config
 * trains 200 iterations on the shipped synthetic shapes (public/sample/train, imported through
 * `dataset-input`) in the page's worker, and the loss ends below half of its first value. The
 * backend is DETR_LEARN_BACKEND (webgpu by default; wasm is the page's own WebAssembly backend).
 * The validation split (public/sample/val) is evaluated at each epoch's end. The curve is printed and
 * written to the test's output folder as metrics.jsonl; the page after the run, with predictions on
 * validation images, is left in docs/screenshots/learned-*.png (the README's first picture).
 *
 *   DETR_LEARN=1 npx playwright test e2e/learn.spec.ts
 *   DETR_LEARN=1 DETR_LEARN_BACKEND=wasm npx playwright test e2e/learn.spec.ts
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, test } from '@playwright/test';
import { screenshotPanels } from './helpers/screenshots';

const ITERATIONS = Number(process.env.DETR_LEARN_ITERATIONS ?? 200);
const BACKEND = process.env.DETR_LEARN_BACKEND ?? 'webgpu';
const SAMPLE = resolve(process.cwd(), 'public/sample/train');
const SAMPLE_VAL = resolve(process.cwd(), 'public/sample/val');

test.skip(!process.env.DETR_LEARN, 'opt-in: DETR_LEARN=1 runs 200 Tiny iterations in the page (tens of minutes on SwiftShader)');

test(`learns: Tiny, ${ITERATIONS} iterations on the sample shapes, ${BACKEND} in the page's worker`, async ({ page }, testInfo) => {
  test.setTimeout(150 * 60_000);
  await page.goto('/');
  if (BACKEND !== 'webgpu') await page.getByLabel('tfjs backend').selectOption(BACKEND);
  await expect(page.getByTestId('backend-name')).toHaveText(BACKEND, { timeout: 120_000 });
  await page.getByTestId('dataset-input').setInputFiles(readdirSync(SAMPLE).map((f) => join(SAMPLE, f)));
  await expect(page.getByTestId('dataset-summary')).toContainText('48 images', { timeout: 120_000 });
  await page.getByTestId('dataset-val-input').setInputFiles(readdirSync(SAMPLE_VAL).map((f) => join(SAMPLE_VAL, f)));
  await expect(page.getByTestId('dataset-val-summary')).toContainText('12 images', { timeout: 120_000 });
  await page.getByRole('button', { name: 'Tiny', exact: true }).click();
  const editor = page.getByTestId('config-editor');
  await editor.fill(JSON.stringify({ ...JSON.parse(await editor.inputValue()), num_classes: 4, checkpoint_period: 100 }, null, 2));

  const t0 = Date.now();
  await page.getByTestId('train-start').click();
  let last = -1;
  for (;;) {
    await page.waitForTimeout(10_000);
    const it = Number(await page.getByTestId('train-iteration').textContent());
    if (Math.floor(it / 20) !== Math.floor(last / 20)) console.log(`${((Date.now() - t0) / 1000).toFixed(0)} s: iteration ${it}`);
    last = it;
    if (it >= ITERATIONS) break;
  }
  const seconds = (Date.now() - t0) / 1000;
  await page.getByTestId('train-stop').click();
  await expect(page.locator('#training .panel-sub')).toHaveText(/Stopped|Finished/, { timeout: 300_000 });

  const download = page.waitForEvent('download');
  await page.getByTestId('export-metrics').click();
  const file = testInfo.outputPath('metrics.jsonl');
  await (await download).saveAs(file);
  const rows = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { iteration: number; total_loss: number });
  const losses = rows.filter((r) => r.iteration < ITERATIONS).map((r) => r.total_loss);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const first = losses[0];
  const end = mean(losses.slice(-10));
  console.log(`${BACKEND}: ${losses.length} iterations in ${seconds.toFixed(0)} s (${(seconds / losses.length).toFixed(2)} s/it incl. start)`);
  console.log(`total_loss every 20 iterations: ${losses.filter((_, i) => i % 20 === 0).map((v) => v.toFixed(2)).join(' ')}`);
  console.log(`first ${first.toFixed(3)}, mean of the last 10 ${end.toFixed(3)} (${((100 * end) / first).toFixed(0)}% of the first)`);
  await page.getByTestId('predict-validation').click();
  await expect(page.getByTestId('prediction')).toHaveCount(6, { timeout: 300_000 });
  await page.getByTestId('score-threshold').fill('0.5');
  await screenshotPanels(page, { prefix: 'learned-', panels: ['charts', 'predictions'] });
  expect(losses.length).toBe(ITERATIONS);
  expect(end).toBeLessThan(first / 2);
});
