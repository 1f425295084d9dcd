/**
 * torch.optim.lr_scheduler.StepLR(optimizer, step_size, gamma=0.1) as DETR uses it: stepped once per
 * **epoch** (main.py calls `lr_scheduler.step()` after each epoch), every group's lr is its base lr
 * times gamma ** floor(epoch / step_size).
 */

export interface StepLRState {
  /** Epochs completed (PyTorch's `last_epoch`). */
  last_epoch: number;
  base_lrs: number[];
  step_size: number;
  gamma: number;
}

export class StepLR {
  lastEpoch = 0;

  constructor(
    public baseLrs: readonly number[],
    public stepSize: number,
    public gamma = 0.1,
  ) {
    if (!(Number.isInteger(stepSize) && stepSize >= 1)) throw new Error(`StepLR: step_size (lr_drop) must be an integer >= 1, got ${stepSize}`);
  }

  /** The lr of every group for the current epoch (closed form, as PyTorch's `_get_closed_form_lr`). */
  lrs(): number[] {
    const factor = this.gamma ** Math.floor(this.lastEpoch / this.stepSize);
    return this.baseLrs.map((lr) => lr * factor);
  }

  /** End of an epoch. */
  step(): void {
    this.lastEpoch += 1;
  }

  stateDict(): StepLRState {
    return { last_epoch: this.lastEpoch, base_lrs: [...this.baseLrs], step_size: this.stepSize, gamma: this.gamma };
  }

  /** Restores everything, base lrs included (PyTorch's load_state_dict): a resumed run keeps its schedule. */
  loadStateDict(s: StepLRState): void {
    if (!Number.isInteger(s?.last_epoch) || s.last_epoch < 0) throw new Error(`scheduler state: last_epoch must be a non-negative integer, got ${JSON.stringify(s?.last_epoch)}`);
    if (!Array.isArray(s.base_lrs) || s.base_lrs.length !== this.baseLrs.length) {
      throw new Error(`scheduler state has ${s.base_lrs?.length} base lrs, the optimizer ${this.baseLrs.length} param groups`);
    }
    this.lastEpoch = s.last_epoch;
    this.baseLrs = [...s.base_lrs];
    this.stepSize = s.step_size;
    this.gamma = s.gamma;
  }
}
