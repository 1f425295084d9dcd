/**
 * The page's engine adapter on the real engine (wasm backend in Node, the shipped sample dataset
 * read from its folder, the Node image decoder, the run store on memory key-value stores): a run
 * trains, autosaves, resumes exactly from a stored checkpoint with its metrics history, exports
 * weights with the official names that import back, and predicts on validation images.
 */
import { resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadNodeDataset } from '../platform/node/dataset_source';
import { initNodeBackend } from '../platform/node/backend';
import { NodeImageDecoder } from '../platform/node/image_decoder';
import { MemoryKeyValueStore } from '../platform/browser/kv_store';
import { RunStore } from '../platform/browser/run_store';
import { buildModel } from '../model/build';
import { stateDict } from '../model/state_dict';
import { readStateDict } from '../weights/state_dict_file';
import { REPO_ROOT } from '../testing/paths';
import { tinyTrainConfig, WALL_CLOCK } from '../testing/engine_setup';
import type { TrainerSession } from './engine_port';
import { createBrowserEngine } from './engine_adapter';
import { encodeWeights } from '../engine/commands';
import type { CheckpointInfo, EvalStats, MetricsRecord } from './protocol';

const SAMPLE = resolve(REPO_ROOT, 'public/sample');
const cfg = tinyTrainConfig({ checkpoint_period: 2, augment: true, seed: 7 });

function makeEngine(runs = new RunStore(new MemoryKeyValueStore(), new MemoryKeyValueStore(), new MemoryKeyValueStore())) {
  const engine = createBrowserEngine({
    loadDataset: async (role, choice) => {
      const folder = (choice as string | undefined) ?? (role === 'train' ? 'train' : 'val');
      return { dataset: await loadNodeDataset(resolve(SAMPLE, folder)), choice: folder };
    },
    decoder: new NodeImageDecoder(),
    runs,
    clock: WALL_CLOCK,
  });
  return { engine, runs };
}

function options(over: { maxIter?: number; resumeFrom?: string } = {}) {
  const records: MetricsRecord[] = [];
  const checkpoints: CheckpointInfo[] = [];
  const evals: { iteration: number; stats: EvalStats }[] = [];
  return {
    records,
    checkpoints,
    evals,
    o: {
      config: cfg,
      ...over,
      metrics: { write: (r: MetricsRecord) => records.push(r) },
      onProgress: () => {},
      onCheckpoint: (c: CheckpointInfo) => checkpoints.push(c),
      onEvaluated: (iteration: number, stats: EvalStats) => evals.push({ iteration, stats }),
    },
  };
}

async function steps(s: TrainerSession, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await s.runStep();
}

beforeAll(async () => {
  await initNodeBackend('wasm');
});

describe('createBrowserEngine', () => {
  const { engine, runs } = makeEngine();
  let straight: MetricsRecord[] = [];
  let runId = '';
  let first: TrainerSession | undefined;
  afterAll(() => first?.dispose());

  it('trains step by step, saving a checkpoint every checkpoint_period with its metrics', async () => {
    const rec = options({ maxIter: 5 });
    first = await engine.createSession(rec.o);
    runId = first.runId;
    expect([first.iter, first.maxIter, first.itersPerEpoch]).toEqual([0, 5, 24]);
    await steps(first, 4);
    straight = rec.records;
    expect(straight.map((r) => r.iteration)).toEqual([0, 1, 2, 3]);
    for (const r of straight) for (const k of ['total_loss', 'loss_ce', 'loss_bbox', 'loss_giou', 'loss_ce_0', 'class_error', 'cardinality_error', 'lr', 'time']) expect(Number.isFinite(r[k as keyof MetricsRecord]), k).toBe(true);
    expect(rec.checkpoints.map((c) => [c.id, c.iteration])).toEqual([
      [`${runId}/checkpoint_0000002.safetensors`, 2],
      [`${runId}/checkpoint_0000004.safetensors`, 4],
    ]);
    const stored = await runs.get(runId);
    expect(stored?.iteration).toBe(4);
    expect(stored?.metricsUpTo).toBe(4);
    expect((await runs.readMetrics(runId)).map((r) => r.total_loss)).toEqual(straight.map((r) => r.total_loss));
    // Autosave on pause: nothing new at the same iteration, a checkpoint after one more step.
    expect(await first.checkpointNow()).toBeUndefined();
    await steps(first, 1);
    expect((await first.checkpointNow())?.iteration).toBe(5);
    straight = [...rec.records];
    expect((await engine.listRuns())[0]).toMatchObject({ id: runId, iteration: 5, maxIter: 5 });
  });

  it('resumes from a stored checkpoint exactly, with the history before it', async () => {
    const rec = options({ resumeFrom: `${runId}/checkpoint_0000002.safetensors` });
    const s = await engine.createSession(rec.o);
    try {
      expect(s.iter).toBe(2);
      expect(s.maxIter).toBe(5);
      expect(s.history.records.map((r) => r.iteration)).toEqual([0, 1]);
      await steps(s, 3);
      // Same backend, same data order and augmentation draws, same dropout seeds: the same losses.
      for (const [i, r] of rec.records.entries()) {
        const want = straight[i + 2];
        expect(r.iteration).toBe(want.iteration);
        for (const k of ['total_loss', 'loss_ce', 'loss_bbox', 'loss_giou', 'loss_giou_0']) expect(r[k as keyof MetricsRecord]).toBeCloseTo(want[k as keyof MetricsRecord] as number, 5);
      }
      // The branch after iteration 2 was replaced: its checkpoint 4 was deleted and saved anew.
      expect((await runs.get(runId))?.checkpoints.map((c) => c.iteration)).toEqual([2, 4]);
      const lines = new TextDecoder().decode(s.exportMetrics()).trim().split('\n').map((l) => JSON.parse(l));
      expect(lines.map((l) => l.iteration)).toEqual([0, 1, 2, 3, 4]);
    } finally {
      s.dispose();
    }
  });

  it('exports weights with the official names, which import back and report how they fit', async () => {
    const bytes = await first!.exportWeights();
    const sd = readStateDict(bytes, 'w.safetensors');
    const model = buildModel(cfg);
    const names = [...(await stateDict(model)).keys()];
    model.dispose();
    expect([...sd.tensors.keys()].sort()).toEqual([...names].sort());
    expect(names).toContain('transformer.decoder.layers.0.multihead_attn.in_proj_weight');

    const file = new File([bytes as Uint8Array<ArrayBuffer>], 'detr_iter5.safetensors');
    const same = await engine.importWeights(file, cfg);
    expect(same).toMatchObject({ fileName: 'detr_iter5.safetensors', tensors: names.length, kind: 'DETR weights (.safetensors)' });
    expect(same.fit).toMatchObject({ loaded: names.length, reinitialized: [], missing: [] });
    expect(same.fit?.error).toBeUndefined();
    const moreClasses = await engine.importWeights(file, { ...cfg, num_classes: 7 });
    expect(moreClasses.fit?.reinitialized).toEqual(['class_embed.weight', 'class_embed.bias']);
    const deeper = await engine.importWeights(file, { ...cfg, backbone: 'resnet34' });
    expect(deeper.fit?.error).toMatch(/^detr_iter5\.safetensors: weights (lack keys|do not fit)/);
    const notWeights = new File([new TextEncoder().encode('{"images": []}')], 'annotations.json');
    await expect(engine.importWeights(notWeights)).rejects.toThrow(/^annotations\.json: not a weights file/);
  });

  it('starts a new run from imported weights, and predicts on validation and dropped images', async () => {
    const rec = options({ maxIter: 1 });
    const before = tf.memory().numTensors;
    const s = await engine.createSession(rec.o);
    try {
      expect(s.notes[0]).toMatch(/^detr_iter5\.safetensors: loaded \d+ tensors/);
      expect(s.runId).not.toBe(runId);
      const val = await s.predictValidation(2, 0);
      expect(val.map((r) => r.fileName)).toEqual(['val_1001.png', 'val_1002.png']);
      for (const r of val) {
        expect(r.detections).toHaveLength(cfg.num_queries);
        expect(r.groundTruth!.length).toBeGreaterThan(0);
        expect(r.image!.type).toBe('image/png');
      }
      const dropped = new File([new Uint8Array(await val[0].image!.arrayBuffer())], 'mine.png');
      const [mine] = await s.predict([dropped], 0);
      expect(mine).toMatchObject({ fileName: 'mine.png', width: val[0].width, height: val[0].height });
      expect(mine.detections).toEqual(val[0].detections); // names from the training set's categories (the same here)
      expect(val[0].detections[0].name).toMatch(/^(square|circle|triangle)$/);
      expect((await s.predict([dropped], 2)).at(0)?.detections).toEqual([]);
    } finally {
      s.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('createBrowserEngine refusals', () => {
  it('names what is missing, and a run that cannot start leaves no stored run', async () => {
    const { engine: noData } = makeEngine();
    const none = createBrowserEngine({ loadDataset: async () => null, decoder: new NodeImageDecoder(), runs: new RunStore(new MemoryKeyValueStore(), new MemoryKeyValueStore(), new MemoryKeyValueStore()), clock: WALL_CLOCK });
    await expect(none.createSession(options().o)).rejects.toThrow('there is no training set: import a COCO dataset in the Datasets panel first');
    await expect(noData.createSession({ ...options().o, config: { ...cfg, num_classes: 3 } })).rejects.toThrow(/has category id 3, which does not fit num_classes 3 .*"num_classes": 4/);
    // Weights for another backbone: refused when the model is built, naming the file; no run is kept.
    const { engine } = makeEngine();
    const model = buildModel(tinyTrainConfig({ backbone: 'resnet34' }));
    const parts = await encodeWeights(model);
    model.dispose();
    await engine.importWeights(new File(parts as Uint8Array<ArrayBuffer>[], 'r34.safetensors'));
    await expect(engine.createSession(options().o)).rejects.toThrow(/^r34\.safetensors: weights have keys this model does not/);
    expect(await engine.listRuns()).toEqual([]);
    await expect(engine.createSession({ ...options().o, resumeFrom: 'run-nope' })).rejects.toThrow("run run-nope is not in this browser's storage (it may have been deleted)");
  });
});
