import { describe, expect, it } from 'vitest';
import { tinyTrainConfig } from '../../testing/engine_setup';
import { loopTrainer, tinyPartsForSuite } from '../../testing/loop_trainer';
import { EventStorage } from '../events';
import { JSONWriter, type EventWriter } from '../writers';
import { CallbackHook } from './callback_hook';
import { PeriodicWriter } from './periodic_writer';
import { TrainControl } from '../trainer';

const cfg = tinyTrainConfig();
const parts = tinyPartsForSuite(cfg);

/** Records the storage iteration at each write. */
class WriteLog implements EventWriter {
  at: number[] = [];
  closed = false;
  write(s: EventStorage): void {
    this.at.push(s.iter);
  }
  close(): void {
    this.closed = true;
  }
}

describe('PeriodicWriter', () => {
  it.each([
    // period, maxIter, iterations (0-based) after which it writes
    [1, 4, [0, 1, 2, 3]],
    [3, 7, [2, 5, 6]],
    [20, 7, [6]],
    [5, 10, [4, 9]],
  ])('period %i, max_iter %i: writes after %j', async (period, maxIter, expected) => {
    expect([...Array(maxIter).keys()].filter((i) => PeriodicWriter.writesAt(i, period, maxIter))).toEqual(expected);
    const log = new WriteLog();
    const t = loopTrainer(cfg, parts, maxIter, 2);
    t.registerHooks([new PeriodicWriter([log], period)]);
    await t.train();
    expect(log.at).toEqual(expected);
    expect(log.closed).toBe(true);
  });

  it('flushes at a stop: metrics.jsonl has every completed iteration', async () => {
    const lines: string[] = [];
    const log = new WriteLog();
    const control = new TrainControl();
    const t = loopTrainer(cfg, parts, 100, 10);
    t.registerHooks([new CallbackHook('stopper', { afterStep: (c) => (c.iter === 3 ? control.stop() : undefined) }), new PeriodicWriter([log, new JSONWriter((l) => lines.push(l))], 20)]);
    expect(await t.train(control)).toBe('stopped');
    expect(log.at).toEqual([3]);
    expect(lines.map((l) => JSON.parse(l).iteration)).toEqual([0, 1, 2, 3]);
  });
});
