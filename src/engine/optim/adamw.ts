/**
 * AdamW exactly as PyTorch 1.13's `_single_tensor_adamw` (torch/optim/adamw.py), with DETR's param
 * groups (main.py): group 0 = trainable parameters whose name does not contain "backbone" (lr),
 * group 1 = trainable parameters whose name contains "backbone" (lr_backbone). Frozen parameters are
 * not in the optimizer at all. For each parameter p with gradient g, at step t:
 *
 *   p   *= 1 - lr * wd                          (decoupled weight decay, first)
 *   m    = b1 * m + (1 - b1) * g
 *   v    = b2 * v + (1 - b2) * g * g
 *   denom = sqrt(v) / sqrt(1 - b2^t) + eps
 *   p   -= lr / (1 - b1^t) * m / denom
 *
 * Bias corrections are computed in float64 on the host (Python floats in PyTorch) and enter the
 * float32 device math as scalars. Everything else stays on the device: no readback.
 */
import * as tf from '@tensorflow/tfjs-core';

export interface NamedParam {
  /** Official state_dict name. */
  name: string;
  variable: tf.Variable;
}

export interface ParamGroup {
  lr: number;
  weightDecay: number;
  params: NamedParam[];
}

export interface AdamWOptions {
  betas: [number, number];
  eps: number;
}

export const ADAMW_DEFAULTS: Readonly<AdamWOptions> = Object.freeze({ betas: [0.9, 0.999] as [number, number], eps: 1e-8 });

interface ParamState {
  step: number;
  expAvg: tf.Variable; // same shape as the parameter (model layout)
  expAvgSq: tf.Variable;
}

/** JSON part of the optimizer state (the moments travel as tensors, see checkpoint_format.ts). */
export interface AdamWHostState {
  param_groups: { lr: number; weight_decay: number; betas: [number, number]; eps: number; params: string[] }[];
  /** Steps taken per parameter name (PyTorch keeps `step` per parameter). */
  step: Record<string, number>;
}

export class AdamW {
  readonly groups: ParamGroup[];
  private readonly state = new Map<string, ParamState>();

  constructor(groups: ParamGroup[], readonly o: AdamWOptions = ADAMW_DEFAULTS) {
    const seen = new Set<string>();
    for (const g of groups) {
      for (const p of g.params) {
        if (seen.has(p.name)) throw new Error(`AdamW: parameter ${p.name} is in two param groups`);
        if (!p.variable.trainable) throw new Error(`AdamW: parameter ${p.name} is frozen (requires_grad=False) and cannot be optimised`);
        seen.add(p.name);
        // tidy frees the zeros the variables were made from (a variable keeps its own reference).
        const [expAvg, expAvgSq] = tf.tidy(() => [tf.variable(tf.zerosLike(p.variable), false), tf.variable(tf.zerosLike(p.variable), false)]);
        this.state.set(p.name, { step: 0, expAvg, expAvgSq });
      }
    }
    this.groups = groups.map((g) => ({ ...g, params: [...g.params] }));
  }

  /** Every optimised parameter, group by group (the order `step` expects its gradients in). */
  params(): NamedParam[] {
    return this.groups.flatMap((g) => g.params);
  }

  variables(): tf.Variable[] {
    return this.params().map((p) => p.variable);
  }

  /** Moments of one parameter (for the checkpointer and tests). */
  moments(name: string): { step: number; expAvg: tf.Variable; expAvgSq: tf.Variable } {
    const s = this.state.get(name);
    if (!s) throw new Error(`AdamW: no parameter named ${name}`);
    return s;
  }

  /** One update; `grads[i]` belongs to `params()[i]`. The caller keeps ownership of the gradients. */
  step(grads: readonly tf.Tensor[]): void {
    const params = this.params();
    if (grads.length !== params.length) throw new Error(`AdamW.step: ${grads.length} gradients for ${params.length} parameters`);
    const [b1, b2] = this.o.betas;
    let i = 0;
    for (const group of this.groups) {
      for (const p of group.params) {
        const g = grads[i++];
        const s = this.state.get(p.name)!;
        s.step += 1;
        const bc1 = 1 - b1 ** s.step;
        const bc2Sqrt = Math.sqrt(1 - b2 ** s.step);
        const stepSize = group.lr / bc1;
        tf.tidy(() => {
          const decayed = tf.mul(p.variable, 1 - group.lr * group.weightDecay);
          const m = tf.add(tf.mul(s.expAvg, b1), tf.mul(g, 1 - b1));
          const v = tf.add(tf.mul(s.expAvgSq, b2), tf.mul(tf.mul(g, g), 1 - b2));
          const denom = tf.add(tf.div(tf.sqrt(v), bc2Sqrt), this.o.eps);
          s.expAvg.assign(m);
          s.expAvgSq.assign(v);
          p.variable.assign(tf.sub(decayed, tf.mul(tf.div(m, denom), stepSize)));
        });
      }
    }
  }

  hostState(): AdamWHostState {
    return {
      param_groups: this.groups.map((g) => ({
        lr: g.lr,
        weight_decay: g.weightDecay,
        betas: [...this.o.betas] as [number, number],
        eps: this.o.eps,
        params: g.params.map((p) => p.name),
      })),
      step: Object.fromEntries([...this.state].map(([n, s]) => [n, s.step])),
    };
  }

  /**
   * Restores steps, group lrs and moments. `moments(name)` gives the arrays in model layout; the
   * group structure must match (same parameter names in the same groups), else the error lists the
   * difference. Hyperparameters other than lr come from the current config, as PyTorch's
   * load_state_dict keeps the saved ones: we keep the saved lr (the scheduler's), and weight decay,
   * betas and eps from the saved state too.
   */
  loadState(host: AdamWHostState, moments: (name: string) => { expAvg: Float32Array; expAvgSq: Float32Array } | undefined): void {
    if (host.param_groups.length !== this.groups.length) {
      throw new Error(`optimizer state has ${host.param_groups.length} param groups, this model has ${this.groups.length}`);
    }
    host.param_groups.forEach((saved, gi) => {
      const mine = this.groups[gi].params.map((p) => p.name);
      const missing = mine.filter((n) => !saved.params.includes(n));
      const extra = saved.params.filter((n) => !mine.includes(n));
      if (missing.length || extra.length) {
        const list = (xs: string[]) => xs.slice(0, 4).join(', ') + (xs.length > 4 ? ` (${xs.length} in all)` : '');
        throw new Error(`optimizer param group ${gi} does not fit this model: ${missing.length ? `missing ${list(missing)}` : ''}${missing.length && extra.length ? '; ' : ''}${extra.length ? `unexpected ${list(extra)}` : ''} (check lr_backbone and the model config)`);
      }
    });
    host.param_groups.forEach((saved, gi) => {
      this.groups[gi].lr = saved.lr;
      this.groups[gi].weightDecay = saved.weight_decay;
    });
    for (const [name, s] of this.state) {
      const step = host.step[name] ?? 0;
      const m = moments(name);
      if (step > 0 && !m) throw new Error(`optimizer state lacks the moments of ${name} (step ${step})`);
      s.step = step;
      if (m) {
        tf.tidy(() => {
          s.expAvg.assign(tf.tensor(m.expAvg, s.expAvg.shape, 'float32'));
          s.expAvgSq.assign(tf.tensor(m.expAvgSq, s.expAvgSq.shape, 'float32'));
        });
      }
    }
  }

  dispose(): void {
    for (const s of this.state.values()) tf.dispose([s.expAvg, s.expAvgSq]);
    this.state.clear();
  }
}

/** DETR's two param groups (main.py): non-backbone trainable params at lr, backbone ones at lr_backbone. */
export function detrParamGroups(named: readonly NamedParam[], lr: number, lrBackbone: number, weightDecay: number): ParamGroup[] {
  const trainable = named.filter((p) => p.variable.trainable);
  return [
    { lr, weightDecay, params: trainable.filter((p) => !p.name.includes('backbone')) },
    { lr: lrBackbone, weightDecay, params: trainable.filter((p) => p.name.includes('backbone')) },
  ];
}
