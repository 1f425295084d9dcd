/**
 * CallbackHook (Detectron2 hooks.py): a hook made of functions, for callers that need to observe the
 * loop without writing a class (the worker reports progress with it).
 */
import { HookBase, type TrainerContext } from '../trainer';

type Fn = (ctx: TrainerContext) => void | Promise<void>;

export interface Callbacks {
  beforeTrain?: Fn;
  afterTrain?: Fn;
  beforeEpoch?: Fn;
  afterEpoch?: Fn;
  beforeStep?: Fn;
  afterStep?: Fn;
}

export class CallbackHook extends HookBase {
  constructor(
    readonly name: string,
    private readonly fns: Callbacks,
  ) {
    super();
  }
  override beforeTrain(ctx: TrainerContext) {
    return this.fns.beforeTrain?.(ctx);
  }
  override afterTrain(ctx: TrainerContext) {
    return this.fns.afterTrain?.(ctx);
  }
  override beforeEpoch(ctx: TrainerContext) {
    return this.fns.beforeEpoch?.(ctx);
  }
  override afterEpoch(ctx: TrainerContext) {
    return this.fns.afterEpoch?.(ctx);
  }
  override beforeStep(ctx: TrainerContext) {
    return this.fns.beforeStep?.(ctx);
  }
  override afterStep(ctx: TrainerContext) {
    return this.fns.afterStep?.(ctx);
  }
}
