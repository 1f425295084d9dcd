import { expect, test } from '@playwright/test';

test('probe training speed', async ({ page }) => {
  page.on('console', (m) => console.log(`[console] ${m.text()}`));
  page.on('pageerror', (e) => console.log(`[pageerror] ${e.message}`));
  await page.goto('/');
  await expect(page.getByTestId('backend-name')).toHaveText(process.env.BACKEND ?? 'webgpu');
  const editor = page.getByTestId('config-editor');
  const cfg = JSON.parse(await editor.inputValue());
  await editor.fill(JSON.stringify({ ...cfg, num_classes: 4, checkpoint_period: 3 }, null, 2));
  const t0 = Date.now();
  await page.getByTestId('train-start').click();
  for (let i = 0; i < 20; i++) {
    await page.waitForTimeout(5000);
    const it = await page.getByTestId('train-iteration').textContent();
    const phase = await page.locator('#training .progress-line').textContent();
    const err = await page.locator('#training .callout.danger').allTextContents();
    console.log(`${((Date.now() - t0) / 1000).toFixed(0)} s: iteration ${it} | ${phase} ${err.join(' ')}`);
    if (Number(it) >= 6) break;
  }
  await page.screenshot({ path: '/tmp/probe.png', fullPage: true });
});
