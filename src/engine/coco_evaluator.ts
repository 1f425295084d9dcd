/**
 * The EvalHook's evaluator: the model in eval mode on every validation image (eval transform,
 * batches of `batchSize` in ascending image id), PostProcess with all queries kept (as DETR's
 * CocoEvaluator receives them), then pycocotools' bbox evaluation -> the 12 stats by name.
 */
import type { DetrConfig } from '../config/config';
import type { Dataset } from '../data/dataset';
import { loadEvalBatch } from '../data/loader';
import type { ImageDecoder } from '../data/ports';
import type { DETR } from '../model/detr';
import { evaluateCoco } from '../eval/coco_eval';
import { COCO_STAT_NAMES, type CocoDetection, type CocoImage } from '../eval/coco_types';
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

  async evaluate(model: DETR): Promise<Record<string, number>> {
    const images: CocoImage[] = [];
    const dts: CocoDetection[] = [];
    const n = this.ds.images.length;
    for (let start = 0; start < n; start += this.batchSize) {
      const indices = Array.from({ length: Math.min(this.batchSize, n - start) }, (_, k) => start + k);
      const batch = await loadEvalBatch(this.cfg, this.ds, this.decoder, indices);
      const dets = await predictDetections(model, batch);
      batch.targets.forEach((t, k) => {
        const [h, w] = t.orig_size;
        images.push({ id: t.image_id, width: w, height: h });
        dts.push(...toCocoResults(t.image_id, dets[k]));
      });
    }
    const annotations = this.ds.images.flatMap((im) => this.ds.annotations.get(im.id) ?? []);
    const summary = evaluateCoco({ images, annotations, categories: this.ds.categories }, dts);
    return Object.fromEntries(COCO_STAT_NAMES.map((name, i) => [name, summary.stats[i]]));
  }
}
