/**
 * buildModel(cfg): the only reader of the model part of DetrConfig (as the official build()).
 */
import type { DetrConfig } from '../config/config';
import { Backbone } from './backbone';
import { DETR, Joiner } from './detr';
import { PositionEmbeddingLearned, PositionEmbeddingSine, type PositionEmbedding } from './position_encoding';
import { Transformer } from './transformer';
import { seededRng, type Rng } from './init';
import { HungarianMatcher } from './matcher';
import { SetCriterion } from './criterion';

export function buildPositionEncoding(cfg: DetrConfig, rng: Rng): PositionEmbedding {
  const nSteps = cfg.hidden_dim / 2;
  const table: Record<DetrConfig['position_embedding'], () => PositionEmbedding> = {
    sine: () => new PositionEmbeddingSine(nSteps),
    learned: () => new PositionEmbeddingLearned(nSteps, rng),
  };
  return table[cfg.position_embedding]();
}

export function buildTransformer(cfg: DetrConfig, rng: Rng): Transformer {
  return new Transformer(
    {
      dModel: cfg.hidden_dim,
      nhead: cfg.nheads,
      numEncoderLayers: cfg.enc_layers,
      numDecoderLayers: cfg.dec_layers,
      dimFeedforward: cfg.dim_feedforward,
      dropout: cfg.dropout,
      normalizeBefore: cfg.pre_norm,
    },
    rng,
  );
}

/** A freshly initialised DETR for `cfg` (parameters drawn from `seed`). Requires an initialised tfjs backend. */
export function buildModel(cfg: DetrConfig, seed = cfg.seed): DETR {
  const rng = seededRng(seed);
  const body = new Backbone(cfg.backbone, cfg.lr_backbone > 0, cfg.dilation, rng);
  const position = buildPositionEncoding(cfg, rng);
  const transformer = buildTransformer(cfg, rng);
  return new DETR(new Joiner(body, position), transformer, {
    numClasses: cfg.num_classes,
    numQueries: cfg.num_queries,
    hiddenDim: cfg.hidden_dim,
    auxLoss: cfg.aux_loss,
  }, rng);
}

/** DETR's weight_dict: loss_ce 1, loss_bbox and loss_giou by their coefficients, the same for every aux layer. */
export function buildWeightDict(cfg: DetrConfig): Record<string, number> {
  const base: Record<string, number> = { loss_ce: 1, loss_bbox: cfg.bbox_loss_coef, loss_giou: cfg.giou_loss_coef };
  const out = { ...base };
  if (cfg.aux_loss) {
    for (let i = 0; i < cfg.dec_layers - 1; i++) for (const [k, v] of Object.entries(base)) out[`${k}_${i}`] = v;
  }
  return out;
}

export function buildMatcher(cfg: DetrConfig): HungarianMatcher {
  return new HungarianMatcher({ costClass: cfg.set_cost_class, costBbox: cfg.set_cost_bbox, costGiou: cfg.set_cost_giou });
}

export function buildCriterion(cfg: DetrConfig): SetCriterion {
  return new SetCriterion(buildMatcher(cfg), {
    numClasses: cfg.num_classes,
    eosCoef: cfg.eos_coef,
    weightDict: buildWeightDict(cfg),
    losses: ['labels', 'boxes', 'cardinality'],
  });
}
