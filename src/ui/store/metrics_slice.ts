/** Metrics slice: the run's metric log, its evaluations, and how the charts draw them. */
import type { EvalStats } from '../../worker/protocol';
import { EMPTY_LOG, type MetricLog } from './metric_log';

export interface EvalPoint {
  iteration: number;
  stats: EvalStats;
}

export interface ChartSettings {
  /** TensorBoard's smoothing weight, 0 (raw) to 0.99. */
  smoothing: number;
  logScale: boolean;
  /** Show the decoder's auxiliary losses (loss_ce_0, ...). */
  showAux: boolean;
}

export interface MetricsSlice {
  metrics: MetricLog;
  /** Where the charted metrics come from: a metrics.jsonl's name, or null for this page's run. */
  metricsSource: string | null;
  evals: readonly EvalPoint[];
  chart: ChartSettings;
}

export function initialMetricsSlice(): MetricsSlice {
  return { metrics: EMPTY_LOG, metricsSource: null, evals: [], chart: { smoothing: 0.6, logScale: false, showAux: false } };
}

export const MAX_SMOOTHING = 0.99;

export const metricsActions = {
  setSmoothing(s: MetricsSlice, smoothing: number): Partial<MetricsSlice> {
    const v = Math.min(MAX_SMOOTHING, Math.max(0, Number.isFinite(smoothing) ? smoothing : 0));
    return { chart: { ...s.chart, smoothing: v } };
  },
  setLogScale(s: MetricsSlice, logScale: boolean): Partial<MetricsSlice> {
    return { chart: { ...s.chart, logScale } };
  },
  setShowAux(s: MetricsSlice, showAux: boolean): Partial<MetricsSlice> {
    return { chart: { ...s.chart, showAux } };
  },
};
