import { memo, useDeferredValue, useMemo } from 'react';
import { chartSpecs } from '../charts/chart_specs';
import { useThrottled } from '../hooks/useThrottled';
import { column, type MetricLog } from '../store/metric_log';
import type { ChartSettings, EvalPoint } from '../store/metrics_slice';
import { MetricChart, type ChartInput, type ChartLine } from './MetricChart';

/** Tableau 10: the main series' colours; auxiliary layers in shades of blue. */
const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];
const AUX_COLORS = ['#9fb8d3', '#86a6c8', '#6d93bc', '#5581b1', '#3e6ea5', '#2b5b92'];
const EVAL_KEYS = ['AP', 'AP50', 'AP75'] as const;
/** Charts redraw at most this often (the store may change ~10 times a second). */
const REDRAW_MS = 700;
const EMPTY = new Float64Array(0);

function evalInput(evals: readonly EvalPoint[]): ChartInput {
  const x = Float64Array.from(evals, (e) => e.iteration);
  const lines: ChartLine[] = EVAL_KEYS.map((k, i) => ({ key: k, label: k, color: PALETTE[i], y: Float64Array.from(evals, (e) => e.stats[k]), main: true }));
  return { x, lines, generation: evals.length, smoothing: 0, logScale: false };
}

function chartInputs(log: MetricLog, settings: ChartSettings) {
  const x = column(log, 'iteration') ?? EMPTY;
  return chartSpecs(log.keys).map((spec, i) => {
    const color = PALETTE[i % PALETTE.length];
    const lines: ChartLine[] = spec.keys.map((k) => ({ key: k, label: k, color, y: column(log, k) ?? EMPTY, main: true }));
    if (settings.showAux) spec.auxKeys.forEach((k, j) => lines.push({ key: k, label: k, color: AUX_COLORS[j % AUX_COLORS.length], y: column(log, k)!, main: false }));
    const input: ChartInput = { x, lines, generation: log.generation, smoothing: settings.smoothing, logScale: settings.logScale };
    return { spec, input };
  });
}

/**
 * The charts themselves. They take the log and settings as props and subscribe to no store:
 * their updates are transitions (throttled log, deferred settings) that React renders in time
 * slices. A component here reading the store would make React redo a torn transition render
 * synchronously whenever new metrics arrive mid-render — one long task per redraw.
 */
export const ChartGrid = memo(function ChartGrid(props: { log: MetricLog; evals: readonly EvalPoint[]; settings: ChartSettings }) {
  const log = useThrottled(props.log, REDRAW_MS);
  const settings = useDeferredValue(props.settings);
  const evals = useDeferredValue(props.evals);
  const charts = useMemo(() => chartInputs(log, settings), [log, settings]);
  const evalData = useMemo(() => evalInput(evals), [evals]);
  return (
    <div className="charts-grid">
      {charts.map(({ spec, input }) => (
        <MetricChart key={spec.id} title={spec.title} subtitle={spec.subtitle} testId={spec.testId} wide={spec.wide} input={input} />
      ))}
      {evals.length > 0 && <MetricChart title="COCO AP" subtitle="bbox AP, AP50, AP75 on the validation set" input={evalData} dots />}
    </div>
  );
});
