/**
 * The EvalHook's evaluator: the model in eval mode on every validation image (eval transform,
 * batches of `batchSize` in ascending image id), PostProcess with all queries kept (as DETR's
 * CocoEvaluator receives them), then pycocotools' bbox evaluation -> the 12 stats by name.
 */
import type { DetrConfig } from '../config/config';
import type { Dataset } from '../data/dataset';
import type { CocoDataset } from '../data/coco';
import { loadEvalBatch } from '../data/loader';
import type { ImageDecoder } from '../data/ports';
import type { DETR } from '../model/detr';
import { evaluateCoco } from '../eval/coco_eval';
import { COCO_STAT_NAMES, type CocoDetection, type CocoGroundTruth, type CocoSummary } from '../eval/coco_types';
import { toCocoResults } from '../eval/coco_results';
import { predictDetections } from './inference';
import type { Evaluator } from './ports';

export class CocoEvaluator implements Evaluator {
  constructor(
    private readonly ds: Dataset,
    private readonly decoder: ImageDecoder,
    private readonly cfg: Pick<DetrConfig, 'min_size' | 'max_size'>,
    private readonly batchSize: number,
  ) {}

  /** The 12 stats by name, plus `AP-<category name>` per category (Detectron2's naming). */
  async evaluate(model: DETR): Promise<Record<string, number>> {
    const summary = await this.summarize(model);
    const stats: Record<string, number> = Object.fromEntries(COCO_STAT_NAMES.map((name, i) => [name, summary.stats[i]]));
    for (const c of summary.perCategory) stats[`AP-${c.name}`] = c.ap;
    return stats;
  }

  /** Runs the model over the dataset and evaluates its detections. */
  async summarize(model: DETR): Promise<CocoSummary> {
    const dts: CocoDetection[] = [];
    const n = this.ds.images.length;
    for (let start = 0; start < n; start += this.batchSize) {
      const indices = Array.from({ length: Math.min(this.batchSize, n - start) }, (_, k) => start + k);
      const batch = await loadEvalBatch(this.cfg, this.ds, this.decoder, indices);
      const dets = await predictDetections(model, batch);
      batch.targets.forEach((t, k) => {
        dts.push(...toCocoResults(t.image_id, dets[k]));
      });
    }
    return evaluateCoco(groundTruth(this.ds), dts);
  }
}

/** The dataset's annotations as pycocotools' ground truth (crowd regions included). */
export function groundTruth(ds: Pick<CocoDataset, 'images' | 'annotations' | 'categories'>): CocoGroundTruth {
  return {
    images: ds.images.map(({ id, width, height }: { id: number; width: number | null; height: number | null }) => ({ id, width: width ?? 0, height: height ?? 0 })),
    annotations: ds.images.flatMap((im) => ds.annotations.get(im.id) ?? []),
    categories: ds.categories,
  };
}
