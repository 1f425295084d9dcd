/**
 * Config presets offered by the Model & config panel. The official ones are DETR's released
 * models (facebookresearch/detr README: DETR R50, R50-DC5, R101), i.e. main.py's defaults with the
 * backbone and dilation changed. "Tiny" is the test-suite model (STYLE habit 9): it trains at a
 * few seconds a step on a software GPU, for trying the studio on a laptop. Its backbone starts from
 * random weights (nothing is downloaded), so it trains at lr_backbone 1e-4 rather than the 1e-5 meant
 * for an ImageNet-pretrained one, at batch 4, without augmentation: on the sample shapes (200
 * iterations, CLI) the mean loss of the last 10 iterations is 0.47x the first loss, against 0.51x at
 * batch 2 and 0.72x with the official recipe's lr_backbone, batch 2 and augmentation.
 */
import { CONFIG_KEYS, DEFAULTS, type DetrConfig } from '../config/config';

export interface ConfigPreset {
  id: string;
  label: string;
  description: string;
  /** Keys that differ from DEFAULTS. */
  overrides: Partial<DetrConfig>;
}

export const CONFIG_PRESETS: readonly ConfigPreset[] = Object.freeze([
  {
    id: 'detr-r50',
    label: 'DETR-R50',
    description: 'ResNet-50, 6+6 layers, 100 queries — 41M parameters (official)',
    overrides: { backbone: 'resnet50', dilation: false },
  },
  {
    id: 'detr-r50-dc5',
    label: 'DETR-R50-DC5',
    description: 'ResNet-50 with a dilated C5 stage: better small objects, 2x the compute (official)',
    overrides: { backbone: 'resnet50', dilation: true },
  },
  {
    id: 'detr-r101',
    label: 'DETR-R101',
    description: 'ResNet-101, 6+6 layers, 100 queries — 60M parameters (official)',
    overrides: { backbone: 'resnet101', dilation: false },
  },
  {
    id: 'tiny',
    label: 'Tiny',
    description: 'ResNet-18, hidden 64, 2+2 layers, 10 queries, 64–128 px: seconds per step on any GPU',
    overrides: {
      backbone: 'resnet18',
      hidden_dim: 64,
      nheads: 4,
      enc_layers: 2,
      dec_layers: 2,
      dim_feedforward: 128,
      num_queries: 10,
      min_size: 64,
      max_size: 128,
      batch_size: 4,
      dropout: 0,
      lr_backbone: 1e-4,
      augment: false,
    },
  },
]);

export function presetById(id: string): ConfigPreset | undefined {
  return CONFIG_PRESETS.find((p) => p.id === id);
}

/** The full config a preset stands for (num_classes kept from `numClasses` when given). */
export function presetConfig(preset: ConfigPreset, numClasses?: number): DetrConfig {
  const cfg: DetrConfig = { ...DEFAULTS, ...preset.overrides };
  if (numClasses !== undefined) cfg.num_classes = numClasses;
  return cfg;
}

/** The editor's text for a config: every key, in the contract's order, two-space JSON. */
export function configToText(cfg: DetrConfig): string {
  const ordered: Record<string, unknown> = {};
  for (const key of CONFIG_KEYS) ordered[key] = cfg[key];
  return JSON.stringify(ordered, null, 2) + '\n';
}

/** The preset a config equals, ignoring num_classes (it follows the dataset); undefined for custom. */
export function matchingPreset(cfg: DetrConfig): ConfigPreset | undefined {
  return CONFIG_PRESETS.find((p) => {
    const want = presetConfig(p, cfg.num_classes);
    return CONFIG_KEYS.every((k) => want[k] === cfg[k]);
  });
}
