import { memo, useId, useMemo, useRef, useState, type PointerEvent } from 'react';
import { buildChartFrame, linePath, type SeriesData } from '../charts/chart_rows';
import { linearScale, logScale as makeLogScale, nearestIndex, type Scale } from '../charts/scale';
import { IncrementalEma } from '../charts/smoothing';
import { formatMetric, formatTick } from '../format';
import { useElementWidth } from '../hooks/useElementWidth';
import { useStaggered } from '../hooks/useStaggered';
import { ChartTooltip, type TooltipRow } from './ChartTooltip';

/**
 * One chart as plain SVG. Every point stays in the store; the chart smooths incrementally
 * (TensorBoard's debiased EMA) and draws ~2 points per pixel column (min/max buckets), so a redraw
 * at 100k points costs a few ms. (Recharts was measured at 35-50 ms of main-thread CPU per chart
 * update on the 2-core CI machine: it re-renders synchronously through its store after each commit
 * and builds several objects per point.)
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
const M = { top: 8, right: 12, bottom: 20, left: 50 };

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

export const MetricChart = memo(function MetricChart(props: Props) {
  // Each chart takes new data in its own task (see useStaggered).
  const input = useStaggered(props.input);
  const { x, lines, smoothing, logScale } = input;
  const series = useSmoothedSeries(input);
  const [bodyRef, width] = useElementWidth<HTMLDivElement>();
  const height = props.wide ? WIDE_HEIGHT : HEIGHT;
  const plotW = Math.max(10, width - M.left - M.right);
  const plotH = height - M.top - M.bottom;
  const clipId = useId();
  const [hoverPx, setHoverPx] = useState<number | null>(null);

  const drawing = useMemo(() => {
    const frame = buildChartFrame(x, series, logScale, 2 * plotW);
    if (!frame.domain || width === 0) return null;
    const xDomain: [number, number] = [x[0], x[x.length - 1]];
    const sx = linearScale(xDomain, [M.left, M.left + plotW], Math.max(2, Math.floor(plotW / 55)));
    const sy: Scale = logScale ? makeLogScale(frame.domain, [M.top + plotH, M.top]) : linearScale(frame.domain, [M.top + plotH, M.top], Math.max(2, Math.floor(plotH / 32)));
    const paths = series.map((s, i) => ({
      key: s.key,
      color: lines[i].color,
      main: s.main,
      raw: s.main && smoothing > 0 && !props.dots ? linePath(x, s.raw, frame.rawIndices, sx, sy, logScale) : '',
      smooth: linePath(frame.smooth[i].x, frame.smooth[i].y, null, sx, sy, logScale),
    }));
    return { sx, sy, paths };
  }, [series, x, lines, logScale, smoothing, plotW, plotH, width, props.dots]);

  const mainIdx = lines.findIndex((l) => l.main);
  const lastValue = mainIdx >= 0 && x.length > 0 ? series[mainIdx].smoothed[x.length - 1] : undefined;

  let hover: { i: number; px: number; rows: TooltipRow[] } | null = null;
  if (drawing && hoverPx !== null && x.length > 0) {
    const i = nearestIndex(x, drawing.sx.invert(hoverPx));
    const rows = series
      .map((s, k) => ({ key: s.key, label: lines[k].label, color: lines[k].color, value: s.smoothed[i], raw: s.main && smoothing > 0 ? s.raw[i] : undefined }))
      .filter((r) => Number.isFinite(r.value));
    hover = { i, px: drawing.sx(x[i]), rows };
  }

  const onMove = (e: PointerEvent<SVGSVGElement>) => {
    const px = e.clientX - e.currentTarget.getBoundingClientRect().left;
    setHoverPx(px >= M.left && px <= M.left + plotW ? px : null);
  };

  return (
    <figure className={`chart${props.wide ? ' wide' : ''}`} data-testid={props.testId}>
      <figcaption className="chart-head">
        <span className="chart-title">{props.title}</span>
        <span className="chart-sub">{props.subtitle}</span>
        <span className="chart-last">{lastValue !== undefined && Number.isFinite(lastValue) ? formatMetric(lastValue) : ''}</span>
      </figcaption>
      <div className="chart-body" ref={bodyRef} style={{ height }}>
        {!drawing ? (
          <div className="chart-empty">{x.length === 0 ? (props.emptyText ?? 'Waiting for the first iteration') : 'Nothing to draw on this scale'}</div>
        ) : (
          <svg width={width} height={height} onPointerMove={onMove} onPointerLeave={() => setHoverPx(null)} role="img" aria-label={`${props.title} over ${props.xLabel ?? 'iteration'}s`}>
            <defs>
              <clipPath id={clipId}>
                <rect x={M.left} y={M.top - 2} width={plotW} height={plotH + 4} />
              </clipPath>
            </defs>
            {drawing.sy.ticks.map((t) => (
              <g key={t}>
                <line className="chart-grid" x1={M.left} x2={M.left + plotW} y1={drawing.sy(t)} y2={drawing.sy(t)} />
                <text className="chart-tick" x={M.left - 6} y={drawing.sy(t) + 4} textAnchor="end">
                  {formatTick(t)}
                </text>
              </g>
            ))}
            <line className="chart-axis" x1={M.left} x2={M.left + plotW} y1={M.top + plotH} y2={M.top + plotH} />
            {drawing.sx.ticks.map((t) => (
              <text key={t} className="chart-tick" x={drawing.sx(t)} y={height - 5} textAnchor="middle">
                {formatIteration(t)}
              </text>
            ))}
            <g clipPath={`url(#${clipId})`}>
              {drawing.paths.map((p) => p.raw && <path key={`${p.key}-raw`} className="dense-path" d={p.raw} stroke={p.color} strokeOpacity={0.25} strokeWidth={1} />)}
              {drawing.paths.map((p) => (
                <path key={p.key} className={p.main ? 'smooth-path' : 'dense-path aux-path'} d={p.smooth} stroke={p.color} strokeWidth={p.main ? 1.8 : 1} strokeOpacity={p.main ? 1 : 0.8} />
              ))}
              {props.dots &&
                series.map((s, k) =>
                  Array.from(s.smoothed, (v, i) => (Number.isFinite(v) ? <circle key={`${s.key}-${i}`} cx={drawing.sx(x[i])} cy={drawing.sy(v)} r={2.5} fill={lines[k].color} /> : null)),
                )}
            </g>
            {hover && (
              <g className="chart-hover">
                <line x1={hover.px} x2={hover.px} y1={M.top} y2={M.top + plotH} />
                {hover.rows.map((r) => (logScale && r.value <= 0 ? null : <circle key={r.key} cx={hover!.px} cy={drawing.sy(r.value)} r={3} fill={r.color} />))}
              </g>
            )}
          </svg>
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
