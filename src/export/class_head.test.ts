/**
 * The 91-class widening: exact round trip in TS, and the claim that it changes no prediction and no
 * loss checked with PyTorch (class_head_check.py): probabilities, weighted cross-entropy,
 * gradients (impossible rows exactly 0), AdamW keeping them impossible, PostProcess; with
 * DETR_OFFICIAL_REPO also the official SetCriterion (matcher indices, every loss incl. aux) and PostProcess.
 */
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Rng } from '../math/rng';
import type { TorchArray } from '../model/state_dict';
import { concatParts } from '../weights/safetensors';
import { writePth } from '../weights/pth/write';
import { PyDict } from '../weights/pth/py_values';
import { REPO_ROOT, SYSTEM_PYTHON, hasPython, skipReason } from '../testing/paths';
import { fitClassHead, IMPOSSIBLE_BIAS, narrowHeadTensor, widenedFrom, widenHeadTensor } from './class_head';

const C = 4;
const D = 16;

function randn(rng: Rng, shape: number[], scale = 1): TorchArray {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = (rng.uniform() + rng.uniform() + rng.uniform() - 1.5) * 2 * scale;
  return { shape, data };
}

const raw = (a: TorchArray) => ({ dtype: 'float32' as const, shape: a.shape, data: a.data });

describe('class head widening (TS)', () => {
  const rng = new Rng(7);
  const w = randn(rng, [C + 1, D]);
  const b = randn(rng, [C + 1]);

  it('copies rows 0..C-1, makes C..90 impossible, moves no-object to 91; narrowing inverts it exactly', () => {
    const ww = widenHeadTensor(w, 'weight', C);
    const bw = widenHeadTensor(b, 'bias', C);
    expect(ww.shape).toEqual([92, D]);
    expect(bw.shape).toEqual([92]);
    expect(Array.from(ww.data.subarray(0, C * D))).toEqual(Array.from(w.data.subarray(0, C * D)));
    expect(Array.from(ww.data.subarray(91 * D))).toEqual(Array.from(w.data.subarray(C * D)));
    expect(ww.data.subarray(C * D, 91 * D).every((x) => x === 0)).toBe(true);
    expect(bw.data[91]).toBe(b.data[C]);
    expect(bw.data.subarray(C, 91).every((x) => x === IMPOSSIBLE_BIAS)).toBe(true);
    const m = widenHeadTensor(b, 'bias', C, true);
    expect(m.data.subarray(C, 91).every((x) => x === 0)).toBe(true);
    expect(widenedFrom(ww, bw)).toBe(C);
    expect(narrowHeadTensor(ww, C)).toEqual(w);
    const fit = fitClassHead(new Map([['class_embed.weight', ww], ['class_embed.bias', bw]]), C);
    expect(fit.tensors.get('class_embed.weight')).toEqual(w);
    expect(fit.tensors.get('class_embed.bias')).toEqual(b);
    expect(fit.note).toMatch(/narrowed from the official 91 classes back to num_classes 4/);
  });

  it('a head whose rows above C were trained is not narrowed; a 91-class config keeps it', () => {
    const ww = widenHeadTensor(w, 'weight', C);
    const bw = widenHeadTensor(b, 'bias', C);
    ww.data[(C + 3) * D] = 0.01; // class C+3 learned something
    const sd = new Map([['class_embed.weight', ww], ['class_embed.bias', bw]]);
    expect(widenedFrom(ww, bw)).toBe(C + 4);
    expect(fitClassHead(sd, C).note).toBeUndefined();
    expect(fitClassHead(sd, C + 4).tensors.get('class_embed.weight')!.shape).toEqual([C + 5, D]);
    expect(fitClassHead(sd, 91).tensors).toBe(sd);
  });
});

const torchOk = hasPython(['torch']);
if (!torchOk) skipReason('class head widening checked with PyTorch', '/usr/bin/python3 has no torch');
const official = process.env.DETR_OFFICIAL_REPO;
if (!official) skipReason('class head widening with the official SetCriterion/PostProcess', 'DETR_OFFICIAL_REPO is not set (a checkout of facebookresearch/detr)');

describe.skipIf(!torchOk)('class head widening (PyTorch)', () => {
  it('changes no probability, loss, gradient, matching or PostProcess result; impossible rows stay impossible', () => {
    const rng = new Rng(11);
    const L = 3; // decoder layers: the last and two aux
    const B = 2;
    const Q = 10;
    const w = randn(rng, [C + 1, D], 0.5);
    const b = randn(rng, [C + 1]);
    const hs = randn(rng, [L, B, Q, D], 2); // logits up to ~20
    const boxes = { shape: [L, B, Q, 4], data: Float32Array.from({ length: L * B * Q * 4 }, () => 0.2 + 0.5 * rng.uniform()) };
    const tgt = (labels: number[]) => ({
      labels: { dtype: 'int64' as const, shape: [labels.length], data: BigInt64Array.from(labels.map(BigInt)) },
      boxes: raw({ shape: [labels.length, 4], data: Float32Array.from({ length: labels.length * 4 }, () => 0.2 + 0.4 * rng.uniform()) }),
    });
    const root = new PyDict('dict', [
      ['narrow', { weight: raw(w), bias: raw(b) }],
      ['wide', { weight: raw(widenHeadTensor(w, 'weight', C)), bias: raw(widenHeadTensor(b, 'bias', C)) }],
      ['hs', raw(hs)],
      ['boxes', raw(boxes)],
      ['targets', [tgt([1, 3, 3]), tgt([2])]],
      ['num_classes', C],
    ]);
    const file = join(mkdtempSync(join(tmpdir(), 'head-')), 'heads.pth');
    writeFileSync(file, concatParts(writePth(root, { stem: 'heads' })));
    const args = [resolve(REPO_ROOT, 'src/export/class_head_check.py'), file, ...(official ? [official] : [])];
    const r = JSON.parse(execFileSync(SYSTEM_PYTHON, args, { encoding: 'utf8' })) as Record<string, any>;
    for (const t of ['f32', 'f64']) {
      expect(r[`${t}_impossible_prob_max`], t).toBe(0);
      expect(r[`${t}_grad_impossible_max`], t).toBe(0);
      expect(r[`${t}_adamw_impossible_weight_max`], t).toBe(0);
      expect(r[`${t}_adamw_impossible_moments_max`], t).toBe(0);
      expect(r[`${t}_adamw_impossible_bias_max`], t).toBeLessThanOrEqual(-9999); // weight decay only: -1e4 * (1 - 1e-8)^3
      expect(r[`${t}_argmax_is_noobject_equal`], t).toBe(true);
      expect(r[`${t}_postprocess_labels_equal`], t).toBe(true);
    }
    // float32: same values up to summation order; float64: the same to the last bits.
    expect(r.f32_prob_max_abs).toBeLessThanOrEqual(2 ** -22); // 2 ulp of 1.0: summation order only
    expect(r.f64_prob_max_abs).toBeLessThan(1e-15);
    expect(Math.abs(r.f32_ce[0] - r.f32_ce[1])).toBeLessThan(1e-6 * Math.abs(r.f32_ce[0]));
    expect(Math.abs(r.f64_ce[0] - r.f64_ce[1])).toBeLessThan(1e-14 * Math.abs(r.f64_ce[0]));
    expect(r.f32_grad_real_max_abs).toBeLessThan(1e-6);
    expect(r.f64_grad_real_max_abs).toBeLessThan(1e-14);
    expect(r.f32_postprocess_scores_max_abs).toBeLessThanOrEqual(2 ** -22);
    if (official) {
      const [narrow, wide] = r.official_losses as Record<string, number>[];
      expect(Object.keys(wide).sort()).toEqual(Object.keys(narrow).sort());
      expect(Object.keys(narrow)).toContain('loss_ce_1');
      for (const k of Object.keys(narrow)) expect(Math.abs(wide[k] - narrow[k]), k).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(narrow[k])));
      expect(r.official_indices_equal).toBe(true);
      expect(r.official_postprocess.labels_equal).toBe(true);
      expect(r.official_postprocess.scores_max_abs).toBeLessThanOrEqual(2 ** -22);
      expect(r.official_postprocess.boxes_max_abs).toBe(0);
    }
  }, 60_000);
});
