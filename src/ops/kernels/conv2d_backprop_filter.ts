/**
 * Conv2DBackpropFilter for backends that lack it (tfjs-backend-wasm has no such kernel, so it
 * cannot train convolutions out of the box; it is ~20x faster than `cpu` on this kind of machine).
 *
 *   dW[kh, kw, ci, co] = sum over (b, oh, ow) of x_pad[b, oh*s + kh*d, ow*s + kw*d, ci] * dy[b, oh, ow, co]
 *
 * is itself a convolution (TensorFlow's formulation): with the batch as the channel axis, the padded
 * input x_pad^T [Ci, Hp, Wp, B] convolved with dy^T [OH, OW, B, Co] as the filter, at stride d (the
 * forward dilation) and dilation s (the forward stride), gives [Ci, >=KH, >=KW, Co]; its first KH x KW
 * outputs transposed to [KH, KW, Ci, Co] are dW. One convolution on the backend's fast kernel, built
 * only from the backend's own kernels (PadV2, Transpose, Conv2D, Slice), so the data never leaves it.
 */
import {
  getKernel,
  registerKernel,
  type KernelConfig,
  type KernelFunc,
  type NamedAttrMap,
  type NamedTensorInfoMap,
  type TensorInfo,
  type KernelBackend,
} from '@tensorflow/tfjs-core';

type Run = (name: string, backend: KernelBackend, inputs: NamedTensorInfoMap, attrs?: NamedAttrMap) => TensorInfo;

function runnerFor(backendName: string): Run {
  return (name, backend, inputs, attrs = {}) => {
    const k = getKernel(name, backendName);
    if (!k) throw new Error(`conv2d_backprop_filter: backend ${backendName} lacks kernel ${name}`);
    const out = k.kernelFunc({ inputs, backend, attrs });
    return Array.isArray(out) ? out[0] : out;
  };
}

type Pad = 'valid' | 'same' | number | number[][];

function explicitPads(pad: Pad, inH: number, inW: number, kH: number, kW: number, s: [number, number], d: [number, number], outH: number, outW: number): [number, number, number, number] {
  if (Array.isArray(pad)) return [pad[1][0], pad[1][1], pad[2][0], pad[2][1]];
  if (typeof pad === 'number') return [pad, pad, pad, pad];
  if (pad === 'valid') return [0, 0, 0, 0];
  // 'same': total padding so that out = ceil(in / stride), extra on the bottom/right (TF convention).
  const effKH = (kH - 1) * d[0] + 1;
  const effKW = (kW - 1) * d[1] + 1;
  const padH = Math.max(0, (outH - 1) * s[0] + effKH - inH);
  const padW = Math.max(0, (outW - 1) * s[1] + effKW - inW);
  return [Math.floor(padH / 2), padH - Math.floor(padH / 2), Math.floor(padW / 2), padW - Math.floor(padW / 2)];
}

function pair(v: number | number[]): [number, number] {
  return Array.isArray(v) ? [v[0], v[1]] : [v, v];
}

const makeConv2DBackpropFilter = (run: Run): KernelFunc => ({ inputs, backend: anyBackend, attrs }) => {
  const backend = anyBackend as KernelBackend;
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const { strides, pad, dataFormat, dilations, filterShape } = attrs as unknown as {
    strides: number | [number, number];
    pad: Pad;
    dataFormat: string;
    dilations: number | [number, number];
    filterShape: [number, number, number, number];
  };
  if (dataFormat && dataFormat !== 'NHWC') throw new Error('conv2d_backprop_filter: only NHWC is supported');
  const [kH, kW, ci, co] = filterShape;
  const [, inH, inW] = x.shape;
  const [, outH, outW] = dy.shape;
  const s = pair(strides);
  const d = pair(dilations ?? 1);
  const [pt, pb, pl, pr] = explicitPads(pad, inH, inW, kH, kW, s, d, outH, outW);
  const temps: TensorInfo[] = [];
  const keep = (t: TensorInfo) => (temps.push(t), t);
  const padded =
    pt || pb || pl || pr ? keep(run('PadV2', backend, { x }, { paddings: [[0, 0], [pt, pb], [pl, pr], [0, 0]], constantValue: 0 })) : x;
  const xT = keep(run('Transpose', backend, { x: padded }, { perm: [3, 1, 2, 0] })); // [Ci, Hp, Wp, B]
  const dyT = keep(run('Transpose', backend, { x: dy }, { perm: [1, 2, 0, 3] })); // [OH, OW, B, Co]
  const full = keep(
    run('Conv2D', backend, { x: xT, filter: dyT }, { strides: d, pad: 'valid', dataFormat: 'NHWC', dilations: s }),
  ); // [Ci, >=KH, >=KW, Co]
  const cropped = full.shape[1] === kH && full.shape[2] === kW ? full : keep(run('Slice', backend, { x: full }, { begin: [0, 0, 0, 0], size: [ci, kH, kW, co] }));
  const out = run('Transpose', backend, { x: cropped }, { perm: [1, 2, 0, 3] }); // [KH, KW, Ci, Co]
  for (const t of temps) if (t !== x && t !== dy) backend.disposeData(t.dataId);
  return out;
};

/** Registers the missing training kernels on `backendName`, once; a no-op where they exist. */
export function registerConvFilterGradient(backendName: string): void {
  if (getKernel('Conv2DBackpropFilter', backendName)) return;
  const kernelFunc = makeConv2DBackpropFilter(runnerFor(backendName));
  const config: KernelConfig = { kernelName: 'Conv2DBackpropFilter', backendName, kernelFunc };
  registerKernel(config);
}
