/**
 * Weights-load benchmark: the official DETR-R50 state dict (random values, official names/shapes/order,
 * made by detr_r50_torch.py) saved by torch as {'model': sd}, zip and legacy. Times torch.load (3 runs
 * in a Python child) against our Node load (file read + parse to a TensorMap, 3 runs) in the same run,
 * the ratio of first loads as the headline, and reports our peak extra memory over the file size
 * (target: at most two copies of the file).
 *
 *   node bin/run-ts.js src/bench/weights_load.ts
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { writeStateDict } from '../weights/state_dict_file';
import { readWeightsFile, writeParts } from '../platform/node/weights_file';

const PY = '/usr/bin/python3';
const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'detr_r50_torch.py');
const MB = 1e6;

/** What the CLI does: read the file (aligned for zero-copy views) and parse it to a TensorMap. */
function ourLoad(path: string) {
  return readWeightsFile(path);
}

/** [best, first] of 3 runs, in seconds. */
function timesOf3(f: () => unknown): [number, number] {
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    f();
    times.push((performance.now() - t0) / 1000);
  }
  return [Math.min(...times), times[0]];
}

/** Peak RSS and held array-buffer bytes added by one load (measured before anything else big happens). */
function memoryOfOneLoad(path: string): { peakExtra: number; held: number } {
  globalThis.gc?.();
  const before = process.memoryUsage();
  const maxBefore = process.resourceUsage().maxRSS * 1024;
  const sd = ourLoad(path);
  const after = process.memoryUsage();
  const peak = Math.max(process.resourceUsage().maxRSS * 1024, after.rss);
  const held = after.arrayBuffers - before.arrayBuffers;
  if (sd.tensors.size === 0) throw new Error('no tensors');
  return { peakExtra: peak - Math.max(before.rss, Math.min(maxBefore, before.rss)), held };
}

export async function benchWeightsLoad(): Promise<void> {
  try {
    execFileSync(PY, ['-c', 'import torch, torchvision'], { stdio: 'ignore' });
  } catch {
    console.log('weights load: skipped (needs /usr/bin/python3 with torch and torchvision)');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'bench-weights-'));
  try {
    const made = JSON.parse(execFileSync(PY, [SCRIPT, 'make', dir], { encoding: 'utf8' })) as { tensors: number; params: number };
    const zip = join(dir, 'detr_r50.pth');
    const legacy = join(dir, 'detr_r50_legacy.pth');
    const mem = memoryOfOneLoad(zip);
    const fileBytes = statSync(zip).size;

    // One Python process per file, so that each file's first torch.load is a first load.
    const torchTimes: Record<string, [number, number]> = {};
    for (const f of [zip, legacy]) Object.assign(torchTimes, JSON.parse(execFileSync(PY, [SCRIPT, 'time', f], { encoding: 'utf8' })));
    const st = join(dir, 'detr_r50.safetensors');
    writeParts(st, writeStateDict(ourLoad(zip).tensors, 'safetensors'));
    const what = `DETR-R50 state dict, ${made.tensors} tensors, ${(made.params / 1e6).toFixed(1)}M params`;
    for (const [label, path] of [['.pth', zip], ['legacy .pth', legacy]] as const) {
      const [ours, oursFirst] = timesOf3(() => ourLoad(path));
      const [ref, refFirst] = torchTimes[path];
      const size = (statSync(path).size / MB).toFixed(0);
      // The headline is the first load of each side: a process loads a checkpoint once. Later
      // torch.load calls in one process reuse the heap pages the previous one freed, which a fresh
      // ArrayBuffer cannot; the best-of-3 figures are printed beside.
      console.log(
        `weights load (${what}, ${size} MB ${label}): first load ours ${oursFirst.toFixed(3)} s, torch.load ${refFirst.toFixed(3)} s, ratio ${(oursFirst / refFirst).toFixed(2)} (target <= 2)` +
          ` [best of 3: ours ${ours.toFixed(3)} s, torch ${ref.toFixed(3)} s, ratio ${(ours / ref).toFixed(2)}]`,
      );
    }
    console.log(`weights load (${what}, ${(statSync(st).size / MB).toFixed(0)} MB .safetensors): ours ${timesOf3(() => ourLoad(st))[0].toFixed(3)} s (no torch reference)`);
    console.log(
      `weights load memory (.pth, ${(fileBytes / MB).toFixed(0)} MB): peak extra RSS ${(mem.peakExtra / MB).toFixed(0)} MB = ${(mem.peakExtra / fileBytes).toFixed(2)}x the file, ` +
        `array buffers held ${(mem.held / MB).toFixed(0)} MB = ${(mem.held / fileBytes).toFixed(2)}x (target <= 2x)`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await benchWeightsLoad();
