/**
 * GradientDump: a debugging hook that reads the pre-clip gradients of one iteration (default: the
 * first of the run) and hands them over with official names and PyTorch layouts (the format of the
 * fixtures' grads_step1.safetensors). It adds one readback per parameter at that iteration only.
 */
import type { TorchArray } from '../../model/state_dict';
import { toTorchLayout } from '../layout';
import { HookBase, type NamedGradient, type TrainerContext } from '../trainer';

export class GradientDump extends HookBase {
  readonly name = 'GradientDump';

  constructor(
    private readonly onGradients: (grads: Map<string, TorchArray>, iteration: number) => void | Promise<void>,
    private readonly atIteration?: number,
  ) {
    super();
  }

  override async afterBackward(ctx: TrainerContext, grads: readonly NamedGradient[]): Promise<void> {
    if (ctx.iter !== (this.atIteration ?? ctx.startIter)) return;
    const vars = new Map(ctx.optimizer.params().map((p) => [p.name, p.variable]));
    const out = new Map<string, TorchArray>();
    for (const { name, grad } of grads) {
      const data = (await grad.data()) as Float32Array; // GPU->CPU sync point: debugging dump
      out.set(name, toTorchLayout(name, vars.get(name)!, data));
    }
    await this.onGradients(out, ctx.iter);
  }
}
