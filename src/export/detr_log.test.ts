/**
 * DETR's log.txt: our lines have the official schema (keys and order of a line main.py wrote,
 * testdata/official_log.txt) and values (scaled = weight x unscaled, epoch means); the parser turns
 * official lines into chart records and refuses what is not a log.txt, naming the line.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { REPO_ROOT } from '../testing/paths';
import { parseConfig } from '../config/config';
import { buildWeightDict } from '../model/build';
import { detrLogRecord, lossDictOrder, parseDetrLog } from './detr_log';

const OFFICIAL_LINE = readFileSync(resolve(REPO_ROOT, 'src/export/testdata/official_log.txt'), 'utf8');
const official = JSON.parse(OFFICIAL_LINE) as Record<string, unknown>;

/** Per-epoch means as our trainer's scalars would give them (unscaled losses, SetCriterion order). */
const TRAIN = {
  lr: 1e-5, total_loss: 14.8, loss_ce: 1.5, class_error: 90, loss_bbox: 0.8, loss_giou: 1.0, cardinality_error: 1.5,
  loss_ce_0: 1.4, loss_bbox_0: 0.75, loss_giou_0: 1.04, cardinality_error_0: 2, grad_norm: 120, epoch: 2,
};

describe('log.txt writing', () => {
  const wd = buildWeightDict(parseConfig({ dec_layers: 2 }));

  it('has the keys of the official main.py, in its order, when evaluation ran', () => {
    const rec = detrLogRecord({ epoch: 2, train: TRAIN, weightDict: wd, cocoEvalBbox: new Array(12).fill(0), nParameters: 5 });
    expect(Object.keys(rec)).toEqual(Object.keys(official));
    expect(rec).toMatchObject({ train_lr: 1e-5, train_loss: 14.8, train_loss_bbox: 0.8 * 5, train_loss_giou_0: 1.04 * 2, train_loss_ce_unscaled: 1.5, train_class_error: 90, train_class_error_unscaled: 90, epoch: 2, n_parameters: 5 });
    expect(rec.test_loss).toBeNull(); // the studio's evaluation measures AP, not validation losses
    expect(rec.test_coco_eval_bbox).toHaveLength(12);
    expect(rec).not.toHaveProperty('train_grad_norm');
  });

  it('without evaluation: train keys only', () => {
    const rec = detrLogRecord({ epoch: 0, train: TRAIN, weightDict: wd, nParameters: 5 });
    expect(Object.keys(rec).filter((k) => k.startsWith('test_'))).toEqual([]);
    expect(Object.keys(rec).slice(-2)).toEqual(['epoch', 'n_parameters']);
  });

  it('orders loss keys as SetCriterion creates them', () => {
    expect(lossDictOrder(['loss_giou_1', 'cardinality_error', 'loss_ce_1', 'loss_bbox', 'class_error', 'loss_ce', 'lr', 'loss_ce_0', 'loss_giou'])).toEqual([
      'loss_ce', 'class_error', 'loss_bbox', 'loss_giou', 'cardinality_error', 'loss_ce_0', 'loss_ce_1', 'loss_giou_1',
    ]);
  });
});

describe('log.txt reading', () => {
  it('turns main.py\'s lines into chart records (unscaled losses, lr, AP), placed at the epoch\'s last iteration', () => {
    const recs = parseDetrLog(OFFICIAL_LINE + '\n' + OFFICIAL_LINE.replace('"epoch": 2', '"epoch": 3'), 'log.txt', { itersPerEpoch: 4 });
    expect(recs.map((r) => [r.iteration, r.epoch])).toEqual([[11, 2], [15, 3]]);
    expect(recs[0]).toMatchObject({
      lr: official.train_lr, total_loss: official.train_loss, loss_ce: official.train_loss_ce_unscaled, loss_bbox_0: official.train_loss_bbox_0_unscaled,
      class_error: official.train_class_error, cardinality_error: official.train_cardinality_error_unscaled, 'test/total_loss': official.test_loss,
      'test/loss_giou': official.test_loss_giou_unscaled, 'bbox/AP': 0, 'bbox/APl': -1,
    });
    expect(parseDetrLog(OFFICIAL_LINE)[0].iteration).toBe(2); // without iterations per epoch: the epoch
  });

  it.each([
    ['{"epoch": 0}\nnot json', /log.txt line 2: not valid JSON/],
    ['[1, 2]', /log.txt line 1: expected a JSON object/],
    ['{"train_loss": 1}', /log.txt line 1: "epoch" is missing/],
    ['{"epoch": 1}\n{"epoch": 1}', /line 2: epoch 1 after epoch 1 \(two runs in one file\?\)/],
    ['{"epoch": 0, "test_coco_eval_bbox": [1]}', /"test_coco_eval_bbox" must be a list of 12 numbers/],
    ['\n', /log.txt: no epoch lines found/],
  ])('%j -> a clear error', (text, message) => {
    expect(() => parseDetrLog(text, 'log.txt')).toThrow(message);
  });

  it('reads our own log.txt the same way', () => {
    const wd = buildWeightDict(parseConfig({ dec_layers: 2 }));
    const line = JSON.stringify(detrLogRecord({ epoch: 0, train: TRAIN, weightDict: wd, cocoEvalBbox: new Array(12).fill(0.5), nParameters: 1 }));
    const [r] = parseDetrLog(line, join('run', 'log.txt'));
    expect(r).toMatchObject({ lr: 1e-5, total_loss: 14.8, loss_bbox: 0.8, 'bbox/AR100': 0.5 });
    expect(r).not.toHaveProperty('test/total_loss'); // null: not measured
  });
});
