/**
 * Datasets on the page: import through `dataset-input` (files, a .zip) and the folder picker, the
 * summary and every warning equal to what `detr-studio inspect` prints for the same data, refusals
 * that leave IndexedDB without a trace, storage across a reload (files byte-identical), rename,
 * delete, choice of the training/validation sets, cancel, and the sample data. Every dataset is
 * generated here (e2e/helpers/dataset_cases.ts) into a temp folder.
 */
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import jpeg from 'jpeg-js';
import { makeJpeg } from '../src/testing/make_dataset';
import {
  brokenDataset,
  cleanDataset,
  filesUnder,
  inspect,
  pilImages,
  quirkyDataset,
  roboflowDataset,
  sha256,
  tempDir,
  writeText,
  zipFolder,
  type InspectReport,
} from './helpers/dataset_cases';
import { canvasRgbHashes, idbState, storedFileHashes } from './helpers/dataset_page';
import { NodeImageDecoder } from '../src/platform/node/image_decoder';

const ROOT = tempDir('detr-e2e-datasets-');
const PIL = pilImages();
if (!PIL) console.log('[datasets.spec] Debian PIL missing: the CMYK JPEG and WebP cases are left out of the quirky dataset');

test.afterAll(() => rmSync(ROOT, { recursive: true, force: true }));

test.beforeEach(async ({ page }) => {
  page.on('pageerror', (e) => console.log(`[pageerror] ${e.message}`));
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Datasets' })).toBeVisible();
});

interface PageReport {
  images: number;
  boxes: number;
  categories: number;
}

async function summaryOf(page: Page, testId = 'dataset-summary'): Promise<PageReport> {
  const text = (await page.getByTestId(testId).textContent()) ?? '';
  const m = /(\d+)\s*images?\s*(\d+)\s*box(?:es)?\s*(\d+)\s*categor(?:y|ies)/.exec(text.replace(/\s+/g, ' '));
  expect(m, `"${text}" reads "N images M boxes K categories"`).not.toBeNull();
  return { images: Number(m![1]), boxes: Number(m![2]), categories: Number(m![3]) };
}

async function warningsOf(page: Page, testId = 'dataset-error'): Promise<string[]> {
  const box = page.getByTestId(testId);
  if ((await box.count()) === 0) return [];
  const more = box.getByRole('button', { name: /Show all/ });
  if (await more.count()) await more.click();
  return box.locator('li').allTextContents();
}

/** Imports and waits until a new dataset is listed (accepted) or the refusal shows. */
async function importAccepted(page: Page, act: () => Promise<void>): Promise<void> {
  const before = await page.getByTestId('stored-dataset').count();
  await act();
  await expect(page.getByTestId('stored-dataset')).toHaveCount(before + 1);
  await expect(page.getByTestId('dataset-progress')).toHaveCount(0);
}

async function expectSameAsInspect(page: Page, want: InspectReport | { error: string }, ids = { summary: 'dataset-summary', error: 'dataset-error' }): Promise<void> {
  if ('error' in want) throw new Error(`inspect refused the dataset: ${want.error}`);
  expect(await summaryOf(page, ids.summary)).toEqual({ images: want.images, boxes: want.annotations, categories: want.categories });
  expect(await warningsOf(page, ids.error)).toEqual(want.warnings);
}

test('clean, quirky, broken and zipped datasets: the page says what `inspect` says, counts and warnings', async ({ page }) => {
  const clean = join(ROOT, 'clean');
  cleanDataset(clean);
  await importAccepted(page, () => page.getByTestId('dataset-input').setInputFiles(Object.keys(filesUnder(clean)).map((p) => join(clean, p))));
  await expectSameAsInspect(page, inspect(clean));
  await expect(page.getByTestId('dataset-category-counts').locator('li')).toHaveCount(2);

  // Nested folders with spaces and Unicode, odd formats: picked as a folder.
  const quirky = join(ROOT, 'quirky');
  quirkyDataset(quirky, PIL);
  await importAccepted(page, () => page.getByTestId('dataset-folder-input').setInputFiles(quirky));
  await expectSameAsInspect(page, inspect(quirky));

  const broken = join(ROOT, 'broken');
  brokenDataset(broken);
  await importAccepted(page, () => page.getByTestId('dataset-folder-input').setInputFiles(broken));
  const report = inspect(broken) as InspectReport;
  expect(report.warnings.length).toBeGreaterThan(15);
  await expectSameAsInspect(page, report);
  // num_classes = max category id + 1 = 8 (annotation id 8 uses category 7): the config panel offers it.
  await expect(page.locator('#config')).toContainText('num_classes 8');

  // The same data zipped (deflated), through dataset-input.
  const zip = join(ROOT, 'broken.zip');
  zipFolder(broken, zip);
  await importAccepted(page, () => page.getByTestId('dataset-input').setInputFiles(zip));
  await expectSameAsInspect(page, inspect(zip));

  // Every stored dataset is complete: each id in the files store has its info record.
  const idb = await idbState(page);
  expect(idb.datasetIds.length).toBe(4);
  expect(idb.fileIds.sort()).toEqual(idb.datasetIds.sort());
});

test('a Roboflow export (folder and zip): train and valid splits become the training and validation sets', async ({ page }) => {
  const rf = join(ROOT, 'roboflow');
  roboflowDataset(rf);
  for (const act of [() => page.getByTestId('dataset-folder-input').setInputFiles(rf), () => (zipFolder(rf, join(ROOT, 'roboflow.zip'), 0), page.getByTestId('dataset-input').setInputFiles(join(ROOT, 'roboflow.zip')))]) {
    await importAccepted(page, act);
    await expectSameAsInspect(page, inspect(rf));
    await expectSameAsInspect(page, inspect(rf, 'val'), { summary: 'dataset-val-summary', error: 'dataset-val-error' });
    const sel = (await idbState(page)).selection;
    expect(sel.train?.split).toBe('train');
    expect(sel.val).toEqual({ id: sel.train!.id, split: 'val' });
  }
});

test('refusals: one clear message each, and IndexedDB keeps no trace of them', async ({ page }) => {
  const dir = join(ROOT, 'refusals');
  const cases: { name: string; files: () => string[]; message: RegExp; cli: string | null }[] = [
    { name: 'invalid JSON', files: () => [writeJson(dir, 'bad/annotations.json', '{"images": [ {"id": 1,, }')], message: /annotations\.json: not valid JSON \(expected a "quoted" key, found "," at line 1, column 23\)/, cli: 'bad' },
    { name: 'not COCO', files: () => [writeJson(dir, 'results/detections.json', '[{"image_id": 1, "bbox": [1,2,3,4], "score": 0.9, "category_id": 1}]')], message: /not a COCO annotations file: .*got an array of 1 detections \(a COCO results file, not a dataset\)/, cli: 'results' },
    { name: 'empty', files: () => [writeJson(dir, 'empty/annotations.json', '')], message: /the file is empty/, cli: 'empty' },
    // Only the JSON is given: its images are not (the CLI, given the folder, would find them).
    { name: 'no images given', files: () => (cleanDataset(join(dir, 'alone')), [join(dir, 'alone', 'annotations.json')]), message: /no usable image: none of the 4 image files listed in annotations\.json was found/, cli: null },
    { name: 'no usable image', files: () => (brokenOnly(join(dir, 'unusable')), Object.keys(filesUnder(join(dir, 'unusable'))).map((p) => join(dir, 'unusable', p))), message: /no usable image: all 2 image files are missing, unreadable or unsupported/, cli: 'unusable' },
    { name: 'no JSON at all', files: () => [writeImage(dir, 'pictures/a.jpg')], message: /no annotations file \(\.json\) found/, cli: 'pictures' },
    { name: 'a zip with other files', files: () => (cleanDataset(join(dir, 'mixed')), zipFolder(join(dir, 'mixed'), join(dir, 'mixed.zip')), [join(dir, 'mixed.zip'), join(dir, 'mixed', 'annotations.json')]), message: /mixed\.zip: give one \.zip on its own/, cli: null },
    { name: 'a truncated zip', files: () => (cleanDataset(join(dir, 'cutzip')), zipFolder(join(dir, 'cutzip'), join(dir, 'cut.zip')), truncate(join(dir, 'cut.zip')), [join(dir, 'cut.zip')]), message: /cut\.zip: not a zip archive \(or it is truncated/, cli: 'cut.zip' },
  ];
  for (const c of cases) {
    const files = c.files();
    await page.getByTestId('dataset-input').setInputFiles(files);
    const error = page.getByTestId('dataset-error');
    await expect(error, c.name).toHaveAttribute('role', 'alert');
    await expect(error, c.name).toContainText(c.message);
    expect((await error.textContent())!.length, c.name).toBeLessThan(300);
    // The CLI refuses the same data for the same reason.
    if (c.cli) {
      const cli = inspect(join(dir, c.cli));
      expect(cli, c.name).toHaveProperty('error');
      expect((cli as { error: string }).error, c.name).toMatch(c.message);
    }
    const idb = await idbState(page);
    expect({ name: c.name, ...idb }).toEqual({ name: c.name, datasetIds: [], fileIds: [], fileKeys: 0, selection: {} });
  }
  await expect(page.getByTestId('stored-dataset')).toHaveCount(0);
});

function writeJson(dir: string, rel: string, text: string): string {
  writeText(join(dir, rel), text);
  return join(dir, rel);
}

function writeImage(dir: string, rel: string): string {
  mkdirSync(join(dir, rel, '..'), { recursive: true });
  writeFileSync(join(dir, rel), makeJpeg(8, 8));
  return join(dir, rel);
}

function truncate(path: string): void {
  const b = readFileSync(path);
  writeFileSync(path, b.subarray(0, b.length - 30));
}

function brokenOnly(root: string): void {
  mkdirSync(root, { recursive: true });
  writeFileSync(join(root, 'annotations.json'), JSON.stringify({ images: [{ id: 1, file_name: 'a.png' }, { id: 2, file_name: 'b.jpg' }], annotations: [], categories: [] }));
  writeFileSync(join(root, 'a.png'), 'not a png');
  writeFileSync(join(root, 'b.jpg'), makeJpeg(20, 20).subarray(0, 100));
}

test('stored datasets survive a reload byte for byte; rename, choose and delete', async ({ page }) => {
  const quirky = join(ROOT, 'reload');
  quirkyDataset(quirky, PIL);
  await importAccepted(page, () => page.getByTestId('dataset-folder-input').setInputFiles(quirky));
  const before = await summaryOf(page);
  const id = (await idbState(page)).selection.train!.id;

  await page.reload();
  await expect(page.getByTestId('stored-dataset')).toHaveCount(1);
  expect(await summaryOf(page)).toEqual(before);
  await expect(page.getByTestId('stored-dataset')).toContainText('reload');
  // Every file comes back as it was on disk (images and the annotations JSON), read from IndexedDB.
  const disk = Object.fromEntries(Object.entries(filesUnder(quirky)).map(([p, b]) => [p, sha256(b)]));
  expect(await storedFileHashes(page, id)).toEqual(disk);
  // The gallery shows the stored images with their boxes.
  await expect(page.getByTestId('gallery-image')).toHaveCount(Math.min(12, before.images));
  await expect(page.getByTestId('gallery-image').first().locator('rect')).toHaveCount(1);

  // "As the model sees it": the worker decodes each stored image as training does; the canvas pixels
  // equal the CLI's decoder's (NodeImageDecoder) for every format here (CMYK, WebP, 16-bit grey, EXIF...).
  await page.getByTestId('gallery-model-view').check();
  await expect(page.getByTestId('gallery-canvas')).toHaveCount(before.images);
  const pagePixels = await canvasRgbHashes(page);
  const decoder = new NodeImageDecoder();
  const images = (JSON.parse(readFileSync(join(quirky, 'données/annotations ü.json'), 'utf8')) as { images: { file_name: string }[] }).images;
  const nodePixels: Record<string, string> = {};
  for (const im of images) {
    const rgb = await decoder.decode(new Uint8Array(readFileSync(join(quirky, 'données', im.file_name))), im.file_name);
    nodePixels[im.file_name] = `${rgb.width}x${rgb.height}:${sha256(rgb.data)}`;
  }
  expect(pagePixels).toEqual(nodePixels);

  // Rename, and the name survives a reload.
  const row = page.getByTestId('stored-dataset').first();
  await row.getByRole('button', { name: 'Rename' }).click();
  await row.getByLabel('dataset name').fill('my photos ✓');
  await row.getByLabel('dataset name').press('Enter');
  await expect(row).toContainText('my photos ✓');
  await page.reload();
  await expect(page.getByTestId('stored-dataset').first()).toContainText('my photos ✓');

  // A second dataset; choose the first as validation set; delete the second.
  const clean = join(ROOT, 'reload-clean');
  cleanDataset(clean);
  await importAccepted(page, () => page.getByTestId('dataset-folder-input').setInputFiles(clean));
  await page.getByTestId('dataset-val-select').selectOption({ label: `my photos ✓ — all images (${before.images} images)` });
  await expect(page.getByTestId('dataset-val-summary')).toContainText(`${before.images}`);
  await page.reload();
  expect((await idbState(page)).selection.val).toEqual({ id, split: 'all' });
  expect(await summaryOf(page, 'dataset-val-summary')).toEqual(before);
  const second = page.getByTestId('stored-dataset').filter({ hasText: 'reload-clean' });
  await second.getByRole('button', { name: 'Delete' }).click();
  await second.getByRole('button', { name: 'Really delete?' }).click();
  await expect(page.getByTestId('stored-dataset')).toHaveCount(1);
  const idb = await idbState(page);
  expect(idb.datasetIds).toEqual([id]);
  expect(idb.fileIds).toEqual([id]);
  expect(idb.selection.train).toBeUndefined();
  await expect(page.getByTestId('dataset-summary')).toHaveCount(0);
});

test('a cancelled import leaves nothing, and the next import works', async ({ page }) => {
  // 300 images of ~120 KB: a few seconds to import, time enough to cancel.
  const big = join(ROOT, 'big');
  const one = join(ROOT, 'one.jpg');
  writeFileSync(one, noiseJpeg());
  const images = Array.from({ length: 300 }, (_, i) => ({ id: i + 1, file_name: `im_${i}.jpg`, width: 256, height: 256 }));
  mkdirSync(big, { recursive: true });
  for (const im of images) copyFileSync(one, join(big, im.file_name));
  writeFileSync(join(big, 'annotations.json'), JSON.stringify({ images, annotations: [], categories: [{ id: 1, name: 'x' }] }));
  await page.getByTestId('dataset-folder-input').setInputFiles(big);
  await expect(page.getByTestId('dataset-progress')).toContainText(/files · .* MB\/s/);
  await page.getByTestId('dataset-cancel').click();
  await expect(page.getByTestId('dataset-error')).toContainText('the import was cancelled; nothing was stored');
  expect(await idbState(page)).toEqual({ datasetIds: [], fileIds: [], fileKeys: 0, selection: {} });

  const clean = join(ROOT, 'after-cancel');
  cleanDataset(clean);
  await importAccepted(page, () => page.getByTestId('dataset-folder-input').setInputFiles(clean));
  await expectSameAsInspect(page, inspect(clean));

  // What a tab closed mid-import leaves (files without an info record) is deleted at the next start.
  const kept = (await idbState(page)).datasetIds;
  await page.evaluate(async () => {
    const req = <T,>(r: IDBRequest<T>) => new Promise<T>((res, rej) => ((r.onsuccess = () => res(r.result)), (r.onerror = () => rej(r.error))));
    const db = await req(indexedDB.open('detr-studio-dataset-files'));
    const tx = db.transaction('files', 'readwrite');
    tx.objectStore('files').put(new Blob(['half an image']), ['ds-unfinished', 'a.png']);
    tx.objectStore('files').put(new Blob(['another']), ['ds-unfinished', 'b.png']);
    await new Promise((done) => (tx.oncomplete = done));
    db.close();
  });
  expect((await idbState(page)).fileIds.sort()).toEqual([...kept, 'ds-unfinished'].sort());
  await page.reload();
  await expect(page.getByTestId('stored-dataset')).toHaveCount(1);
  await expect.poll(async () => (await idbState(page)).fileIds).toEqual(kept);
});

test('running out of storage quota mid-import leaves nothing stored, and says so', async ({ page }) => {
  // The estimate-based refusal (before any write) is unit-tested (dataset_writer.test.ts): Chromium's
  // quota override is enforced on writes but not reflected by navigator.storage.estimate().
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
  await expect(page.getByText('Works offline')).toBeVisible();
  const cdp = await page.context().newCDPSession(page);
  const origin = new URL(page.url()).origin;
  const usage = await page.evaluate(async () => (await navigator.storage.estimate()).usage ?? 0);
  const clean = join(ROOT, 'quota');
  cleanDataset(clean);
  await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: usage + 1000 });
  await page.getByTestId('dataset-folder-input').setInputFiles(clean);
  await expect(page.getByTestId('dataset-error')).toContainText('the browser refused to store more data (storage quota exceeded); nothing was stored');
  expect(await idbState(page)).toEqual({ datasetIds: [], fileIds: [], fileKeys: 0, selection: {} });
  await cdp.send('Storage.overrideQuotaForOrigin', { origin });
  await importAccepted(page, () => page.getByTestId('dataset-folder-input').setInputFiles(clean));
});

test('dropping a .zip anywhere on the page imports it as the training set', async ({ page }) => {
  const clean = join(ROOT, 'drop');
  cleanDataset(clean);
  zipFolder(clean, join(ROOT, 'drop.zip'));
  const bytes = [...readFileSync(join(ROOT, 'drop.zip'))];
  await importAccepted(page, () =>
    page.evaluate((b) => {
      const dt = new DataTransfer();
      dt.items.add(new File([new Uint8Array(b)], 'drop.zip', { type: 'application/zip' }));
      for (const type of ['dragenter', 'dragover', 'drop']) window.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, bytes),
  );
  await expectSameAsInspect(page, inspect(join(ROOT, 'drop.zip')));
});

/** Random pixels compress badly: about 120 KB at 256x256, quality 90. */
function noiseJpeg(): Uint8Array {
  let s = 12345;
  const data = Buffer.alloc(256 * 256 * 4);
  for (let i = 0; i < data.length; i++) data[i] = (s = (s * 1103515245 + 12345) >>> 0) >>> 24;
  return new Uint8Array(jpeg.encode({ data, width: 256, height: 256 }, 90).data);
}

test('"Try with sample data" imports the served sample as training and validation sets', async ({ page }) => {
  await page.getByTestId('dataset-sample').click();
  await expect(page.getByTestId('stored-dataset')).toHaveCount(2);
  await expect(page.getByTestId('dataset-progress')).toHaveCount(0);
  await expectSameAsInspect(page, inspect('public/sample/train'));
  await expectSameAsInspect(page, inspect('public/sample/val'), { summary: 'dataset-val-summary', error: 'dataset-val-error' });
  await expect(page.getByTestId('gallery-image')).toHaveCount(12);
  await page.getByRole('button', { name: /Show more/ }).click();
  await expect(page.getByTestId('gallery-image')).toHaveCount(24);
});
