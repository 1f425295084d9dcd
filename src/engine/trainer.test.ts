import { describe, expect, it } from 'vitest';
import { tinyTrainConfig } from '../testing/engine_setup';
import { loopTrainer, tinyPartsForSuite } from '../testing/loop_trainer';
import { CallbackHook } from './hooks/callback_hook';
import { TrainControl, type TrainerContext } from './trainer';

const cfg = tinyTrainConfig();
const parts = tinyPartsForSuite(cfg);

function recorder(log: string[]) {
  const at = (what: string) => (c: TrainerContext) => void log.push(`${what}@${c.iter}`);
  return new CallbackHook('recorder', {
    beforeTrain: (c) => void log.push(`beforeTrain@${c.iter}`),
    beforeEpoch: at('beforeEpoch'),
    beforeStep: at('beforeStep'),
    afterStep: at('afterStep'),
    afterEpoch: at('afterEpoch'),
    afterTrain: (c) => void log.push(`afterTrain@${c.iter}:${c.status}`),
  });
}

describe('TrainerBase', () => {
  it('runs the hooks in the documented order, epochs included', async () => {
    const log: string[] = [];
    const t = loopTrainer(cfg, parts, 3, 2);
    t.registerHooks([recorder(log)]);
    expect(await t.train()).toBe('finished');
    expect(log).toEqual([
      'beforeTrain@0',
      'beforeEpoch@0', 'beforeStep@0', 'afterStep@0',
      'beforeStep@1', 'afterStep@1', 'afterEpoch@1',
      'beforeEpoch@2', 'beforeStep@2', 'afterStep@2',
      'afterTrain@3:finished',
    ]);
  });

  it('starts from a resumed iteration mid-epoch', async () => {
    const log: string[] = [];
    const t = loopTrainer(cfg, parts, 5, 2, 3);
    t.registerHooks([recorder(log)]);
    await t.train();
    expect(t.steps).toEqual([3, 4]);
    expect(log).toEqual(['beforeTrain@3', 'beforeStep@3', 'afterStep@3', 'afterEpoch@3', 'beforeEpoch@4', 'beforeStep@4', 'afterStep@4', 'afterTrain@5:finished']);
  });

  it('pauses, resumes and stops between iterations', async () => {
    const control = new TrainControl();
    const t = loopTrainer(cfg, parts, 100, 10);
    let pauses = 0;
    t.registerHooks([
      new CallbackHook('driver', {
        afterStep: (c) => {
          if (c.iter === 2) {
            control.pause();
            // The page resumes a little later, then stops at iteration 5.
            setTimeout(() => control.resume(), 5);
          }
          if (c.iter === 5) control.stop();
        },
      }),
    ]);
    expect(await t.train(control, () => pauses++)).toBe('stopped');
    expect(pauses).toBe(1);
    expect(t.steps).toEqual([0, 1, 2, 3, 4, 5]);
    expect(t.iter).toBe(6);
  });

  it('runs afterTrain with status failed and rethrows the step error', async () => {
    const log: string[] = [];
    const t = loopTrainer(cfg, parts, 10, 5);
    t.failAt = 2;
    t.registerHooks([recorder(log)]);
    await expect(t.train()).rejects.toThrow('step 2 failed');
    expect(log.slice(-2)).toEqual(['beforeStep@2', 'afterTrain@2:failed']);
  });

  it('refuses two hooks with one name (their states would collide in checkpoints)', () => {
    const t = loopTrainer(cfg, parts, 1, 1);
    expect(() => t.registerHooks([new CallbackHook('a', {}), new CallbackHook('a', {})])).toThrow(/two hooks named a/);
  });
});
