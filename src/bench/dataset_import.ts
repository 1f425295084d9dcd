/**
 * `npm run bench -- dataset_import`: imports a generated COCO dataset of JPEGs (~150 KB each) into the
 * page in headless Chromium through `dataset-input`, as a user would, and prints the import speed (MB/s,
 * wall clock from choosing the files to the dataset being listed) and the peak JS heap of the page and of
 * the worker (CDP Runtime.getHeapUsage sampled every 50 ms; ArrayBuffer backing stores shown apart,
 * and what stays retained after a forced GC). MB/s is given from the input's change event (what a user
 * waits for once the file dialog closes) and from the setInputFiles call (which adds Playwright's own
 * cost of handing ~1,000 paths to the browser: 0.3-1 s here).
 * Run at 250 and 1,000 images: the heap must not grow with the dataset.
 * Targets here: >= 30 MB/s, peak heap < 300 MB.
 *
 * Needs the built page (`npx vite build`; built here when dist/ is missing) and Debian's Chromium.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type CDPSession, type Page } from '@playwright/test';
import jpeg from 'jpeg-js';
import config from '../../playwright.config';
import { tempDir } from '../testing/make_dataset';

const PORT = 4179;
const SIZES = [250, 1000];
const DISTINCT = 12;

/** Noise JPEGs of about 150 KB (random pixels barely compress), `count` distinct ones. */
function noiseJpegs(count: number): Uint8Array[] {
  let s = 2024;
  const w = 360;
  const h = 300;
  return Array.from({ length: count }, () => {
    const data = Buffer.alloc(w * h * 4);
    for (let i = 0; i < data.length; i++) data[i] = (s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 24;
    return new Uint8Array(jpeg.encode({ data, width: w, height: h }, 80).data);
  });
}

/** A copy made unique by a COM segment after SOI (still a valid JPEG of the same pixels). */
function unique(base: Uint8Array, i: number): Uint8Array {
  const text = Buffer.from(`detr-studio bench image ${i}`);
  const com = Buffer.concat([Buffer.from([0xff, 0xfe, (text.length + 2) >> 8, (text.length + 2) & 255]), text]);
  return Buffer.concat([base.subarray(0, 2), com, base.subarray(2)]);
}

function writeBenchDataset(dir: string, n: number, bases: Uint8Array[]): { files: string[]; bytes: number } {
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  let bytes = 0;
  const images = [];
  const annotations = [];
  for (let i = 0; i < n; i++) {
    const name = `img_${String(i).padStart(5, '0')}.jpg`;
    const b = unique(bases[i % bases.length], i);
    writeFileSync(join(dir, name), b);
    files.push(join(dir, name));
    bytes += b.length;
    images.push({ id: i + 1, file_name: name, width: 360, height: 300 });
    for (let k = 0; k < 3; k++) annotations.push({ id: i * 3 + k + 1, image_id: i + 1, category_id: 1 + (k % 2), bbox: [10 + k * 20, 12, 60, 40], area: 2400, iscrowd: 0 });
  }
  const json = Buffer.from(JSON.stringify({ images, annotations, categories: [{ id: 1, name: 'a' }, { id: 2, name: 'b' }] }));
  writeFileSync(join(dir, 'annotations.json'), json);
  files.push(join(dir, 'annotations.json'));
  return { files, bytes: bytes + json.length };
}

async function startServer(): Promise<ChildProcess> {
  if (!existsSync('dist/index.html')) execFileSync('npx', ['vite', 'build'], { stdio: 'inherit' });
  const server = spawn('npx', ['vite', 'preview', '--port', String(PORT), '--strictPort'], { stdio: 'ignore', detached: true });
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${PORT}/`)).ok) return server;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('vite preview did not start');
}

interface HeapSample {
  used: number;
  backing: number;
}

/** Runtime.getHeapUsage of the page and of its dedicated worker (through the browser's CDP session). */
type HeapPair = { page: HeapSample; worker: HeapSample };

async function heapProbe(browser: Browser, page: Page): Promise<{ sample: () => Promise<HeapPair>; retained: () => Promise<HeapPair> }> {
  const pageCdp: CDPSession = await page.context().newCDPSession(page);
  const bcdp = await browser.newBrowserCDPSession();
  const { targetInfos } = await bcdp.send('Target.getTargets');
  const w = targetInfos.find((t) => t.type === 'worker' && t.url.includes('training.worker'));
  if (!w) throw new Error('the training worker is not running');
  const { sessionId } = await bcdp.send('Target.attachToTarget', { targetId: w.targetId, flatten: false });
  const waiting = new Map<number, (v: { usedSize: number; backingStorageSize?: number }) => void>();
  bcdp.on('Target.receivedMessageFromTarget', (e) => {
    const m = JSON.parse(e.message) as { id?: number; result?: { usedSize: number; backingStorageSize?: number } };
    if (m.id !== undefined && m.result) waiting.get(m.id)?.(m.result);
  });
  let next = 1;
  const workerCall = (method: string) =>
    new Promise<{ usedSize: number; backingStorageSize?: number }>((resolve) => {
      const id = next++;
      waiting.set(id, resolve);
      void bcdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method }) });
    });
  const workerHeap = () => workerCall('Runtime.getHeapUsage');
  const sample = async () => {
    const [p, wk] = await Promise.all([pageCdp.send('Runtime.getHeapUsage') as Promise<{ usedSize: number; backingStorageSize?: number }>, workerHeap()]);
    return { page: { used: p.usedSize, backing: p.backingStorageSize ?? 0 }, worker: { used: wk.usedSize, backing: wk.backingStorageSize ?? 0 } };
  };
  /** After a full GC in both: what the import left retained. */
  const retained = async () => {
    await pageCdp.send('HeapProfiler.collectGarbage');
    await workerCall('HeapProfiler.collectGarbage');
    return sample();
  };
  return { sample, retained };
}

async function importOnce(browser: Browser, files: string[], bytes: number, n: number) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`http://127.0.0.1:${PORT}/`);
  await page.getByTestId('dataset-input').waitFor({ state: 'attached' });
  await page.waitForFunction(() => document.querySelector('[data-testid="backend-name"]')?.textContent !== '');
  const heap = await heapProbe(browser, page);
  const peak = { page: 0, worker: 0, pageBacking: 0, workerBacking: 0, sum: 0 };
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const h = await heap.sample();
      peak.page = Math.max(peak.page, h.page.used);
      peak.worker = Math.max(peak.worker, h.worker.used);
      peak.pageBacking = Math.max(peak.pageBacking, h.page.backing);
      peak.workerBacking = Math.max(peak.workerBacking, h.worker.backing);
      peak.sum = Math.max(peak.sum, h.page.used + h.worker.used + h.page.backing + h.worker.backing);
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  // Page clock: from the input's change event (the file dialog closing) to the dataset being listed.
  await page.evaluate(() => {
    const w = window as unknown as { benchChange?: number };
    document.querySelector('[data-testid="dataset-input"]')!.addEventListener('change', () => (w.benchChange = performance.now()), { capture: true, once: true });
  });
  const t0 = performance.now();
  await page.getByTestId('dataset-input').setInputFiles(files);
  const listed = await page.waitForFunction(() => document.querySelector('[data-testid="stored-dataset"]') && performance.now(), undefined, { timeout: 600_000, polling: 'raf' });
  const seconds = (performance.now() - t0) / 1000;
  const fromChange = ((await listed.jsonValue()) as number) - (await page.evaluate(() => (window as unknown as { benchChange: number }).benchChange));
  const pageSeconds = fromChange / 1000;
  sampling = false;
  await sampler;
  const after = await heap.retained();
  const summary = await page.getByTestId('dataset-summary').textContent();
  if (!summary?.replace(/\s+/g, ' ').includes(`${n} images`)) throw new Error(`unexpected summary "${summary}"`);
  await context.close();
  return { seconds, mbPerSec: bytes / 1e6 / seconds, pageSeconds, pageMbPerSec: bytes / 1e6 / pageSeconds, peak, after };
}

const mb = (b: number) => (b / 2 ** 20).toFixed(1);

export async function benchDatasetImport(): Promise<void> {
  const root = tempDir('detr-bench-import-');
  const server = await startServer();
  const launch = config.use?.launchOptions ?? {};
  const browser = await chromium.launch({ ...launch, headless: true });
  try {
    const bases = noiseJpegs(DISTINCT);
    const avg = bases.reduce((a, b) => a + b.length, 0) / bases.length;
    console.log(`   images: ${DISTINCT} distinct noise JPEGs of 360x300 (${(avg / 1e3).toFixed(0)} KB on average), each copy made unique`);
    for (const n of SIZES) {
      const { files, bytes } = writeBenchDataset(join(root, String(n)), n, bases);
      const r = await importOnce(browser, files, bytes, n);
      console.log(
        `   ${String(n).padStart(5)} images, ${(bytes / 1e6).toFixed(1)} MB: ${r.pageSeconds.toFixed(2)} s = ${r.pageMbPerSec.toFixed(1)} MB/s from the input's change event (target >= 30); ` +
          `${r.seconds.toFixed(2)} s = ${r.mbPerSec.toFixed(1)} MB/s counting Playwright's setInputFiles; ` +
          `peak JS heap: page ${mb(r.peak.page)} MiB, worker ${mb(r.peak.worker)} MiB; ArrayBuffers: page ${mb(r.peak.pageBacking)}, worker ${mb(r.peak.workerBacking)} MiB; ` +
          `all together ${mb(r.peak.sum)} MiB (target < 300); retained after GC: page ${mb(r.after.page.used + r.after.page.backing)}, worker ${mb(r.after.worker.used + r.after.worker.backing)} MiB`,
      );
    }
  } finally {
    await browser.close();
    if (server.pid) process.kill(-server.pid);
    rmSync(root, { recursive: true, force: true });
  }
}
