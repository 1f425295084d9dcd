/**
 * DetrLogHook: writes one line of DETR's log.txt (detr_log.ts) at the end of every epoch, as
 * main.py does after each epoch's evaluation. It keeps running sums of the epoch's per-iteration
 * scalars (MetricLogger's global averages) and puts them in the checkpoint, so a run resumed in the
 * middle of an epoch still logs that epoch's full average.
 *
 * Register it after the EvalHook (buildHooks' `extra`): the COCO stats put at the epoch's last
 * iteration are then in the storage when afterEpoch runs. A checkpoint is taken in afterStep by an
 * earlier hook, before this hook's afterStep: `stateDict()` therefore first takes in the current
 * iteration's scalars from the storage, and afterStep does not count them twice.
 */
import { HookBase, type TrainerContext } from '../engine/trainer';
import type { EventStorage } from '../engine/events';
import type { LineSink } from '../engine/ports';
import { COCO_STAT_NAMES } from '../eval/coco_types';
import { detrLogRecord } from './detr_log';

export interface DetrLogState {
  epoch: number;
  /** The last iteration whose scalars are in the sums. */
  lastIter: number;
  sums: Record<string, number>;
  counts: Record<string, number>;
}

/** Scalars that are not averaged into train_*: evaluation results and timings. */
const NOT_TRAIN = /^(bbox\/|time$|data_time$)/;

export class DetrLogHook extends HookBase {
  readonly name = 'DetrLog';
  private state: DetrLogState = { epoch: -1, lastIter: -1, sums: {}, counts: {} };
  private storage?: EventStorage;
  private itersPerEpoch = 1;

  constructor(
    private readonly sink: LineSink,
    private readonly weightDict: Record<string, number>,
  ) {
    super();
  }

  override beforeTrain(ctx: TrainerContext): void {
    this.storage = ctx.storage;
    this.itersPerEpoch = ctx.itersPerEpoch;
  }

  /** Adds the storage's scalars of its current iteration (once per iteration). */
  private takeIn(storage: EventStorage): void {
    const it = storage.iter;
    if (it <= this.state.lastIter) return;
    const latest = storage.latest();
    if (![...latest.values()].some(([, at]) => at === it)) return; // nothing put yet at this iteration
    const epoch = Math.floor(it / this.itersPerEpoch);
    if (epoch !== this.state.epoch) this.state = { epoch, lastIter: it - 1, sums: {}, counts: {} };
    for (const [name, [v, at]] of latest) {
      if (at !== it || NOT_TRAIN.test(name)) continue;
      this.state.sums[name] = (this.state.sums[name] ?? 0) + v;
      this.state.counts[name] = (this.state.counts[name] ?? 0) + 1;
    }
    this.state.lastIter = it;
  }

  override afterStep(ctx: TrainerContext): void {
    this.takeIn(ctx.storage);
  }

  override afterEpoch(ctx: TrainerContext): void {
    this.takeIn(ctx.storage);
    const { sums, counts } = this.state;
    const train = Object.fromEntries(Object.keys(sums).map((k) => [k, sums[k] / counts[k]]));
    const latest = ctx.storage.latest();
    const coco = COCO_STAT_NAMES.map((n) => latest.get(`bbox/${n}`));
    const evaluated = coco.every((x) => x !== undefined && x[1] === ctx.iter);
    let nParameters = 0;
    for (const [, v] of ctx.model.namedParameters()) if (v.trainable) nParameters += v.size;
    const record = detrLogRecord({
      epoch: ctx.epoch,
      train,
      weightDict: this.weightDict,
      cocoEvalBbox: evaluated ? coco.map((x) => x![0]) : undefined,
      nParameters,
    });
    this.sink(JSON.stringify(record));
  }

  override stateDict(): DetrLogState {
    if (this.storage) this.takeIn(this.storage);
    return { ...this.state, sums: { ...this.state.sums }, counts: { ...this.state.counts } };
  }

  override loadStateDict(s: unknown): void {
    const st = s as DetrLogState;
    if (!Number.isInteger(st?.epoch) || !Number.isInteger(st?.lastIter) || typeof st.sums !== 'object' || typeof st.counts !== 'object') {
      throw new Error(`DetrLog state: expected {epoch, lastIter, sums, counts}, got ${JSON.stringify(s)?.slice(0, 80)}`);
    }
    this.state = { epoch: st.epoch, lastIter: st.lastIter, sums: { ...st.sums }, counts: { ...st.counts } };
  }
}
