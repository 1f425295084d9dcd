/**
 * Times one DETR training step per backend available here (wasm, cpu, webgpu through Dawn, on
 * SwiftShader without a GPU) on a tiny config (resnet18, hidden 64, 2+2 layers, 10 queries) and 4
 * small images of the sample dataset (public/sample/train, real data pipeline, eval transform):
 *
 *   - wall time per step, and readbacks per step (target 2: matcher costs + packed scalars), unprofiled;
 *   - the step split into data, forward, matcher, backward (+clip), readback, optimiser, measured in a
 *     second pass that waits for the device at the end of each phase (so the phases add up to a
 *     slightly slower step): each phase = host time (JS, dispatch, CPU work) + wait for the device;
 *   - the share that is not device work: data loading, the Hungarian solve on the CPU and, on an
 *     asynchronous backend (webgpu), the host time of every phase (on wasm and cpu, kernels run
 *     on the CPU during dispatch, so only data and the solve count);
 *   - the ratio of each backend's step time to wasm's, measured in the same run.
 *
 * Run alone: node bin/run-ts.js src/bench/train_step.ts [--backends wasm,cpu,webgpu] [--steps N]
 */
import { existsSync } from 'node:fs';
import { resolve, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import * as tf from '@tensorflow/tfjs-core';
import { parseConfig } from '../config/config';
import { buildTrainLoader } from '../data/loader';
import { HungarianMatcher } from '../model/matcher';
import { initNodeBackend, type NodeBackendName } from '../platform/node/backend';
import { loadNodeDataset } from '../platform/node/dataset_source';
import { NodeImageDecoder } from '../platform/node/image_decoder';
import { asBatchLoader } from '../engine/batch_loader';
import { createTrainingSession } from '../engine/commands';
import { CallbackHook } from '../engine/hooks/callback_hook';
import type { StepPhase, StepProfiler } from '../engine/simple_trainer';

const SAMPLE = resolve(dirname(fileURLToPath(import.meta.url)), '../../public/sample/train');
const SWIFTSHADER = '/usr/lib/chromium/vk_swiftshader_icd.json';
const PHASES: StepPhase[] = ['data', 'forward', 'matcher', 'backward', 'readback', 'optimizer'];
const DEFAULT_STEPS: Record<NodeBackendName, number> = { wasm: 4, cpu: 1, webgpu: 2 };
/** Untimed steps first: kernel compilation (webgpu shaders), first allocations, JIT. */
const WARMUP: Record<NodeBackendName, number> = { wasm: 2, cpu: 1, webgpu: 2 };
const CONFIG = parseConfig({
  backbone: 'resnet18', hidden_dim: 64, nheads: 4, enc_layers: 2, dec_layers: 2, dim_feedforward: 128, num_queries: 10,
  num_classes: 4, dropout: 0.1, batch_size: 4, min_size: 64, max_size: 112, augment: false,
});

const now = () => performance.now();

/** Host time up to each mark, then the wait for the phase's last tensor. */
class PhaseProfiler implements StepProfiler {
  host = new Map<StepPhase, number>();
  wait = new Map<StepPhase, number>();
  private last = 0;
  start(): void {
    this.last = now();
  }
  async mark(phase: StepPhase, done?: tf.Tensor): Promise<void> {
    const t = now();
    this.host.set(phase, (this.host.get(phase) ?? 0) + t - this.last);
    if (done) await done.data(); // sync point for measurement only
    this.last = now();
    this.wait.set(phase, (this.wait.get(phase) ?? 0) + this.last - t);
  }
}

interface Result {
  backend: string;
  stepMs: number;
  readbacks: number[];
  phaseMs: Map<StepPhase, number>;
  hostMs: Map<StepPhase, number>;
  solveMs: number;
  dataMs: number;
}

async function benchBackend(name: NodeBackendName, steps: number): Promise<Result> {
  if (name === 'webgpu' && !process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER)) process.env.VK_ICD_FILENAMES = SWIFTSHADER;
  const info = await initNodeBackend(name);
  const ds = await loadNodeDataset(SAMPLE);
  const loader = asBatchLoader(buildTrainLoader(CONFIG, ds, new NodeImageDecoder()));
  const profiler = new PhaseProfiler();
  let reads = 0;
  const proto = tf.Tensor.prototype as unknown as { data: () => Promise<unknown> };
  const data = proto.data;
  proto.data = function (this: tf.Tensor) {
    reads++;
    return data.call(this);
  };
  const solve = HungarianMatcher.solve;
  let solveMs = 0;
  HungarianMatcher.solve = (...a: Parameters<typeof solve>) => {
    const t = now();
    try {
      return solve(...a);
    } finally {
      solveMs += now() - t;
    }
  };
  const readbacks: number[] = [];
  const stepTimes: number[] = [];
  let t0 = 0;
  const s = createTrainingSession({
    config: CONFIG, loader, clock: { now: () => now() / 1000 }, writers: [], maxIter: WARMUP[name] + 2 * steps,
    extraHooks: [new CallbackHook('bench', {
      beforeStep: () => {
        reads = 0;
        t0 = now();
        profiler.start();
      },
      afterStep: () => {
        stepTimes.push(now() - t0);
        readbacks.push(reads);
      },
    })],
  });
  try {
    await s.trainer.start();
    for (let i = 0; i < WARMUP[name]; i++) await s.trainer.step();
    for (let i = 0; i < steps; i++) await s.trainer.step();
    const unprofiled = stepTimes.slice(WARMUP[name]);
    const counted = readbacks.slice(WARMUP[name]);
    s.trainer.profiler = profiler;
    solveMs = 0;
    const dataBefore = s.trainer.storage.history('data_time').values().length;
    for (let i = 0; i < steps; i++) await s.trainer.step();
    await s.trainer.finish();
    const dataMs = (s.trainer.storage.history('data_time').values().slice(dataBefore).reduce((a, [v]) => a + v, 0) * 1000) / steps;
    const phaseMs = new Map(PHASES.map((p) => [p, ((profiler.host.get(p) ?? 0) + (profiler.wait.get(p) ?? 0)) / steps]));
    const hostMs = new Map(PHASES.map((p) => [p, (profiler.host.get(p) ?? 0) / steps]));
    return { backend: info.adapter ? `${info.name} (${info.adapter})` : info.name, stepMs: unprofiled.reduce((a, b) => a + b, 0) / steps, readbacks: counted, phaseMs, hostMs, solveMs: solveMs / steps, dataMs };
  } finally {
    proto.data = data;
    HungarianMatcher.solve = solve;
    s.dispose();
    await ds.source.close?.();
  }
}

function report(r: Result, wasmMs: number | undefined): void {
  const f = (ms: number) => (ms < 10 ? ms.toFixed(1) : ms.toFixed(0));
  const asyncBackend = r.backend.startsWith('webgpu');
  const dispatch = asyncBackend ? [...r.hostMs].filter(([p]) => p !== 'data').reduce((a, [, v]) => a + v, 0) - r.solveMs : 0;
  const hostOnly = r.dataMs + r.solveMs + dispatch;
  const profiledMs = [...r.phaseMs.values()].reduce((a, b) => a + b, 0);
  const rb = [...new Set(r.readbacks)];
  console.log(`train step on ${r.backend}: ${f(r.stepMs)} ms/step, readbacks/step ${rb.join('/')} (target 2)${wasmMs ? `, ${(r.stepMs / wasmMs).toFixed(2)}x wasm` : ''}`);
  console.log(`  phases (profiled step ${f(profiledMs)} ms): ${PHASES.map((p) => `${p} ${f(r.phaseMs.get(p)!)}`).join(' | ')}  (Hungarian solve ${f(r.solveMs)})`);
  console.log(`  not device work: ${((100 * hostOnly) / profiledMs).toFixed(1)}% (data ${f(r.dataMs)} + Hungarian ${f(r.solveMs)}${asyncBackend ? ` + host dispatch ${f(dispatch)}` : ''} ms)`);
}

export async function benchTrainStep(argv: string[] = []): Promise<void> {
  const arg = (k: string) => {
    const i = argv.indexOf(`--${k}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const backends = (arg('backends') ?? 'wasm,cpu,webgpu').split(',') as NodeBackendName[];
  let wasmMs: number | undefined;
  for (const b of backends) {
    try {
      const r = await benchBackend(b, Number(arg('steps') ?? DEFAULT_STEPS[b] ?? 2));
      if (b === 'wasm') wasmMs = r.stepMs;
      report(r, b === 'wasm' ? undefined : wasmMs);
    } catch (e) {
      console.log(`train step on ${b}: skipped (${(e as Error).message})`);
    }
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await benchTrainStep(process.argv.slice(2));
  process.exit(0);
}
