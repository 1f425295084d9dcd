/**
 * Sets every FrozenBatchNorm2d's running_mean / running_var of a DETR state dict to the batch statistics
 * of that norm's input on calibration images (a data-dependent init), with a plain-JS forward of
 * torchvision's ResNet over the state dict itself (NCHW, OIHW, float32 arrays).
 *
 * Deliberately independent of src/model and of tfjs: the weights the reference tests regenerate must
 * keep their exact bytes when the model code or a tfjs kernel changes its float rounding, so this
 * forward is frozen here. It only has to give sensible statistics, not match anything; it follows the
 * architecture (v1.5 bottleneck stride on conv2, symmetric padding, max-pool 3/2/1, DC5: layer4 stride
 * 1 with dilation 2 after its first block), which the state dict's names and shapes describe.
 */
import type { TorchArray } from '../model/state_dict';

/** [N, C, H, W] activations. */
interface Act {
  n: number;
  c: number;
  h: number;
  w: number;
  data: Float32Array;
}

function conv(x: Act, wt: TorchArray, stride: number, pad: number, dil: number): Act {
  const [O, I, kh, kw] = wt.shape;
  if (I !== x.c) throw new Error(`calibration: conv expects ${I} channels, got ${x.c}`);
  const oh = Math.floor((x.h + 2 * pad - dil * (kh - 1) - 1) / stride) + 1;
  const ow = Math.floor((x.w + 2 * pad - dil * (kw - 1) - 1) / stride) + 1;
  const P = oh * ow;
  const K = I * kh * kw;
  const out = new Float32Array(x.n * O * P);
  const cols = new Float32Array(K * P); // im2col: [I * kh * kw, oh * ow], zeros where padded
  const acc = new Float64Array(P);
  for (let n = 0; n < x.n; n++) {
    cols.fill(0);
    for (let i = 0; i < I; i++) {
      const plane = (n * I + i) * x.h * x.w;
      for (let ky = 0; ky < kh; ky++) {
        for (let kx = 0; kx < kw; kx++) {
          const row = ((i * kh + ky) * kw + kx) * P;
          for (let oy = 0; oy < oh; oy++) {
            const iy = oy * stride - pad + ky * dil;
            if (iy < 0 || iy >= x.h) continue;
            for (let ox = 0; ox < ow; ox++) {
              const ix = ox * stride - pad + kx * dil;
              if (ix >= 0 && ix < x.w) cols[row + oy * ow + ox] = x.data[plane + iy * x.w + ix];
            }
          }
        }
      }
    }
    for (let o = 0; o < O; o++) {
      acc.fill(0);
      for (let k = 0; k < K; k++) {
        const wv = wt.data[o * K + k];
        const row = k * P;
        for (let p = 0; p < P; p++) acc[p] += wv * cols[row + p];
      }
      out.set(acc, (n * O + o) * P);
    }
  }
  return { n: x.n, c: O, h: oh, w: ow, data: out };
}

/** Calibrates the norm `prefix` (running stats := batch stats + 1% of the mean variance) and applies it. */
function frozenBn(x: Act, sd: Map<string, TorchArray>, prefix: string): Act {
  const get = (k: string) => {
    const a = sd.get(`${prefix}.${k}`);
    if (!a) throw new Error(`calibration: no ${prefix}.${k} in the state dict`);
    return a.data;
  };
  const [weight, bias, rm, rv] = [get('weight'), get('bias'), get('running_mean'), get('running_var')];
  const hw = x.h * x.w;
  const mean = new Float64Array(x.c);
  const variance = new Float64Array(x.c);
  for (let c = 0; c < x.c; c++) {
    let s = 0;
    for (let n = 0; n < x.n; n++) for (let i = 0, o = (n * x.c + c) * hw; i < hw; i++) s += x.data[o + i];
    const m = s / (x.n * hw);
    let v = 0;
    for (let n = 0; n < x.n; n++) for (let i = 0, o = (n * x.c + c) * hw; i < hw; i++) v += (x.data[o + i] - m) ** 2;
    mean[c] = m;
    variance[c] = v / (x.n * hw);
  }
  const floor = (0.01 * variance.reduce((a, b) => a + b, 0)) / x.c;
  const out = new Float32Array(x.data.length);
  for (let c = 0; c < x.c; c++) {
    rm[c] = mean[c];
    rv[c] = variance[c] + floor;
    const scale = weight[c] / Math.sqrt(rv[c] + 1e-5);
    const shift = bias[c] - rm[c] * scale;
    for (let n = 0; n < x.n; n++) for (let i = 0, o = (n * x.c + c) * hw; i < hw; i++) out[o + i] = x.data[o + i] * scale + shift;
  }
  return { ...x, data: out };
}

const relu = (x: Act): Act => ({ ...x, data: x.data.map((v) => (v > 0 ? v : 0)) });

function add(a: Act, b: Act): Act {
  return { ...a, data: a.data.map((v, i) => v + b.data[i]) };
}

function maxPool(x: Act): Act {
  const oh = Math.floor((x.h + 2 - 3) / 2) + 1;
  const ow = Math.floor((x.w + 2 - 3) / 2) + 1;
  const out = new Float32Array(x.n * x.c * oh * ow);
  for (let p = 0; p < x.n * x.c; p++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        let m = -Infinity;
        for (let ky = 0; ky < 3; ky++) {
          for (let kx = 0; kx < 3; kx++) {
            const iy = oy * 2 - 1 + ky;
            const ix = ox * 2 - 1 + kx;
            if (iy >= 0 && iy < x.h && ix >= 0 && ix < x.w) m = Math.max(m, x.data[(p * x.h + iy) * x.w + ix]);
          }
        }
        out[(p * oh + oy) * ow + ox] = m;
      }
    }
  }
  return { n: x.n, c: x.c, h: oh, w: ow, data: out };
}

/**
 * Runs `images` ([N, 3, H, W], normalised) through the ResNet of `sd` (DETR names,
 * `backbone.0.body.*`), calibrating each norm in forward order; the state dict is updated in place.
 */
export function calibrateResnetNorms(sd: Map<string, TorchArray>, images: { n: number; h: number; w: number; data: Float32Array }, dilation: boolean): void {
  const P = 'backbone.0.body';
  const w = (k: string) => {
    const a = sd.get(`${P}.${k}.weight`);
    if (!a) throw new Error(`calibration: no ${P}.${k}.weight in the state dict`);
    return a;
  };
  const bottleneck = sd.has(`${P}.layer1.0.conv3.weight`);
  let x: Act = { n: images.n, c: 3, h: images.h, w: images.w, data: images.data };
  x = maxPool(relu(frozenBn(conv(x, w('conv1'), 2, 3, 1), sd, `${P}.bn1`)));
  let curDil = 1;
  for (let li = 1; li <= 4; li++) {
    let stride = li === 1 ? 1 : 2;
    const prevDil = curDil;
    if (li === 4 && dilation) {
      curDil *= stride;
      stride = 1;
    }
    for (let b = 0; sd.has(`${P}.layer${li}.${b}.conv1.weight`); b++) {
      const L = `layer${li}.${b}`;
      const s = b === 0 ? stride : 1;
      const d = b === 0 ? prevDil : curDil;
      let y: Act;
      if (bottleneck) {
        y = relu(frozenBn(conv(x, w(`${L}.conv1`), 1, 0, 1), sd, `${P}.${L}.bn1`));
        y = relu(frozenBn(conv(y, w(`${L}.conv2`), s, d, d), sd, `${P}.${L}.bn2`));
        y = frozenBn(conv(y, w(`${L}.conv3`), 1, 0, 1), sd, `${P}.${L}.bn3`);
      } else {
        y = relu(frozenBn(conv(x, w(`${L}.conv1`), s, 1, 1), sd, `${P}.${L}.bn1`));
        y = frozenBn(conv(y, w(`${L}.conv2`), 1, 1, 1), sd, `${P}.${L}.bn2`);
      }
      const identity = sd.has(`${P}.${L}.downsample.0.weight`)
        ? frozenBn(conv(x, w(`${L}.downsample.0`), s, 0, 1), sd, `${P}.${L}.downsample.1`)
        : x;
      x = relu(add(y, identity));
    }
  }
}
