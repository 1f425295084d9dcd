/**
 * The page shell: it loads, the worker starts a WebGPU backend, nothing is fetched from another
 * host, the config editor validates as you type, presets rewrite the JSON, and the app works
 * offline after the first load.
 */
import { expect, test } from '@playwright/test';
import { installLongTaskObserver, longTasksSince, openLongTaskWindow } from './helpers/longtasks';
import { recordRequests } from './helpers/network';
import { screenshotPanels } from './helpers/screenshots';

test.beforeEach(async ({ page }) => {
  page.on('pageerror', (e) => console.log(`[pageerror] ${e.message}`));
});

test('loads, and the worker runs on WebGPU, talking to 127.0.0.1 only', async ({ page, context }) => {
  const requests = recordRequests(context);
  await installLongTaskObserver(page);
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Training' })).toBeVisible();
  // The name comes from the worker's `ready` event (tf.getBackend() inside the worker).
  await expect(page.getByTestId('backend-name')).toHaveText('webgpu');
  for (const id of ['dataset-input', 'weights-input', 'config-editor', 'train-start', 'train-pause', 'train-stop', 'train-iteration', 'loss-chart', 'export-weights', 'export-checkpoint']) {
    await expect(page.getByTestId(id), id).toHaveCount(1);
  }
  await expect(page.getByTestId('dataset-input')).toHaveAttribute('type', 'file');
  await expect(page.getByTestId('dataset-input')).toHaveAttribute('multiple', '');
  await expect(page.getByTestId('train-iteration')).toHaveText('0');
  // Idle page: the main thread stays free.
  const w = await openLongTaskWindow(page);
  await page.waitForTimeout(1000);
  expect(await longTasksSince(page, w)).toEqual([]);
  expect(requests.urls.length).toBeGreaterThan(3);
  expect(requests.foreign()).toEqual([]);
});

test('the config editor names a bad key as you type, and presets rewrite the JSON', async ({ page }) => {
  await page.goto('/');
  const editor = page.getByTestId('config-editor');
  const status = page.locator('#config-status');
  await expect(status).toContainText('Valid config');

  const tiny = JSON.parse(await editor.inputValue());
  expect(tiny).toMatchObject({ backbone: 'resnet18', hidden_dim: 64, nheads: 4, enc_layers: 2, dec_layers: 2, num_queries: 10, min_size: 64 });

  // An unknown key, named with its line.
  await editor.fill((await editor.inputValue()).replace('"nheads"', '"n_heads"'));
  await expect(status).toContainText('unknown config key "n_heads"');
  await expect(status).toContainText(/Line \d+/);
  await expect(page.getByTestId('train-start')).toBeDisabled();

  // A wrong type, named.
  await editor.fill('{\n  "backbone": "resnet50",\n  "lr": "fast"\n}');
  await expect(status).toContainText('config key "lr": expected a finite number, got the string "fast"');
  await expect(status).toContainText('Line 3');

  // Broken JSON.
  await editor.fill('{ "lr": 1e-4, ');
  await expect(status).toContainText('not valid JSON');

  // Presets replace the text with the official values.
  await page.getByRole('button', { name: 'DETR-R50-DC5' }).click();
  await expect(status).toContainText('Valid config');
  const dc5 = JSON.parse(await editor.inputValue());
  expect(dc5).toMatchObject({ backbone: 'resnet50', dilation: true, hidden_dim: 256, nheads: 8, enc_layers: 6, dec_layers: 6, dim_feedforward: 2048, num_queries: 100, lr: 1e-4, lr_backbone: 1e-5 });
  await page.getByRole('button', { name: 'DETR-R101' }).click();
  expect(JSON.parse(await editor.inputValue())).toMatchObject({ backbone: 'resnet101', dilation: false });
  await expect(page.getByRole('button', { name: 'DETR-R101' })).toHaveAttribute('aria-pressed', 'true');

  // Typing a value that no preset has makes the config custom.
  await editor.fill((await editor.inputValue()).replace('"num_queries": 100', '"num_queries": 50'));
  await expect(page.locator('#config-title + .panel-sub')).toHaveText('Custom');

  // The edited text survives a reload (PERSIST: configText).
  await page.reload();
  expect(JSON.parse(await page.getByTestId('config-editor').inputValue()).num_queries).toBe(50);
});

test('works offline after the first load', async ({ page, context }) => {
  await page.goto('/');
  await expect(page.getByTestId('backend-name')).toHaveText('webgpu');
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
  await expect(page.getByText('Works offline')).toBeVisible();
  await context.setOffline(true);
  try {
    await page.reload();
    await expect(page.getByRole('heading', { name: 'Training' })).toBeVisible();
    // The worker, its dynamic chunks and wasm come from the cache too.
    await expect(page.getByTestId('backend-name')).toHaveText('webgpu');
  } finally {
    await context.setOffline(false);
  }
});

test('screenshots of every panel at 1280x800 and 390x844', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByTestId('backend-name')).toHaveText('webgpu');
  const written = await screenshotPanels(page);
  expect(written.length).toBe(14);
});

test('falls back to WebAssembly when asked, with the wasm binaries served from 127.0.0.1', async ({ page, context }) => {
  const requests = recordRequests(context);
  await page.goto('/');
  await expect(page.getByTestId('backend-name')).toHaveText('webgpu');
  await page.getByLabel('tfjs backend').selectOption('wasm');
  await expect(page.getByTestId('backend-name')).toHaveText('wasm');
  await expect(page.locator('#training')).toContainText('WebGPU is not in use: the wasm backend was chosen; training runs on wasm.');
  expect(requests.urls.some((u) => /tfjs-backend-wasm.*\.wasm$/.test(u))).toBe(true);
  expect(requests.foreign()).toEqual([]);
  await page.getByLabel('tfjs backend').selectOption('auto');
  await expect(page.getByTestId('backend-name')).toHaveText('webgpu');
});
