/**
 * Counts the device->host reads code makes (Tensor.data/dataSync/array/arraySync/bytes) while
 * installed: the "readbacks per step" of a trainer. Reads a backend makes inside its own kernels
 * (the wasm backend's slice reads its own memory) are not transfers and are not counted.
 */
import * as tf from '@tensorflow/tfjs-core';

export interface ReadbackCounter {
  readonly count: number;
  reset(): void;
  uninstall(): void;
}

const METHODS = ['data', 'dataSync', 'array', 'arraySync', 'bytes'] as const;

export function countReadbacks(): ReadbackCounter {
  const proto = tf.Tensor.prototype as unknown as Record<string, (...a: unknown[]) => unknown>;
  const originals = METHODS.map((m) => proto[m]);
  let n = 0;
  let depth = 0; // array() calls data() inside: count the outer call only
  METHODS.forEach((m, i) => {
    proto[m] = function (this: unknown, ...args: unknown[]) {
      if (depth === 0) n++;
      depth++;
      try {
        const out = originals[i].apply(this, args);
        return out;
      } finally {
        depth--;
      }
    };
  });
  return {
    get count() {
      return n;
    },
    reset: () => (n = 0),
    uninstall: () => METHODS.forEach((m, i) => (proto[m] = originals[i])),
  };
}
