/**
 * `detr-studio loss --config C --weights W --data D [--out F] [--backend B]`: every image of the COCO
 * dataset D (ascending image id) as one batch through the evaluation transform, the model in eval
 * mode, and DETR's criterion: `{losses, total, indices, aux_indices}` (total weighted as DETR's
 * weight_dict; indices per image as [[src...], [tgt...]]).
 */
import type { CliCommand } from './main';
import { parseArgs } from './args';
import { setupModel, writeJson } from './model_setup';
import { computeLoss } from '../engine/inference';
import { buildCriterion } from '../model/build';
import { NodeImageDecoder } from '../platform/node/image_decoder';
import { loadNodeDataset } from '../platform/node/dataset_source';
import { loadEvalBatch } from '../data/loader';

const USAGE = 'detr-studio loss --config C --weights W --data DATASET [--out F] [--backend wasm|cpu|webgpu]';

export const command: CliCommand = {
  summary: "DETR's losses of the whole dataset as one batch (eval mode)",
  async run(argv: string[]): Promise<void> {
    const args = parseArgs(
      argv,
      { config: { kind: 'string', required: true }, weights: { kind: 'string', required: true }, data: { kind: 'string', required: true }, out: { kind: 'string' }, backend: { kind: 'string' } },
      USAGE,
    );
    const { cfg, model } = await setupModel({ config: args.config as string, weights: args.weights as string, backend: args.backend });
    const ds = await loadNodeDataset(args.data as string);
    try {
      const batch = await loadEvalBatch(cfg, ds, new NodeImageDecoder());
      writeJson(await computeLoss(model, buildCriterion(cfg), batch), args.out as string | undefined);
    } finally {
      await ds.source.close?.();
    }
  },
};
