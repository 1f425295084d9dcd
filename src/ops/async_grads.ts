/**
 * Gradients of a loss whose computation awaits in the middle.
 *
 * DETR's loss needs the Hungarian matching of the forward outputs, and the matching runs on the CPU
 * after an asynchronous readback of the cost matrices (WebGPU has no synchronous readback, and the
 * worker must not block). tfjs's `variableGrads` only takes a synchronous function, which would force a
 * second forward pass after the matching. This keeps tfjs's own tape recording across the await
 * instead, then backpropagates exactly as `engine.gradients` does (same tape filtering, same gradient
 * accumulation), so a step costs one forward and one backward.
 *
 * It relies on the engine's public `state` (activeTape, gradientDepth) and on the tape node shape
 * {id, inputs, outputs, gradient, saved} of tfjs-core 4.x; `async_grads.test.ts` checks it against
 * `tf.variableGrads` on every backend it runs on. Only one asyncVariableGrads may run at a time
 * (the worker and the CLI run one training step at a time); other tfjs work done during the await
 * would be recorded too.
 */
import * as tf from '@tensorflow/tfjs-core';

interface TapeNode {
  id: number;
  kernelName: string;
  inputs: Record<string, tf.Tensor>;
  outputs: tf.Tensor[];
  gradient?: (dys: (tf.Tensor | null)[]) => Record<string, () => tf.Tensor>;
  saved?: tf.Tensor[];
}

interface TapeState {
  gradientDepth: number;
  activeTape: TapeNode[] | null;
}

const tapeState = () => tf.engine().state as unknown as TapeState;

/** Runs `fn` with the tape paused (for work that needs no gradient, like the matcher's costs). */
export function noGrad<T>(fn: () => T): T {
  const s = tapeState();
  const depth = s.gradientDepth;
  s.gradientDepth = 0;
  try {
    return fn();
  } finally {
    s.gradientDepth = depth;
  }
}

/** The tape nodes on a path from any x to y, inputs pruned to those that depend on x (tfjs tape.ts). */
function filterTape(tape: TapeNode[], xs: tf.Tensor[], y: tf.Tensor): TapeNode[] {
  const fromX = new Set<number>(xs.map((x) => x.id));
  const nodesFromX = new Set<number>();
  for (const node of tape) {
    if (Object.values(node.inputs).some((t) => fromX.has(t.id))) {
      node.outputs.forEach((o) => fromX.add(o.id));
      nodesFromX.add(node.id);
    }
  }
  const toY = new Set<number>([y.id]);
  const nodesToY = new Set<number>();
  for (let i = tape.length - 1; i >= 0; i--) {
    const node = tape[i];
    if (node.outputs.some((o) => toY.has(o.id))) {
      Object.values(node.inputs).forEach((t) => toY.add(t.id));
      nodesToY.add(node.id);
    }
  }
  return tape
    .filter((n) => nodesFromX.has(n.id) && nodesToY.has(n.id))
    .map((n) => ({ ...n, inputs: Object.fromEntries(Object.entries(n.inputs).filter(([, t]) => fromX.has(t.id))) }));
}

function backpropagate(acc: Map<number, tf.Tensor>, tape: TapeNode[]): void {
  for (let i = tape.length - 1; i >= 0; i--) {
    const node = tape[i];
    const dys = node.outputs.map((o) => acc.get(o.id) ?? null);
    if (!node.gradient) throw new Error(`Cannot compute gradient: gradient function not found for ${node.kernelName}.`);
    const inputGrads = node.gradient(dys);
    for (const [name, x] of Object.entries(node.inputs)) {
      if (!(name in inputGrads)) throw new Error(`Cannot backprop through input ${name} of ${node.kernelName}.`);
      const dx = tf.tidy(() => inputGrads[name]());
      if (dx.dtype !== 'float32') throw new Error(`gradient of ${node.kernelName} input ${name} has dtype ${dx.dtype}`);
      const prev = acc.get(x.id);
      if (prev) {
        acc.set(x.id, tf.add(prev, dx));
        prev.dispose();
        dx.dispose();
      } else {
        acc.set(x.id, dx);
      }
    }
  }
}

export interface AsyncGradsResult<K extends tf.TensorContainer> {
  value: tf.Scalar;
  /** Gradient per variable (same order as the list); zeros where the loss does not depend on it. */
  grads: tf.Tensor[];
  /** Whatever `f` returned beside the loss, kept alive for the caller (who disposes it). */
  kept: K;
}

/**
 * d loss / d vars, where `f` may await (e.g. a readback for the matcher). Every tensor `f` creates is
 * disposed except `loss` and `keep`, which the caller owns afterwards.
 */
export async function asyncVariableGrads<K extends tf.TensorContainer>(
  f: () => Promise<{ loss: tf.Scalar; keep: K }>,
  vars: tf.Variable[],
): Promise<AsyncGradsResult<K>> {
  const s = tapeState();
  if (s.gradientDepth !== 0) throw new Error('asyncVariableGrads cannot run inside another gradient computation');
  const engine = tf.engine();
  s.activeTape = [];
  s.gradientDepth = 1;
  engine.startScope('asyncVariableGrads');
  let out: { loss: tf.Scalar; keep: K } | undefined;
  let failure: unknown;
  try {
    out = await f();
  } catch (e) {
    failure = e;
  } finally {
    s.gradientDepth = 0;
    engine.endScope(out ? ([out.loss, out.keep] as tf.TensorContainer) : undefined);
  }
  const tape = s.activeTape ?? [];
  s.activeTape = null;
  // Whatever happens from here (f having thrown included), the tape's saved tensors are released.
  try {
    if (!out) throw failure ?? new Error('asyncVariableGrads: the function returned nothing');
    const { loss } = out;
    if (!(loss instanceof tf.Tensor) || loss.rank !== 0) throw new Error('the loss must be a scalar tensor');
    const grads = tf.tidy(() => {
      const acc = new Map<number, tf.Tensor>([[loss.id, tf.onesLike(loss)]]);
      backpropagate(acc, filterTape(tape, vars, loss));
      return vars.map((v) => acc.get(v.id) ?? tf.zerosLike(v));
    });
    return { value: loss, grads, kept: out.keep };
  } finally {
    for (const node of tape) node.saved?.forEach((t) => t.dispose());
  }
}
