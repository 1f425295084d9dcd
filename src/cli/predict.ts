/**
 * `detr-studio predict --config C --weights W --images F... [--raw] [--threshold T] [--out F] [--backend B]`:
 * the model in eval mode on the images as one padded batch (evaluation resize to min_size/max_size).
 * Without --raw: COCO results `[{file_name, category_id, bbox: [x, y, w, h], score}]` for every query
 * (or those scoring above --threshold), boxes in pixels of the stored image. With --raw: DETR's outputs
 * `{pred_logits, pred_boxes, aux_outputs}`.
 */
import { basename } from 'node:path';
import { readFile } from 'node:fs/promises';
import type { CliCommand } from './main';
import { numberArg, parseArgs, UsageError } from './args';
import { setupModel, writeJson } from './model_setup';
import { predictDetections, predictRaw } from '../engine/inference';
import { NodeImageDecoder } from '../platform/node/image_decoder';
import { evalTransform } from '../data/transforms';
import { prepareTarget } from '../data/target';
import { collate } from '../data/collate';
import { toCocoResults } from '../eval/coco_results';

const USAGE = 'detr-studio predict --config C --weights W --images F... [--raw] [--threshold T] [--out F] [--backend wasm|cpu|webgpu]';

export const command: CliCommand = {
  summary: 'run the model on images (COCO results, or raw outputs with --raw)',
  async run(argv: string[]): Promise<void> {
    const args = parseArgs(
      argv,
      {
        config: { kind: 'string', required: true },
        weights: { kind: 'string', required: true },
        images: { kind: 'list', required: true },
        raw: { kind: 'flag' },
        threshold: { kind: 'string' },
        out: { kind: 'string' },
        backend: { kind: 'string' },
      },
      USAGE,
    );
    const threshold = numberArg(args, 'threshold', -Infinity);
    if (args.raw && args.threshold !== undefined) throw new UsageError('--threshold applies to detections, not to --raw outputs');
    const files = args.images as string[];
    const { cfg, model } = await setupModel({ config: args.config as string, weights: args.weights as string, backend: args.backend });
    const decoder = new NodeImageDecoder();
    const transform = evalTransform(cfg.min_size, cfg.max_size);
    const samples = [];
    for (const [i, file] of files.entries()) {
      let bytes: Uint8Array;
      try {
        bytes = new Uint8Array(await readFile(file));
      } catch {
        throw new Error(`${file}: no such image file`);
      }
      const img = await decoder.decode(bytes, file);
      samples.push(transform(img, prepareTarget(i, [], img.width, img.height).target));
    }
    const batch = collate(samples);
    if (args.raw) {
      writeJson(await predictRaw(model, batch), args.out as string | undefined);
      return;
    }
    const dets = await predictDetections(model, batch);
    const results = dets.flatMap((d, i) =>
      toCocoResults(i, d).filter((r) => r.score > threshold).map(({ category_id, bbox, score }) => ({ file_name: basename(files[i]), category_id, bbox, score })),
    );
    writeJson(results, args.out as string | undefined);
  },
};
