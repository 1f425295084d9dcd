/**
 * conv2d with PyTorch's conventions: symmetric zero padding and dilation, NHWC input, HWIO filter.
 *
 * tfjs's conv2d gradient refuses dilation > 1 ("not yet supported in gradients"), and DC5 trains
 * dilated 3x3 convs in layer4. For that case the forward runs the native dilated kernel and the
 * backward uses the identity conv(x, w, dilation d) == conv(x, dilate(w), dilation 1), where
 * dilate(w) inserts d-1 zero rows/cols between taps: its gradient w.r.t. w picks every d-th tap.
 */
import * as tf from '@tensorflow/tfjs-core';

export interface ConvOptions {
  stride?: number;
  padding?: number;
  dilation?: number;
}

type Pads = [[number, number], [number, number], [number, number], [number, number]];

function pads(p: number): Pads | 'valid' {
  return p === 0 ? 'valid' : [[0, 0], [p, p], [p, p], [0, 0]];
}

/** [kh, kw, ci, co] -> [(kh-1)d+1, (kw-1)d+1, ci, co] with zeros between the taps. */
export function dilateFilter(w: tf.Tensor4D, d: number): tf.Tensor4D {
  return tf.tidy((): tf.Tensor4D => {
    const [kh, kw, ci, co] = w.shape;
    const w6 = tf.reshape(w, [kh, 1, kw, 1, ci, co]);
    const padded = tf.pad(w6, [[0, 0], [0, d - 1], [0, 0], [0, d - 1], [0, 0], [0, 0]]); // [kh, d, kw, d, ci, co]
    const flat = tf.reshape(padded, [kh * d, kw * d, ci, co]);
    return tf.slice(flat, [0, 0, 0, 0], [(kh - 1) * d + 1, (kw - 1) * d + 1, ci, co]) as tf.Tensor4D;
  });
}

function dilatedConv(x: tf.Tensor4D, w: tf.Tensor4D, stride: number, padding: number, d: number): tf.Tensor4D {
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xi, wi, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    save([xi, wi]);
    const value = tf.conv2d(xi as tf.Tensor4D, wi as tf.Tensor4D, stride, pads(padding), 'NHWC', d);
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [xs, ws] = saved as [tf.Tensor4D, tf.Tensor4D];
      const wd = dilateFilter(ws, d);
      // The backprop kernels directly: a nested tf.grads inside a gradient function would reset
      // the engine's active tape.
      const attrs = { strides: stride, pad: pads(padding), dataFormat: 'NHWC', dimRoundingMode: undefined };
      const engine = tf.engine();
      const gx = engine.runKernel('Conv2DBackpropInput', { dy, filter: wd }, { ...attrs, inputShape: xs.shape } as never) as tf.Tensor4D;
      const gwd = engine.runKernel('Conv2DBackpropFilter', { x: xs, dy }, { ...attrs, filterShape: wd.shape } as never) as tf.Tensor4D;
      // Every d-th tap of the dilated filter's gradient is the original tap's gradient.
      const [kh, kw, ci, co] = ws.shape;
      const gw = tf.stridedSlice(gwd, [0, 0, 0, 0], [(kh - 1) * d + 1, (kw - 1) * d + 1, ci, co], [d, d, 1, 1]);
      return [gx, gw];
    };
    return { value, gradFunc };
  });
  return f(x, w) as tf.Tensor4D;
}

/** PyTorch `F.conv2d(x, w, stride, padding, dilation)` in NHWC/HWIO, differentiable for any dilation. */
export function conv2d(x: tf.Tensor4D, w: tf.Tensor4D, opts: ConvOptions = {}): tf.Tensor4D {
  const { stride = 1, padding = 0, dilation = 1 } = opts;
  if (dilation === 1) return tf.conv2d(x, w, stride, pads(padding), 'NHWC', 1);
  return dilatedConv(x, w, stride, padding, dilation);
}
