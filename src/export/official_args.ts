/**
 * The official DETR main.py command line (get_args_parser at commit 29901c5), as a table: every
 * argument with its type, default and the studio config key it comes from. Two uses:
 *
 *   officialArgs(cfg, job)  the `args` dict a checkpoint carries (plain data: main.py saves an
 *                           argparse.Namespace, which PyTorch >= 2.6 refuses to load by default)
 *   officialFlags(cfg)      the flags that make main.py train with the run's config
 *
 * Studio keys main.py has no flag for: `num_classes` (hard-coded in models/detr.py build(): 91 for
 * coco), `min_size`/`max_size`/`augment` (hard-coded in datasets/coco.py make_coco_transforms),
 * `warmup_iters`, `checkpoint_period`, `eval_period` (studio additions). See docs/outgrow.md.
 */
import type { DetrConfig } from '../config/config';
import { PyDict, PyFloat, type PyValue } from '../weights/pth/py_values';

export const OFFICIAL_REPO = 'https://github.com/facebookresearch/detr';
export const OFFICIAL_COMMIT = '29901c51d7fe8712168b8d0d64351170bc0f83e0';
export const OFFICIAL_COMMIT_SHORT = OFFICIAL_COMMIT.slice(0, 7);

type ArgKind = 'float' | 'int' | 'str' | 'store_true' | 'store_false';

interface OfficialArg {
  /** The attribute name (argparse dest). */
  dest: string;
  kind: ArgKind;
  default: number | string | boolean | null;
  /** The flag when it is not `--<dest>` (store_false `--no_aux_loss`). */
  flag?: string;
  /** The studio config key giving its value. */
  key?: keyof DetrConfig;
}

/** main.py get_args_parser(), in its order. */
export const OFFICIAL_ARGS: readonly OfficialArg[] = [
  { dest: 'lr', kind: 'float', default: 1e-4, key: 'lr' },
  { dest: 'lr_backbone', kind: 'float', default: 1e-5, key: 'lr_backbone' },
  { dest: 'batch_size', kind: 'int', default: 2, key: 'batch_size' },
  { dest: 'weight_decay', kind: 'float', default: 1e-4, key: 'weight_decay' },
  { dest: 'epochs', kind: 'int', default: 300, key: 'epochs' },
  { dest: 'lr_drop', kind: 'int', default: 200, key: 'lr_drop' },
  { dest: 'clip_max_norm', kind: 'float', default: 0.1, key: 'clip_max_norm' },
  { dest: 'frozen_weights', kind: 'str', default: null },
  { dest: 'backbone', kind: 'str', default: 'resnet50', key: 'backbone' },
  { dest: 'dilation', kind: 'store_true', default: false, key: 'dilation' },
  { dest: 'position_embedding', kind: 'str', default: 'sine', key: 'position_embedding' },
  { dest: 'enc_layers', kind: 'int', default: 6, key: 'enc_layers' },
  { dest: 'dec_layers', kind: 'int', default: 6, key: 'dec_layers' },
  { dest: 'dim_feedforward', kind: 'int', default: 2048, key: 'dim_feedforward' },
  { dest: 'hidden_dim', kind: 'int', default: 256, key: 'hidden_dim' },
  { dest: 'dropout', kind: 'float', default: 0.1, key: 'dropout' },
  { dest: 'nheads', kind: 'int', default: 8, key: 'nheads' },
  { dest: 'num_queries', kind: 'int', default: 100, key: 'num_queries' },
  { dest: 'pre_norm', kind: 'store_true', default: false, key: 'pre_norm' },
  { dest: 'masks', kind: 'store_true', default: false },
  { dest: 'aux_loss', kind: 'store_false', default: true, flag: '--no_aux_loss', key: 'aux_loss' },
  { dest: 'set_cost_class', kind: 'float', default: 1, key: 'set_cost_class' },
  { dest: 'set_cost_bbox', kind: 'float', default: 5, key: 'set_cost_bbox' },
  { dest: 'set_cost_giou', kind: 'float', default: 2, key: 'set_cost_giou' },
  { dest: 'mask_loss_coef', kind: 'float', default: 1 },
  { dest: 'dice_loss_coef', kind: 'float', default: 1 },
  { dest: 'bbox_loss_coef', kind: 'float', default: 5, key: 'bbox_loss_coef' },
  { dest: 'giou_loss_coef', kind: 'float', default: 2, key: 'giou_loss_coef' },
  { dest: 'eos_coef', kind: 'float', default: 0.1, key: 'eos_coef' },
  { dest: 'dataset_file', kind: 'str', default: 'coco' },
  { dest: 'coco_path', kind: 'str', default: null },
  { dest: 'coco_panoptic_path', kind: 'str', default: null },
  { dest: 'remove_difficult', kind: 'store_true', default: false },
  { dest: 'output_dir', kind: 'str', default: '' },
  { dest: 'device', kind: 'str', default: 'cuda' },
  { dest: 'seed', kind: 'int', default: 42, key: 'seed' },
  { dest: 'resume', kind: 'str', default: '' },
  { dest: 'start_epoch', kind: 'int', default: 0 },
  { dest: 'eval', kind: 'store_true', default: false },
  { dest: 'num_workers', kind: 'int', default: 2 },
  { dest: 'world_size', kind: 'int', default: 1 },
  { dest: 'dist_url', kind: 'str', default: 'env://' },
];

/** Studio config keys with no main.py flag, and why (for notes and docs). */
export const KEYS_WITHOUT_FLAG: Readonly<Partial<Record<keyof DetrConfig, string>>> = Object.freeze({
  num_classes: 'models/detr.py build() hard-codes num_classes = 91 for coco',
  min_size: 'datasets/coco.py resizes training images to 480..800 px (evaluation: 800), max 1333',
  max_size: 'datasets/coco.py caps the longer side at 1333 px',
  augment: 'datasets/coco.py always augments training images (flip, multi-scale resize, random crop)',
  warmup_iters: 'the official schedule has no warm-up',
  checkpoint_period: 'main.py saves checkpoint.pth after every epoch',
  eval_period: 'main.py evaluates after every epoch',
});

/** Values of the arguments that are not config keys (paths, device, distributed setup). */
export interface JobArgs {
  coco_path?: string | null;
  output_dir?: string;
  resume?: string;
  device?: string;
  world_size?: number;
  num_workers?: number;
}

/** Python value of an argument, typed as argparse would make it (`type=float` gives a float). */
function pyValue(a: OfficialArg, v: number | string | boolean | null): PyValue {
  if (v === null) return null;
  if (a.kind === 'float') return new PyFloat(v as number);
  return v;
}

/** `vars(args)` of main.py for this config: every argument, in parser order, as a plain dict. */
export function officialArgs(cfg: DetrConfig, job: JobArgs = {}): PyDict {
  const out = new PyDict('dict');
  const extra = job as Record<string, unknown>;
  for (const a of OFFICIAL_ARGS) {
    const v = a.key !== undefined ? (cfg[a.key] as number | string | boolean) : ((extra[a.dest] as number | string | null | undefined) ?? a.default);
    out.set(a.dest, pyValue(a, v));
  }
  return out;
}

/** A number as Python's float()/int() read it back exactly (shortest round-trip form). */
function numberText(v: number): string {
  return String(v);
}

/** The flags giving main.py every config value it has a flag for (booleans as DETR's store flags). */
export function officialFlags(cfg: DetrConfig): string[] {
  const out: string[] = [];
  for (const a of OFFICIAL_ARGS) {
    if (a.key === undefined) continue;
    const v = cfg[a.key];
    if (a.kind === 'store_true') {
      if (v === true) out.push(a.flag ?? `--${a.dest}`);
    } else if (a.kind === 'store_false') {
      if (v === false) out.push(a.flag ?? `--${a.dest}`);
    } else {
      out.push(`--${a.dest}`, typeof v === 'number' ? numberText(v) : String(v));
    }
  }
  return out;
}
