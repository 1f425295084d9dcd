import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { parseConfig } from '../config/config';
import type { Batch } from '../data/types';
import type { DetrOutputs } from '../model/detr';
import { initNodeBackend } from '../platform/node/backend';
import { loadNodeDataset } from '../platform/node/dataset_source';
import { NodeImageDecoder } from '../platform/node/image_decoder';
import { buildModel } from '../model/build';
import { loadStateDict } from '../model/state_dict';
import { evaluateCoco } from '../eval/coco_eval';
import { COCO_STAT_NAMES, type CocoDetection, type CocoImage } from '../eval/coco_types';
import { hasTinyFixture, REPO_ROOT, TINY_FIXTURE } from '../testing/paths';
import { loadTinyFixture } from '../testing/tiny_fixture';
import { CocoEvaluator } from './coco_evaluator';

describe.skipIf(!hasTinyFixture())('CocoEvaluator', () => {
  it("gives the stats of the official DETR's detections on the fixture (batches of 3 over 4 images)", async () => {
    await initNodeBackend('wasm');
    const fx = loadTinyFixture();
    const ds = await loadNodeDataset(`${TINY_FIXTURE}/data`);
    const model = buildModel(fx.config);
    loadStateDict(model, fx.weights);
    const stats = await new CocoEvaluator(ds, new NodeImageDecoder(), fx.config, 3).evaluate(model);
    model.dispose();
    // The same evaluation of the reference's detections (official PostProcess, all queries).
    const images: CocoImage[] = fx.reference.images.map((im: { image_id: number; orig_size: [number, number] }) => ({ id: im.image_id, width: im.orig_size[1], height: im.orig_size[0] }));
    const dts: CocoDetection[] = fx.reference.detections;
    const annotations = ds.images.flatMap((im) => ds.annotations.get(im.id) ?? []);
    const refSummary = evaluateCoco({ images, annotations, categories: ds.categories }, dts);
    const ref = refSummary.stats;
    expect(Object.keys(stats)).toEqual([...COCO_STAT_NAMES, ...ds.categories.map((c) => `AP-${c.name}`)]);
    for (const c of refSummary.perCategory) expect(stats[`AP-${c.name}`]).toBeCloseTo(c.ap, 6);
    COCO_STAT_NAMES.forEach((k, i) => expect(stats[k], k).toBeCloseTo(ref[i], 6)); // (an untrained model: AP 0)
    await ds.source.close?.();
  });
});

describe('CocoEvaluator on perfect detections', () => {
  it('gives AP = AR = 1 when the model outputs every target box with its class (sample val set, batches of 5)', async () => {
    await initNodeBackend('wasm');
    const cfg = parseConfig({ backbone: 'resnet18', hidden_dim: 32, nheads: 2, enc_layers: 1, dec_layers: 1, dim_feedforward: 32, num_queries: 8, num_classes: 4, min_size: 64, max_size: 112 });
    const ds = await loadNodeDataset(resolve(REPO_ROOT, 'public/sample/val'));
    const model = buildModel(cfg);
    // A known-answer stand-in for a trained model: query j of image b predicts target j (its
    // normalised box, its class with probability ~1); the other queries predict no-object.
    model.call = (batch: Batch): DetrOutputs => {
      const [B, Q, K] = [batch.batchSize, cfg.num_queries, cfg.num_classes + 1];
      const logits = new Float32Array(B * Q * K).fill(-10);
      const boxes = new Float32Array(B * Q * 4).fill(0.25);
      batch.targets.forEach((t, b) => {
        for (let q = 0; q < Q; q++) {
          const j = q < t.labels.length ? q : -1;
          logits[(b * Q + q) * K + (j >= 0 ? t.labels[j] : K - 1)] = 10;
          if (j >= 0) boxes.set(t.boxes.subarray(j * 4, j * 4 + 4), (b * Q + q) * 4);
        }
      });
      return { pred_logits: tf.tensor3d(logits, [B, Q, K]), pred_boxes: tf.tensor3d(boxes, [B, Q, 4]), aux_outputs: [] };
    };
    const stats = await new CocoEvaluator(ds, new NodeImageDecoder(), cfg, 5).evaluate(model);
    model.dispose();
    await ds.source.close?.();
    for (const k of ['AP', 'AP50', 'AP75', 'AR10', 'AR100']) expect(stats[k], k).toBeCloseTo(1, 6);
    for (const k of ['APs', 'APm', 'APl', 'ARs', 'ARm', 'ARl']) expect([1, -1], k).toContain(Math.round(stats[k] * 1e6) / 1e6);
  });
});
