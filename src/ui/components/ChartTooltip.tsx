import { formatMetric } from '../format';

export interface TooltipRow {
  key: string;
  label: string;
  color: string;
  value: number;
  /** The raw value beside the smoothed one (main series, smoothing on). */
  raw?: number;
}

/** Hover values: each series' smoothed value, and the raw one beside it (TensorBoard's layout). */
export function ChartTooltip({ xLabel, x, rows }: { xLabel: string; x: number; rows: readonly TooltipRow[] }) {
  return (
    <div className="tooltip">
      <div className="tooltip-head">
        {xLabel} {x}
      </div>
      {rows.map((r) => (
        <div className="tooltip-row" key={r.key}>
          <span className="swatch" style={{ background: r.color }} />
          <span className="name">{r.label}</span>
          <span className="val">
            {formatMetric(r.value)}
            {r.raw !== undefined && Number.isFinite(r.raw) && r.raw !== r.value && <span className="raw"> ({formatMetric(r.raw)})</span>}
          </span>
        </div>
      ))}
    </div>
  );
}
