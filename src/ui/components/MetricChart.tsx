import { memo, useMemo, useRef, useState, type PointerEvent } from 'react';
import { CartesianGrid, Line, LineChart, XAxis, YAxis } from 'recharts';
import { buildChartFrame, chartRows, type RowLine, type SeriesData } from '../charts/chart_rows';
import { linearScale, logScale as makeLogScale, nearestIndex, type Scale } from '../charts/scale';
import { IncrementalEma } from '../charts/smoothing';
import { formatMetric, formatTick } from '../format';
import { useElementWidth } from '../hooks/useElementWidth';
import { useStaggered } from '../hooks/useStaggered';
import { ChartTooltip, type TooltipRow } from './ChartTooltip';

/**
 * One chart, drawn by recharts. Every point stays in the store; recharts is handed only what a
 * chart of this width can show, a few hundred points per series: the raw values as min/max buckets
 * (spikes survive) and each smoothed line (TensorBoard's debiased EMA, computed incrementally) as
 * one mean per bucket. No animation, no dots, explicit domains and ticks (recharts computes none
 * over the data), and the hover line is an overlay that never re-renders recharts. Together with
 * the grid's throttling and per-chart staggering (ChartGrid, useStaggered) a chart's update is one
 * short task whatever the run's length.
 */

export interface ChartLine {
  key: string;
  label: string;
  color: string;
  y: Float64Array;
  /** A main series: raw drawn faint under its smoothed line. Auxiliary ones: smoothed, thin. */
  main: boolean;
}

/** What a chart draws; a new object means a redraw. */
export interface ChartInput {
  x: Float64Array;
  lines: readonly ChartLine[];
  /** The data's generation (MetricLog.generation): a new one restarts the incremental smoothing. */
  generation: number;
  smoothing: number;
  logScale: boolean;
}

interface Props {
  title: string;
  subtitle: string;
  testId?: string;
  input: ChartInput;
  /** Few points (evaluations): a dot on every point. */
  dots?: boolean;
  xLabel?: string;
  emptyText?: string;
  wide?: boolean;
}

const HEIGHT = 150;
const WIDE_HEIGHT = 210;
const MARGIN = { top: 8, right: 12, bottom: 0, left: 0 };
const Y_AXIS_WIDTH = 50;
const X_AXIS_HEIGHT = 20;
/**
 * Min/max buckets: a chart's data has at most 2 rows per bucket, shared by all its lines. recharts'
 * work grows with rows x lines, so a chart with many lines (auxiliary losses) gets fewer buckets:
 * 50-200 (100-400 points per series), one row per 1-2 pixels, rows x lines <= ~700.
 */
const MIN_BUCKETS = 50;
const MAX_BUCKETS = 200;
const ROW_LINE_BUDGET = 700;
/** Tick labels as plain <text>: recharts' default <Text> measures each label's words in the DOM. */
type TickProps = { x: number | string; y: number | string; payload: { value: unknown } };
const XTick = ({ x, y, payload }: TickProps) => (
  <text className="chart-tick" x={x} y={Number(y) + 11} textAnchor="middle">
    {formatIteration(Number(payload.value))}
  </text>
);
const YTick = ({ x, y, payload }: TickProps) => (
  <text className="chart-tick" x={Number(x) - 6} y={Number(y) + 4} textAnchor="end">
    {formatTick(Number(payload.value))}
  </text>
);
/** The grid's lines are given in pixels: recharts' default generators measure every tick label in the DOM. */
const NO_POINTS = () => [];

/** Iterations on the x axis: 12k, 1.5M. */
function formatIteration(v: number): string {
  if (Math.abs(v) >= 1e6) return `${Number((v / 1e6).toPrecision(3))}M`;
  if (Math.abs(v) >= 1e4) return `${Number((v / 1e3).toPrecision(3))}k`;
  return String(v);
}

function useSmoothedSeries(input: ChartInput): SeriesData[] {
  const { lines, smoothing, generation } = input;
  // One smoother per series, kept across renders so appending costs only the new points.
  const smoothers = useRef({ generation, map: new Map<string, IncrementalEma>() });
  return useMemo(() => {
    if (smoothers.current.generation !== generation) smoothers.current = { generation, map: new Map() };
    return lines.map((l) => {
      if (smoothing === 0) return { key: l.key, raw: l.y, smoothed: l.y, main: l.main };
      let ema = smoothers.current.map.get(l.key);
      if (!ema || ema.weight !== smoothing) smoothers.current.map.set(l.key, (ema = new IncrementalEma(smoothing)));
      return { key: l.key, raw: l.y, smoothed: ema.update(l.y), main: l.main };
    });
  }, [lines, smoothing, generation]);
}

interface DrawnLine extends RowLine {
  className: string;
  color: string;
  width: number;
  opacity: number;
}

export const MetricChart = memo(function MetricChart(props: Props) {
  // Each chart takes new data in its own task (see useStaggered).
  const input = useStaggered(props.input);
  const { x, lines, smoothing, logScale } = input;
  const series = useSmoothedSeries(input);
  const [bodyRef, width] = useElementWidth<HTMLDivElement>();
  // recharts mounts once, in its own staggered task, as soon as the width is known (at page load):
  // data arriving later only updates it, and no chart's first mount lands in the middle of training.
  const mounted = useStaggered(width > 0);
  const height = props.wide ? WIDE_HEIGHT : HEIGHT;
  const plot = { left: MARGIN.left + Y_AXIS_WIDTH, top: MARGIN.top, width: Math.max(10, width - MARGIN.left - Y_AXIS_WIDTH - MARGIN.right), height: height - MARGIN.top - MARGIN.bottom - X_AXIS_HEIGHT };
  const [hoverPx, setHoverPx] = useState<number | null>(null);

  const drawing = useMemo(() => {
    const nLines = series.length + series.filter((s) => s.main && smoothing > 0 && !props.dots).length;
    const buckets = Math.max(MIN_BUCKETS, Math.min(MAX_BUCKETS, Math.floor(plot.width / 2), Math.floor(ROW_LINE_BUDGET / 2 / Math.max(1, nLines))));
    const frame = buildChartFrame(x, series, logScale, 2 * buckets);
    if (width === 0) return null;
    if (!frame.domain) return { empty: true, sx: null, sy: null, xDomain: [0, 1] as [number, number], yDomain: [0, 1] as [number, number], xTicks: [], yTicks: [], drawn: [], rows: [] };
    const xDomain: [number, number] = x[0] === x[x.length - 1] ? [x[0] - 1, x[0] + 1] : [x[0], x[x.length - 1]];
    const sx = linearScale(xDomain, [plot.left, plot.left + plot.width], Math.max(2, Math.floor(plot.width / 60)));
    const sy: Scale = logScale ? makeLogScale(frame.domain, [plot.top + plot.height, plot.top]) : linearScale(frame.domain, [plot.top + plot.height, plot.top], Math.max(2, Math.floor(plot.height / 32)));
    const drawn: DrawnLine[] = [];
    series.forEach((s, i) => {
      if (s.main && smoothing > 0 && !props.dots) drawn.push({ id: `${s.key}-raw`, series: i, kind: 'raw', className: 'dense-path', color: lines[i].color, width: 1, opacity: 0.25 });
    });
    series.forEach((s, i) => {
      drawn.push({ id: s.key, series: i, kind: 'smooth', className: s.main ? 'smooth-path' : 'dense-path aux-path', color: lines[i].color, width: s.main ? 1.8 : 1, opacity: s.main ? 1 : 0.8 });
    });
    const rows = chartRows(x, series, frame, drawn, logScale);
    // Iterations are whole: no tick at 0.5.
    const xTicks = sx.ticks.filter((t) => Number.isInteger(t));
    return { empty: false, sx, sy, xDomain, yDomain: sy.domain as [number, number], xTicks, yTicks: [...sy.ticks], drawn, rows };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- plot is derived from width and height
  }, [series, x, lines, logScale, smoothing, width, height, props.dots]);

  // The same element while only the hover moves: React skips recharts entirely.
  const chart = useMemo(
    () =>
      drawing &&
      mounted && (
        <LineChart data={drawing.rows} width={width} height={height} margin={MARGIN} role="img" aria-label={`${props.title} over ${props.xLabel ?? 'iteration'}s`}>
          <CartesianGrid vertical={false} stroke="#eef0f4" horizontalPoints={drawing.sy ? drawing.yTicks.map(drawing.sy) : []} verticalCoordinatesGenerator={NO_POINTS} />
          <XAxis type="number" dataKey="x" domain={drawing.xDomain} ticks={drawing.xTicks} height={X_AXIS_HEIGHT} allowDataOverflow tick={XTick} tickLine={false} stroke="#d9dde4" interval={0} />
          <YAxis type="number" scale={logScale ? 'log' : 'linear'} domain={drawing.yDomain} ticks={drawing.yTicks} width={Y_AXIS_WIDTH} allowDataOverflow tick={YTick} tickLine={false} axisLine={false} interval={0} />
          {drawing.drawn.map((l) => (
            <Line
              key={l.id}
              dataKey={l.id}
              type="linear"
              className={l.className}
              stroke={l.color}
              strokeWidth={l.width}
              strokeOpacity={l.opacity}
              dot={props.dots ? { r: 2.5, fill: l.color, strokeWidth: 0 } : false}
              activeDot={false}
              isAnimationActive={false}
              connectNulls
            />
          ))}
        </LineChart>
      ),
    [drawing, mounted, width, height, logScale, props.dots, props.title, props.xLabel],
  );

  const mainIdx = lines.findIndex((l) => l.main);
  const lastValue = mainIdx >= 0 && x.length > 0 ? series[mainIdx].smoothed[x.length - 1] : undefined;

  let hover: { i: number; px: number; rows: TooltipRow[] } | null = null;
  if (drawing?.sx && hoverPx !== null && x.length > 0) {
    const i = nearestIndex(x, drawing.sx.invert(hoverPx));
    const rows = series
      .map((s, k) => ({ key: s.key, label: lines[k].label, color: lines[k].color, value: s.smoothed[i], raw: s.main && smoothing > 0 ? s.raw[i] : undefined }))
      .filter((r) => Number.isFinite(r.value));
    hover = { i, px: drawing.sx(x[i]), rows };
  }

  const onMove = (e: PointerEvent<HTMLDivElement>) => {
    const px = e.clientX - e.currentTarget.getBoundingClientRect().left;
    setHoverPx(px >= plot.left && px <= plot.left + plot.width ? px : null);
  };

  return (
    <figure className={`chart${props.wide ? ' wide' : ''}`} data-testid={props.testId}>
      <figcaption className="chart-head">
        <span className="chart-title">{props.title}</span>
        <span className="chart-sub">{props.subtitle}</span>
        <span className="chart-last">{lastValue !== undefined && Number.isFinite(lastValue) ? formatMetric(lastValue) : ''}</span>
      </figcaption>
      <div className="chart-body" ref={bodyRef} style={{ height }} onPointerMove={drawing?.sx ? onMove : undefined} onPointerLeave={() => setHoverPx(null)}>
        {chart}
        {(!drawing || drawing.empty) && <div className="chart-empty">{x.length === 0 ? (props.emptyText ?? 'Waiting for the first iteration') : 'Nothing to draw on this scale'}</div>}
        {drawing?.sy && hover && (
          <div className="chart-hover" aria-hidden="true">
            <div className="hover-line" style={{ left: hover.px, top: plot.top, height: plot.height }} />
            {hover.rows.map((r) => (logScale && r.value <= 0 ? null : <div key={r.key} className="hover-dot" style={{ left: hover!.px, top: drawing.sy(r.value), background: r.color }} />))}
          </div>
        )}
        {hover && hover.rows.length > 0 && (
          <div className="tooltip-anchor" style={{ left: hover.px > width / 2 ? undefined : hover.px + 12, right: hover.px > width / 2 ? width - hover.px + 12 : undefined }}>
            <ChartTooltip xLabel={props.xLabel ?? 'iteration'} x={x[hover.i]} rows={hover.rows} />
          </div>
        )}
      </div>
    </figure>
  );
});
