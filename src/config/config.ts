/**
 * DetrConfig: the run's configuration, keyed by the official DETR `main.py` argument names
 * (CONTRACT section 1), so a DETR user recognises every field.
 *
 * This module is the only place where defaults live. `parseConfig` is the only way in from the
 * outside (a JSON file, the page's editor): it fills defaults and rejects unknown keys and wrong
 * types with an error naming the key. Builders (`buildModel(cfg)`, `buildCriterion(cfg)`, ...) are
 * the only readers of the result.
 */

export type BackboneName = 'resnet18' | 'resnet34' | 'resnet50' | 'resnet101';
export type PositionEmbeddingName = 'sine' | 'learned';

export interface DetrConfig {
  // backbone
  backbone: BackboneName;
  dilation: boolean;
  position_embedding: PositionEmbeddingName;
  lr_backbone: number;
  // transformer
  hidden_dim: number;
  nheads: number;
  enc_layers: number;
  dec_layers: number;
  dim_feedforward: number;
  dropout: number;
  pre_norm: boolean;
  num_queries: number;
  // head / loss
  num_classes: number;
  aux_loss: boolean;
  set_cost_class: number;
  set_cost_bbox: number;
  set_cost_giou: number;
  bbox_loss_coef: number;
  giou_loss_coef: number;
  eos_coef: number;
  // optimiser
  lr: number;
  weight_decay: number;
  lr_drop: number;
  clip_max_norm: number;
  batch_size: number;
  epochs: number;
  // data
  min_size: number;
  max_size: number;
  augment: boolean;
  // run (studio additions; official main.py has `seed` too)
  seed: number;
  /** Linear warm-up length in iterations (0 = none, as the official recipe). */
  warmup_iters: number;
  /** Save a training checkpoint every N iterations (and always at the end). */
  checkpoint_period: number;
  /** Run COCO evaluation on the validation split every N iterations (0 = only at epoch ends). */
  eval_period: number;
}

export const DEFAULTS: Readonly<DetrConfig> = Object.freeze({
  backbone: 'resnet50',
  dilation: false,
  position_embedding: 'sine',
  lr_backbone: 1e-5,
  hidden_dim: 256,
  nheads: 8,
  enc_layers: 6,
  dec_layers: 6,
  dim_feedforward: 2048,
  dropout: 0.1,
  pre_norm: false,
  num_queries: 100,
  num_classes: 91,
  aux_loss: true,
  set_cost_class: 1,
  set_cost_bbox: 5,
  set_cost_giou: 2,
  bbox_loss_coef: 5,
  giou_loss_coef: 2,
  eos_coef: 0.1,
  lr: 1e-4,
  weight_decay: 1e-4,
  lr_drop: 200,
  clip_max_norm: 0.1,
  batch_size: 2,
  epochs: 300,
  min_size: 800,
  max_size: 1333,
  augment: true,
  seed: 42,
  warmup_iters: 0,
  checkpoint_period: 500,
  eval_period: 0,
});

export const BACKBONES: readonly BackboneName[] = ['resnet18', 'resnet34', 'resnet50', 'resnet101'];
export const POSITION_EMBEDDINGS: readonly PositionEmbeddingName[] = ['sine', 'learned'];

/** A config problem, always naming the key it concerns. */
export class ConfigError extends Error {
  constructor(
    readonly key: string,
    message: string,
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

type Rule =
  | { kind: 'int'; min: number; max?: number }
  | { kind: 'number'; min?: number; max?: number; exclusiveMin?: boolean }
  | { kind: 'bool' }
  | { kind: 'enum'; values: readonly string[] };

/** One rule per key: the type and the range that the official code accepts (or that makes sense). */
const RULES: Record<keyof DetrConfig, Rule> = {
  backbone: { kind: 'enum', values: BACKBONES },
  dilation: { kind: 'bool' },
  position_embedding: { kind: 'enum', values: POSITION_EMBEDDINGS },
  lr_backbone: { kind: 'number' },
  hidden_dim: { kind: 'int', min: 2 },
  nheads: { kind: 'int', min: 1 },
  enc_layers: { kind: 'int', min: 0 },
  dec_layers: { kind: 'int', min: 1 },
  dim_feedforward: { kind: 'int', min: 1 },
  dropout: { kind: 'number', min: 0, max: 1 },
  pre_norm: { kind: 'bool' },
  num_queries: { kind: 'int', min: 1 },
  num_classes: { kind: 'int', min: 1 },
  aux_loss: { kind: 'bool' },
  set_cost_class: { kind: 'number', min: 0 },
  set_cost_bbox: { kind: 'number', min: 0 },
  set_cost_giou: { kind: 'number', min: 0 },
  bbox_loss_coef: { kind: 'number', min: 0 },
  giou_loss_coef: { kind: 'number', min: 0 },
  eos_coef: { kind: 'number', min: 0 },
  lr: { kind: 'number', min: 0 },
  weight_decay: { kind: 'number', min: 0 },
  lr_drop: { kind: 'int', min: 1 },
  clip_max_norm: { kind: 'number', min: 0 },
  batch_size: { kind: 'int', min: 1 },
  epochs: { kind: 'int', min: 1 },
  min_size: { kind: 'int', min: 1 },
  max_size: { kind: 'int', min: 1 },
  augment: { kind: 'bool' },
  seed: { kind: 'int', min: 0 },
  warmup_iters: { kind: 'int', min: 0 },
  checkpoint_period: { kind: 'int', min: 1 },
  eval_period: { kind: 'int', min: 0 },
};

export const CONFIG_KEYS = Object.keys(RULES) as (keyof DetrConfig)[];

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `the string ${JSON.stringify(v)}`;
  return `${typeof v} ${JSON.stringify(v)}`;
}

function checkValue(key: string, rule: Rule, v: unknown): void {
  const fail = (expected: string) => {
    throw new ConfigError(key, `config key "${key}": expected ${expected}, got ${describe(v)}`);
  };
  switch (rule.kind) {
    case 'bool':
      if (typeof v !== 'boolean') fail('true or false');
      return;
    case 'enum':
      if (typeof v !== 'string' || !rule.values.includes(v)) fail(`one of ${rule.values.map((s) => `"${s}"`).join(', ')}`);
      return;
    case 'int':
      if (typeof v !== 'number' || !Number.isInteger(v)) fail('an integer');
      if ((v as number) < rule.min) fail(`an integer >= ${rule.min}`);
      if (rule.max !== undefined && (v as number) > rule.max) fail(`an integer <= ${rule.max}`);
      return;
    case 'number':
      if (typeof v !== 'number' || !Number.isFinite(v)) fail('a finite number');
      if (rule.min !== undefined && (v as number) < rule.min) fail(`a number >= ${rule.min}`);
      if (rule.max !== undefined && (v as number) > rule.max) fail(`a number <= ${rule.max}`);
      return;
  }
}

/**
 * Validates a parsed JSON value and fills the official defaults for missing keys.
 * Throws ConfigError naming the first bad key (unknown key, wrong type, out of range, or a
 * combination the official code refuses).
 */
export function parseConfig(raw: unknown): DetrConfig {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError('', `a config must be a JSON object of DETR arguments, got ${describe(raw)}`);
  }
  const obj = raw as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    if (!(key in RULES)) {
      throw new ConfigError(key, `unknown config key "${key}" (known keys: ${CONFIG_KEYS.join(', ')})`);
    }
  }
  const cfg = { ...DEFAULTS } as Record<string, unknown>;
  for (const key of CONFIG_KEYS) {
    if (key in obj) {
      checkValue(key, RULES[key], obj[key]);
      cfg[key] = obj[key];
    }
  }
  const c = cfg as unknown as DetrConfig;
  if (c.hidden_dim % c.nheads !== 0) {
    throw new ConfigError('nheads', `config key "nheads": hidden_dim ${c.hidden_dim} is not divisible by nheads ${c.nheads}`);
  }
  if (c.position_embedding === 'sine' && c.hidden_dim % 2 !== 0) {
    throw new ConfigError('hidden_dim', `config key "hidden_dim": the sine position embedding needs an even hidden_dim, got ${c.hidden_dim}`);
  }
  if (c.dilation && (c.backbone === 'resnet18' || c.backbone === 'resnet34')) {
    // torchvision's BasicBlock raises NotImplementedError("Dilation > 1 not supported in BasicBlock").
    throw new ConfigError('dilation', `config key "dilation": ${c.backbone} does not support dilation (DC5 needs resnet50 or resnet101)`);
  }
  return c;
}

/** Parses JSON text (a file's contents or the page's editor) into a DetrConfig. */
export function parseConfigText(text: string, source = 'config'): DetrConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ConfigError('', `${source}: not valid JSON (${(e as Error).message})`);
  }
  return parseConfig(raw);
}
