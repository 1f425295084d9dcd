import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initNodeBackend } from '../platform/node/backend';
import { FolderCheckpointStore } from '../platform/node/checkpoint_store';
import { SyntheticLoader, syntheticSamples } from '../testing/synthetic_data';
import { tinyTrainConfig, tickingClock } from '../testing/engine_setup';
import { expectClose } from '../testing/expect_close';
import { hasTinyFixture } from '../testing/paths';
import { loadTinyFixture } from '../testing/tiny_fixture';
import { stateDict, torchShape } from '../model/state_dict';
import { JSONWriter } from './writers';
import { train, type TrainOptions } from './commands';
import { decodeCheckpoint } from './checkpoint_format';
import type { DetrConfig } from '../config/config';

// Dropout, shuffling, flips, a warm-up and an lr drop inside 6 iterations: all of it must resume.
const cfg = tinyTrainConfig({ dropout: 0.1, augment: true, lr: 2e-4, lr_backbone: 2e-5, warmup_iters: 2, lr_drop: 2, checkpoint_period: 100 });

function options(c: DetrConfig, maxIter: number, lines: string[], extra: Partial<TrainOptions> = {}): TrainOptions {
  return {
    config: c, maxIter, clock: tickingClock(), writers: [new JSONWriter((l) => lines.push(l))],
    loader: new SyntheticLoader(syntheticSamples(4, 64, 64), c.batch_size, c.augment, c.seed), // 2 iterations per epoch
    ...extra,
  };
}

describe('Checkpointer: exact resume', () => {
  it('6 iterations straight = 3, save, rebuild with wrong hyperparameters, resume, 3 more', async () => {
    await initNodeBackend('wasm');
    const straightLines: string[] = [];
    const a = await train(options(cfg, 6, straightLines));
    const straight = await stateDict(a.session.model);
    a.session.dispose();

    const dir = mkdtempSync(join(tmpdir(), 'resume-'));
    const lines: string[] = [];
    const b1 = await train(options(cfg, 3, lines, { store: new FolderCheckpointStore(dir) }));
    b1.session.dispose();
    const store = new FolderCheckpointStore(dir);
    const name = (await store.getLatest())!;
    expect(name).toBe('checkpoint_0000003.safetensors');

    // Wrong hyperparameters and another data seed: the checkpoint's values must win.
    const wrong = { ...cfg, lr: 5e-3, lr_backbone: 1e-3, weight_decay: 0.3, lr_drop: 50, warmup_iters: 2 };
    const log: string[] = [];
    const b2 = await train(options(wrong, 6, lines, { store, resume: { bytes: await store.load(name), name }, log: (l) => log.push(l) }));
    expect(log.join('\n')).toMatch(/resumed checkpoint_0000003.safetensors at iteration 3 \(epoch 1\)/);
    expect(log.join('\n')).toMatch(/differs in lr \(0.0002 -> 0.005\)/);
    expect(b2.session.optimizer.groups.map((g) => g.weightDecay)).toEqual([cfg.weight_decay, cfg.weight_decay]);
    const resumed = await stateDict(b2.session.model);
    for (const p of b2.session.optimizer.params()) expect(b2.session.optimizer.moments(p.name).step, p.name).toBe(6);
    b2.session.dispose();

    const rows = (ls: string[]) => ls.map((l) => JSON.parse(l) as Record<string, number>);
    const want = rows(straightLines);
    const got = rows(lines);
    expect(got.map((r) => r.iteration)).toEqual([0, 1, 2, 3, 4, 5]);
    for (let i = 0; i < 6; i++) {
      for (const k of Object.keys(want[i]).filter((k) => k.startsWith('loss') || k === 'total_loss' || k === 'lr' || k === 'lr_backbone' || k === 'grad_norm')) {
        expectClose([got[i][k]], [want[i][k]], 1e-5, 1e-7, `iteration ${i} ${k}`);
      }
    }
    expect(want[4].lr).toBeCloseTo(2e-5, 12); // the drop happened (epoch 2), after the warm-up
    for (const [k, w] of straight) expectClose(resumed.get(k)!.data, w.data, 1e-5, 1e-7, k);
  });
});

describe('checkpoint format', () => {
  it('holds official names, PyTorch layouts and the JSON state', async () => {
    await initNodeBackend('wasm');
    const c = { ...cfg, lr_backbone: 0, checkpoint_period: 1 };
    const dir = mkdtempSync(join(tmpdir(), 'fmt-'));
    const r = await train(options(c, 1, [], { store: new FolderCheckpointStore(dir) }));
    const file = await new FolderCheckpointStore(dir).load('checkpoint_0000001.safetensors');
    const ck = decodeCheckpoint(file);
    expect([...ck.model.keys()]).toEqual(r.session.model.entries().map((e) => e.name));
    expect([...ck.expAvg.keys()]).toEqual(r.session.optimizer.params().map((p) => p.name));
    expect(ck.iteration).toBe(1);
    expect(ck.config).toEqual(c);
    expect(ck.optimizer.param_groups[1].params).toEqual([]); // lr_backbone 0: the backbone is frozen
    expect(ck.trainer.hooks.LRScheduler).toEqual({ last_epoch: 0, base_lrs: [c.lr, 0], step_size: c.lr_drop, gamma: 0.1 });
    // A conv parameter's moment is stored OIHW: element [o, i, h, w] = model HWIO [h, w, i, o].
    const p = r.session.optimizer.params().find((q) => q.variable.shape.length === 4)!;
    const hwio = (await r.session.optimizer.moments(p.name).expAvg.data()) as Float32Array;
    const [H, W, I, O] = p.variable.shape;
    const oihw = ck.expAvg.get(p.name)!;
    expect(oihw.shape).toEqual(torchShape(p.variable));
    const at = (o: number, i: number, h: number, w: number) => oihw.data[((o * I + i) * H + h) * W + w];
    expect(at(O - 1, 1, 0, 0)).toBe(hwio[((0 * W + 0) * I + 1) * O + O - 1]);
    expect(Math.max(...Array.from(hwio).map(Math.abs))).toBeGreaterThan(0);
    // The page's export: the same content, taken from the live session.
    const { concatParts } = await import('../weights/safetensors');
    const live = decodeCheckpoint(concatParts(await r.session.checkpointParts()));
    expect(live.iteration).toBe(1);
    expect(Array.from(live.expAvg.get(p.name)!.data)).toEqual(Array.from(oihw.data));
    r.session.dispose();
  });

  it.skipIf(!hasTinyFixture())('refuses a weights file as a checkpoint, saying where it goes', async () => {
    const { writeSafetensors, concatParts } = await import('../weights/safetensors');
    const w = loadTinyFixture().weights;
    const bytes = concatParts(writeSafetensors(new Map([...w].map(([k, a]) => [k, { dtype: 'float32' as const, shape: a.shape, data: a.data }]))));
    expect(() => decodeCheckpoint(bytes, 'weights.safetensors')).toThrow(/^weights.safetensors: not a detr-studio training checkpoint .*a weights file goes to --weights/);
  });
});
