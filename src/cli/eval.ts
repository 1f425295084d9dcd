/**
 * `detr-studio eval --data D (--config C --weights W | --detections F) [--per-category] [--out F] [--backend B]`:
 * COCO box evaluation with pycocotools' semantics (src/eval, docs/coco_eval.md). With --detections, any
 * COCO results file (entries with image_id, or with file_name as `predict` writes them); with
 * --config/--weights, the model runs on every image of D (evaluation transform, batches of batch_size)
 * through PostProcess. Prints the 12 stats {AP, AP50, ..., ARl} (fractions, -1 where undefined);
 * --per-category adds {"per_category": [{id, name, ap}]}.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { CliCommand } from './main';
import { parseArgs, UsageError } from './args';
import { setupModel, writeJson } from './model_setup';
import { CocoEvaluator, groundTruth } from '../engine/coco_evaluator';
import { evaluateCoco } from '../eval/coco_eval';
import { COCO_STAT_NAMES, type CocoDetection, type CocoSummary } from '../eval/coco_types';
import { NodeImageDecoder } from '../platform/node/image_decoder';
import { loadNodeDataset, openDataset } from '../platform/node/dataset_source';
import { parseCocoText, type CocoDataset } from '../data/coco';
import { decodeUtf8 } from '../data/coco_json';

const USAGE = 'detr-studio eval --data DATASET (--config C --weights W | --detections RESULTS.json) [--per-category] [--out F] [--backend wasm|cpu|webgpu]';

/** Reads a COCO results file; `file_name` entries are resolved to the dataset's image ids. */
export function readDetections(path: string, ds: Pick<CocoDataset, 'images'>): CocoDetection[] {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : `not valid JSON (${(e as Error).message})`}`);
  }
  if (!Array.isArray(raw)) throw new Error(`${path}: expected a JSON list of COCO results [{image_id, category_id, bbox, score}], got ${raw === null ? 'null' : typeof raw}`);
  const byName = new Map<string, number>();
  for (const im of ds.images) {
    byName.set(im.file_name, im.id);
    if (!byName.has(basename(im.file_name))) byName.set(basename(im.file_name), im.id);
  }
  return raw.map((d, i) => {
    const where = `${path}: entry ${i}`;
    if (d === null || typeof d !== 'object') throw new Error(`${where} is not an object`);
    const e = d as Record<string, unknown>;
    let imageId = e.image_id;
    if (imageId === undefined && typeof e.file_name === 'string') {
      imageId = byName.get(e.file_name) ?? byName.get(basename(e.file_name));
      if (imageId === undefined) throw new Error(`${where}: file_name "${e.file_name}" is not an image of the dataset`);
    }
    if (typeof imageId !== 'number') throw new Error(`${where}: needs a numeric image_id (or a file_name of the dataset)`);
    const bbox = e.bbox;
    if (!Array.isArray(bbox) || bbox.length !== 4 || !bbox.every((v) => typeof v === 'number')) throw new Error(`${where}: bbox must be [x, y, w, h] numbers`);
    if (typeof e.category_id !== 'number' || typeof e.score !== 'number') throw new Error(`${where}: needs numeric category_id and score`);
    return { image_id: imageId, category_id: e.category_id, bbox: bbox as number[], score: e.score };
  });
}

/** The annotations of a dataset folder, .zip or .json, parsed and validated, without touching images. */
async function readAnnotations(path: string): Promise<CocoDataset> {
  const opened = await openDataset(path);
  try {
    const bytes = await opened.source.read(opened.annotations);
    return parseCocoText(decodeUtf8(bytes), `${path}:${opened.annotations}`);
  } finally {
    await opened.source.close?.();
  }
}

export const command: CliCommand = {
  summary: 'COCO box evaluation (pycocotools semantics) of a results file or of the model',
  async run(argv: string[]): Promise<void> {
    const args = parseArgs(
      argv,
      {
        data: { kind: 'string', required: true },
        config: { kind: 'string' },
        weights: { kind: 'string' },
        detections: { kind: 'string' },
        'per-category': { kind: 'flag' },
        out: { kind: 'string' },
        backend: { kind: 'string' },
      },
      USAGE,
    );
    const withModel = args.config !== undefined || args.weights !== undefined;
    if (withModel === (args.detections !== undefined)) throw new UsageError(`give either --detections or --config with --weights\nusage: ${USAGE}`);
    if (withModel && (args.config === undefined || args.weights === undefined)) throw new UsageError(`--config and --weights go together\nusage: ${USAGE}`);
    let summary: CocoSummary;
    if (withModel) {
      const ds = await loadNodeDataset(args.data as string);
      try {
        const { cfg, model } = await setupModel({ config: args.config as string, weights: args.weights as string, backend: args.backend });
        summary = await new CocoEvaluator(ds, new NodeImageDecoder(), cfg, cfg.batch_size).summarize(model);
      } finally {
        await ds.source.close?.();
      }
    } else {
      // Results files need only the annotations: images without a file still count, as in pycocotools.
      const coco = await readAnnotations(args.data as string);
      summary = evaluateCoco(groundTruth(coco), readDetections(args.detections as string, coco));
    }
    for (const w of summary.warnings) console.error(`warning: ${w}`);
    const out: Record<string, unknown> = Object.fromEntries(COCO_STAT_NAMES.map((k, i) => [k, summary.stats[i]]));
    if (args['per-category']) out.per_category = summary.perCategory;
    writeJson(out, args.out as string | undefined);
  },
};
