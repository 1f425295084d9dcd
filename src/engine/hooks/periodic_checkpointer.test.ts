import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FolderCheckpointStore } from '../../platform/node/checkpoint_store';
import { tinyTrainConfig } from '../../testing/engine_setup';
import { loopTrainer, tinyPartsForSuite } from '../../testing/loop_trainer';
import { Checkpointer } from '../checkpointer';
import { decodeCheckpoint } from '../checkpoint_format';
import { TrainControl } from '../trainer';
import { CallbackHook } from './callback_hook';
import { PeriodicCheckpointer } from './periodic_checkpointer';

const cfg = tinyTrainConfig({ lr_backbone: 0 });
const parts = tinyPartsForSuite(cfg);

async function run(period: number, maxIter: number, stopAfter?: number, startIter = 0) {
  const store = new FolderCheckpointStore(mkdtempSync(join(tmpdir(), 'pc-')));
  const t = loopTrainer(cfg, parts, maxIter, 4, startIter);
  const saved: number[] = [];
  const control = new TrainControl();
  const ckpt = new Checkpointer(parts.model, parts.optimizer, t, cfg, store, 2);
  t.registerHooks([
    new PeriodicCheckpointer(ckpt, period, (s) => saved.push(s.iteration)),
    new CallbackHook('stopper', { afterStep: (c) => (c.iter === stopAfter ? control.stop() : undefined) }),
  ]);
  await t.train(control);
  return { saved, store };
}

describe('PeriodicCheckpointer', () => {
  it.each([
    // checkpoint_period, maxIter, iterations completed at each save
    [3, 7, [3, 6, 7]], // every 3 and at the end
    [3, 6, [3, 6]], // the end coincides with a periodic save: once
    [10, 4, [4]], // only the end
  ])('period %i, max_iter %i: saves after %j iterations', async (period, maxIter, expected) => {
    expect([...Array(maxIter).keys()].filter((i) => PeriodicCheckpointer.savesAt(i, period)).map((i) => i + 1)).toEqual(expected.filter((n) => n % period === 0));
    const { saved, store } = await run(period, maxIter);
    expect(saved).toEqual(expected);
    // keeps the last 2; last_checkpoint points at the final one, which holds the iteration count
    const kept = expected.slice(-2).map((n) => `checkpoint_${String(n).padStart(7, '0')}.safetensors`);
    expect((await store.list()).sort()).toEqual(kept);
    const latest = await store.getLatest();
    expect(latest).toBe(kept[kept.length - 1]);
    expect(decodeCheckpoint(await store.load(latest!)).iteration).toBe(maxIter);
  });

  it('saves where a stopped run ended, so it can resume', async () => {
    const { saved } = await run(5, 100, 6);
    expect(saved).toEqual([5, 7]);
  });

  it('does not save again when a resumed run does no step', async () => {
    const { saved } = await run(5, 5, undefined, 5);
    expect(saved).toEqual([]);
  });
});
