/**
 * Our DETR against the OFFICIAL one on configurations beyond the tiny fixture: resnet34/50/101, DC5,
 * learned position embedding, pre-norm, aux_loss false, other num_classes / num_queries / hidden sizes,
 * and images whose evaluation resize is not trivial (src/testing/reference_cases.ts).
 *
 * For each committed reference (src/model/testdata/<name>.json, written by
 * scripts/reference/make_config_references.py from the official code) this
 *  - regenerates the weights in TypeScript (buildModel + data-dependent init) and checks they are the
 *    very bytes the official model loaded (sha256), and regenerates the dataset images (decoded pixels
 *    checked against PIL's by sha256);
 *  - runs what `predict` runs (decode, evalTransform, collate, predictRaw / predictDetections) on the
 *    predict files: raw outputs and PostProcess results;
 *  - runs what `loss` runs (loadNodeDataset, loadEvalBatch, computeLoss) on the whole dataset, and the
 *    matcher's cost matrices of that batch;
 * and compares at the contract's tolerance |d| <= 1e-4 + 1e-3 |ref| (matcher: the same pairs, or a valid
 * assignment of equal optimal cost on the reference's cost matrix, within 1e-4).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initNodeBackend } from '../platform/node/backend';
import { NodeImageDecoder } from '../platform/node/image_decoder';
import { loadNodeDataset } from '../platform/node/dataset_source';
import { computeLoss, predictDetections, predictRaw } from '../engine/inference';
import { loadEvalBatch } from '../data/loader';
import { evalTransform } from '../data/transforms';
import { prepareTarget } from '../data/target';
import { collate } from '../data/collate';
import type { Batch } from '../data/types';
import { REFERENCE_CASES, caseDataset, type ReferenceCase } from '../testing/reference_cases';
import { seededWeights } from '../testing/seeded_weights';
import { closeReport, flat } from '../testing/expect_close';
import { tempDir } from '../testing/make_dataset';
import { buildCriterion } from './build';
import type { DETR } from './detr';
import { EVAL } from './module';

const TESTDATA = resolve(import.meta.dirname, 'testdata');
const RTOL = 1e-3;
const ATOL = 1e-4;

type Pairs = [number[], number[]][];

interface SamplesSummary {
  shape: number[];
  mask_sum: number;
  channel_sums: number[][];
}

/** Worst tolerance ratio per quantity, for the summary line. */
class Ratios {
  readonly worst = new Map<string, number>();
  check(what: string, actual: ArrayLike<number>, expected: ArrayLike<number>, rtol = RTOL, atol = ATOL): void {
    const r = closeReport(actual, expected, rtol, atol);
    this.worst.set(what, Math.max(this.worst.get(what) ?? 0, r.worstRatio));
    expect(r.worstRatio, `${what}: element ${r.worstIndex} is ${actual[r.worstIndex]} vs ${expected[r.worstIndex]} (max_abs ${r.maxAbs.toExponential(2)})`).toBeLessThanOrEqual(1);
  }
  line(): string {
    return [...this.worst].map(([k, v]) => `${k} ${v.toExponential(1)}`).join(', ');
  }
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** The official NestedTensor summary: [B, 3, H, W], padded pixels, per image and channel the pixel sum. */
function summarise(batch: Batch): SamplesSummary {
  const { batchSize: B, height: H, width: W } = batch;
  const sums = Array.from({ length: B }, () => [0, 0, 0]);
  for (let b = 0; b < B; b++) for (let i = 0; i < H * W; i++) for (let c = 0; c < 3; c++) sums[b][c] += batch.pixels[(b * H * W + i) * 3 + c];
  return { shape: [B, 3, H, W], mask_sum: batch.mask.reduce((a, m) => a + m, 0), channel_sums: sums };
}

function checkSamples(ratios: Ratios, ours: SamplesSummary, ref: SamplesSummary, what: string): void {
  expect(ours.shape, `${what} batch shape`).toEqual(ref.shape);
  expect(ours.mask_sum, `${what} padding`).toBe(ref.mask_sum);
  ratios.check('pixels', flat(ours.channel_sums), flat(ref.channel_sums), 1e-6, 1e-2);
}

/** The same (query, target) pairs, or a valid assignment whose cost on the reference matrix is optimal too. */
function checkMatch(ours: Pairs, ref: Pairs, costs: number[][][], what: string): 'exact' | 'tie' {
  let kind: 'exact' | 'tie' = 'exact';
  ours.forEach(([src, tgt], b) => {
    const [rs, rt] = ref[b];
    const key = (s: number[], t: number[]) => s.map((q, i) => `${q}:${t[i]}`).sort().join(' ');
    if (key(src, tgt) === key(rs, rt)) return;
    kind = 'tie';
    expect(src.length, `${what} image ${b}: number of matches`).toBe(rs.length);
    expect(new Set(src).size, `${what} image ${b}: a query matched twice`).toBe(src.length);
    expect([...tgt].sort((x, y) => x - y), `${what} image ${b}: targets`).toEqual([...rt].sort((x, y) => x - y));
    const cost = (s: number[], t: number[]) => s.reduce((acc, q, i) => acc + costs[b][q][t[i]], 0);
    expect(Math.abs(cost(src, tgt) - cost(rs, rt)), `${what} image ${b}: ${key(src, tgt)} vs official ${key(rs, rt)}`).toBeLessThanOrEqual(1e-4);
  });
  return kind;
}

interface OfficialParameters {
  count: number;
  buffers: number;
  frozen: string[];
  lr_group_count: number;
  lr_backbone_group_count: number;
  lr_backbone_group_outside_resnet: string[];
}

/**
 * Parameters vs buffers, which are frozen (requires_grad), and main.py's two lr groups (trained
 * parameters with "backbone" in the name get lr_backbone: the learned position embedding's
 * backbone.1.* included) as the official model has them.
 */
function checkParameters(model: DETR, official: OfficialParameters): void {
  const params = model.entries().filter((e) => e.kind === 'param');
  const trained = params.filter((e) => e.variable.trainable).map((e) => e.name);
  const backboneGroup = trained.filter((n) => n.includes('backbone'));
  expect({
    count: params.length,
    buffers: model.entries().length - params.length,
    frozen: params.filter((e) => !e.variable.trainable).map((e) => e.name),
    lr_group_count: trained.length - backboneGroup.length,
    lr_backbone_group_count: backboneGroup.length,
    lr_backbone_group_outside_resnet: backboneGroup.filter((n) => !n.startsWith('backbone.0.')),
  }).toEqual(official);
}

async function runCase(c: ReferenceCase): Promise<string> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const ref: any = JSON.parse(readFileSync(join(TESTDATA, `${c.name}.json`), 'utf8'));
  expect(ref.config, 'the reference was made for this config').toEqual(c.config);
  expect(ref.seed).toBe(c.seed);
  await initNodeBackend('wasm');
  const t0 = Date.now();
  const w = await seededWeights(c.config, c.seed);
  expect(w.sha256, 'regenerated weights differ from the bytes the official model loaded').toBe(ref.weights_sha256);
  expect(w.weights.size).toBe(ref.state_dict_keys);
  checkParameters(w.model, ref.parameters);
  const tWeights = Date.now() - t0;
  const { cfg, model } = w;
  const dir = tempDir('detr-refcfg-');
  const decoder = new NodeImageDecoder();
  const ratios = new Ratios();
  try {
    for (const [name, bytes] of caseDataset(c)) writeFileSync(join(dir, name), bytes);
    for (const im of ref.images) {
      const img = await decoder.decode(new Uint8Array(readFileSync(join(dir, im.file_name))), im.file_name);
      expect([img.width, img.height, sha256(img.data)], `${im.file_name}: decoded pixels differ from PIL's`).toEqual([im.width, im.height, im.rgb_sha256]);
    }

    // predict --raw: the files in command-line order, evaluation transform, one padded batch
    const transform = evalTransform(cfg.min_size, cfg.max_size);
    const samples = [];
    for (const [i, file] of c.predict.entries()) {
      const img = await decoder.decode(new Uint8Array(readFileSync(join(dir, file))), file);
      samples.push(transform(img, prepareTarget(i, [], img.width, img.height).target));
    }
    const predictBatch = collate(samples);
    checkSamples(ratios, summarise(predictBatch), ref.predict.samples, 'predict');
    const raw = await predictRaw(model, predictBatch);
    const fw = ref.predict.outputs;
    ratios.check('logits', flat(raw.pred_logits), flat(fw.pred_logits));
    ratios.check('boxes', flat(raw.pred_boxes), flat(fw.pred_boxes));
    expect(raw.aux_outputs.length, 'aux outputs').toBe(fw.aux_outputs.length);
    expect(ref.predict.aux_logits_omitted).toBe(c.compactAux ?? false);
    raw.aux_outputs.forEach((a, i) => {
      if (!ref.predict.aux_logits_omitted) ratios.check('aux', flat(a.pred_logits), flat(fw.aux_outputs[i].pred_logits));
      ratios.check('aux', flat(a.pred_boxes), flat(fw.aux_outputs[i].pred_boxes));
    });
    // predict without --raw: PostProcess (scores, labels, boxes in original pixels; box atol scaled by the image size)
    const dets = await predictDetections(model, predictBatch);
    dets.forEach((d, b) => {
      const rp = ref.predict.postprocess[b];
      expect(predictBatch.targets[b].orig_size).toEqual(rp.orig_size);
      expect(Array.from(d.labels), `image ${b} labels`).toEqual(rp.labels);
      ratios.check('detections', d.scores, rp.scores);
      ratios.check('detections', d.boxes, flat(rp.boxes), RTOL, ATOL * Math.max(...rp.orig_size));
    });

    // loss: every image in ascending id as one batch
    const ds = await loadNodeDataset(dir);
    const batch = await loadEvalBatch(cfg, ds, decoder);
    const L = ref.loss;
    expect(batch.targets.map((t) => t.image_id), 'image order').toEqual(L.image_ids);
    checkSamples(ratios, summarise(batch), L.samples, 'loss');
    batch.targets.forEach((t, b) => {
      const rt = L.targets[b];
      expect([Array.from(t.labels), t.orig_size, t.size], `targets of image ${t.image_id}`).toEqual([rt.labels, rt.orig_size, rt.size]);
      ratios.check('targets', t.boxes, flat(rt.boxes));
    });
    const criterion = buildCriterion(cfg);
    const loss = await computeLoss(model, criterion, batch);
    expect(Object.keys(loss.losses).sort(), 'loss keys').toEqual(Object.keys(L.losses).sort());
    for (const [k, v] of Object.entries(L.losses as Record<string, number>)) ratios.check('losses', [loss.losses[k]], [v]);
    ratios.check('losses', [loss.total], [L.total]);
    const kinds = [checkMatch(loss.indices, L.indices, L.cost_matrices[0], 'final layer')];
    expect(loss.aux_indices.length).toBe(L.aux_indices.length);
    loss.aux_indices.forEach((ix, l) => kinds.push(checkMatch(ix, L.aux_indices[l], L.cost_matrices[l + 1], `aux layer ${l}`)));

    // the matcher's cost matrices of that batch: ours [B*Q, T] per layer, the official per image [Q][T_b]
    const out = tf.tidy(() => model.call(batch, EVAL));
    const { costs } = await criterion.match(out, batch.targets);
    tf.dispose([out.pred_logits, out.pred_boxes, ...out.aux_outputs.flatMap((a) => [a.pred_logits, a.pred_boxes])]);
    const sizes = batch.targets.map((t) => t.labels.length);
    const T = sizes.reduce((a, b) => a + b, 0);
    const Q = cfg.num_queries;
    expect(costs.length).toBe(L.cost_matrices.length);
    costs.forEach((layer, l) => {
      let col0 = 0;
      sizes.forEach((n, b) => {
        const ours: number[] = [];
        for (let q = 0; q < Q; q++) for (let j = 0; j < n; j++) ours.push(layer[(b * Q + q) * T + col0 + j]);
        ratios.check('costs', ours, flat(L.cost_matrices[l][b]));
        col0 += n;
      });
    });
    const ties = kinds.filter((k) => k === 'tie').length;
    return `${c.name}: tol ratios ${ratios.line()}; matcher ${kinds.length - ties}/${kinds.length} layers exact; weights ${(tWeights / 1000).toFixed(1)} s, total ${((Date.now() - t0) / 1000).toFixed(1)} s`;
  } finally {
    model.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('DETR equals the official implementation on other configs', () => {
  it('every reference case has a committed reference and every reference a case', () => {
    const files = existsSync(TESTDATA) ? readdirSync(TESTDATA).filter((f) => f.endsWith('.json')) : [];
    expect(files.map((f) => f.replace(/\.json$/, '')).sort()).toEqual(REFERENCE_CASES.map((c) => c.name).sort());
  });

  for (const c of REFERENCE_CASES) {
    it(`${c.name}: predict --raw, loss, matcher`, async () => {
      console.log(await runCase(c));
    });
  }
});
