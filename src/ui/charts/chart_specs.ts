/**
 * Which charts the Charts panel draws, derived from the metric keys a run writes: the total loss,
 * one chart per DETR loss term (`loss_ce`, `loss_bbox`, `loss_giou`, with the decoder's auxiliary
 * copies `loss_ce_0`... behind a toggle), the two error rates, and the learning rate.
 */

export interface ChartSpec {
  id: string;
  title: string;
  subtitle: string;
  /** Main series; drawn raw (faint) and smoothed. */
  keys: readonly string[];
  /** Auxiliary-decoder series, drawn smoothed and thin when shown. */
  auxKeys: readonly string[];
  testId?: string;
  /** Drawn across the whole grid, taller (the total loss). */
  wide?: boolean;
}

/** What DETR's loss keys measure (SetCriterion.get_loss names). */
const LOSS_NAMES: Readonly<Record<string, string>> = Object.freeze({
  loss_ce: 'classification (cross-entropy)',
  loss_bbox: 'box L1',
  loss_giou: 'generalized IoU',
  loss_mask: 'mask focal',
  loss_dice: 'mask dice',
});

/** Keys charted before any record arrived: the ones every DETR run writes. */
export const DEFAULT_METRIC_KEYS: readonly string[] = ['iteration', 'total_loss', 'loss_ce', 'loss_bbox', 'loss_giou', 'class_error', 'cardinality_error', 'lr'];

const BASE_LOSS = /^loss_[a-z]+$/;
const AUX_LOSS = /^(loss_[a-z]+)_(\d+)$/;

export function chartSpecs(keys: readonly string[]): ChartSpec[] {
  const present = keys.length > 1 ? keys : DEFAULT_METRIC_KEYS;
  const has = new Set(present);
  const specs: ChartSpec[] = [{ id: 'total_loss', title: 'total_loss', subtitle: 'weighted sum of all loss terms', keys: ['total_loss'], auxKeys: [], testId: 'loss-chart', wide: true }];
  const bases = present.filter((k) => BASE_LOSS.test(k));
  const known = Object.keys(LOSS_NAMES);
  bases.sort((a, b) => (known.indexOf(a) + 1 || 99) - (known.indexOf(b) + 1 || 99) || a.localeCompare(b));
  for (const base of bases) {
    const aux = present
      .map((k) => AUX_LOSS.exec(k))
      .filter((m): m is RegExpExecArray => !!m && m[1] === base)
      .sort((a, b) => Number(a[2]) - Number(b[2]))
      .map((m) => m[0]);
    specs.push({ id: base, title: base, subtitle: LOSS_NAMES[base] ?? 'loss term', keys: [base], auxKeys: aux });
  }
  if (has.has('class_error')) specs.push({ id: 'class_error', title: 'class_error', subtitle: 'top-1 error on matched queries, %', keys: ['class_error'], auxKeys: [] });
  if (has.has('cardinality_error')) specs.push({ id: 'cardinality_error', title: 'cardinality_error', subtitle: '|predicted objects − true objects|', keys: ['cardinality_error'], auxKeys: [] });
  if (has.has('lr')) specs.push({ id: 'lr', title: 'lr', subtitle: 'learning rate (transformer)', keys: ['lr'], auxKeys: [] });
  return specs;
}
