/**
 * Optional linear warm-up (Detectron2's WarmupMultiStepLR "linear" method; the official DETR recipe
 * has none, config `warmup_iters` 0): during the first `warmupIters` iterations the lr is scaled by
 *
 *   factor(iter) = startFactor * (1 - iter / warmupIters) + iter / warmupIters
 *
 * and by 1 afterwards. Stateless: a function of the iteration.
 */

export const WARMUP_START_FACTOR = 0.001;

export function warmupFactor(iter: number, warmupIters: number, startFactor = WARMUP_START_FACTOR): number {
  if (warmupIters <= 0 || iter >= warmupIters) return 1;
  const alpha = iter / warmupIters;
  return startFactor * (1 - alpha) + alpha;
}
