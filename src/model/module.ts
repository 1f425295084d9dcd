/**
 * A minimal torch.nn.Module for tfjs: named parameters, buffers and children, registered in the
 * order the official code registers them, so that `stateDictNames()` yields the official DETR
 * state_dict keys in the official order (own parameters, own buffers, then each child).
 *
 * Parameters are tf.Variables; a frozen parameter (requires_grad=False) is a Variable with
 * trainable=false. Buffers (FrozenBatchNorm statistics) are non-trainable Variables too, so loading
 * weights is always `assign`.
 */
import * as tf from '@tensorflow/tfjs-core';

export type Entry = { name: string; variable: tf.Variable; kind: 'param' | 'buffer' };

export class Module {
  private readonly ownParams = new Map<string, tf.Variable>();
  private readonly ownBuffers = new Map<string, tf.Variable>();
  private readonly children = new Map<string, Module>();

  /** Registers a parameter; takes ownership of `init`. */
  protected param(name: string, init: tf.Tensor, trainable = true): tf.Variable {
    const v = tf.variable(init, trainable);
    init.dispose();
    this.ownParams.set(name, v);
    return v;
  }

  /** Registers a buffer (never trained); takes ownership of `init`. */
  protected buffer(name: string, init: tf.Tensor): tf.Variable {
    const v = tf.variable(init, false);
    init.dispose();
    this.ownBuffers.set(name, v);
    return v;
  }

  protected child<M extends Module>(name: string | number, m: M): M {
    this.children.set(String(name), m);
    return m;
  }

  /** Every parameter and buffer with its dotted state_dict name, in PyTorch's state_dict order. */
  entries(prefix = ''): Entry[] {
    const out: Entry[] = [];
    for (const [n, v] of this.ownParams) out.push({ name: prefix + n, variable: v, kind: 'param' });
    for (const [n, v] of this.ownBuffers) out.push({ name: prefix + n, variable: v, kind: 'buffer' });
    for (const [n, m] of this.children) out.push(...m.entries(`${prefix}${n}.`));
    return out;
  }

  namedParameters(prefix = ''): [string, tf.Variable][] {
    return this.entries(prefix)
      .filter((e) => e.kind === 'param')
      .map((e) => [e.name, e.variable]);
  }

  /** PyTorch's `requires_grad_(False)` on every parameter below this module. */
  freeze(): void {
    for (const e of this.entries()) if (e.kind === 'param') e.variable.trainable = false;
  }

  dispose(): void {
    for (const e of this.entries()) e.variable.dispose();
  }
}

/** `v.assign(t)` that also disposes `t` (tfjs's assign keeps its own copy). */
export function assignAndDispose(v: tf.Variable, t: tf.Tensor): void {
  v.assign(t);
  t.dispose();
}

/** Forward-pass context: train/eval mode and the source of dropout seeds. */
export interface ForwardContext {
  training: boolean;
  /** Next dropout seed (from the trainer's seeded RNG); required when training with dropout > 0. */
  nextSeed?: () => number;
  /** Debug hook: receives named intermediate tensors (must not keep or dispose them). */
  capture?: (name: string, t: tf.Tensor) => void;
}

export const EVAL: ForwardContext = Object.freeze({ training: false });

/** torch.nn.ModuleList: children named 0, 1, 2, ... */
export class ModuleList<M extends Module> extends Module {
  readonly items: M[] = [];
  push(m: M): M {
    this.items.push(this.child(this.items.length, m));
    return m;
  }
}
