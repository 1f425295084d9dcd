import type { EvalPoint } from '../store/metrics_slice';
import { formatMetric } from '../format';

/** pycocotools' AP per category at the latest evaluation, best first, with a bar for each. */
export function CategoryApTable({ evals }: { evals: readonly EvalPoint[] }) {
  const last = evals.at(-1);
  const cats = last?.stats.categories;
  if (!last || !cats || cats.length === 0) return null;
  const rows = [...cats].sort((a, b) => b.AP - a.AP);
  return (
    <div className="ap-table" data-testid="category-ap">
      <div className="ap-head">
        <span className="chart-title">AP per category</span>
        <span className="chart-sub">
          iteration {last.iteration + 1} · AP {formatMetric(last.stats.AP)} · AP50 {formatMetric(last.stats.AP50)} · AP75 {formatMetric(last.stats.AP75)}
        </span>
      </div>
      <table className="table">
        <thead>
          <tr>
            <th>Category</th>
            <th className="num">AP</th>
            <th className="bar-col" />
          </tr>
        </thead>
        <tbody>
          {rows.map((c) => (
            <tr key={c.name}>
              <td>{c.name}</td>
              <td className="num mono">{c.AP < 0 ? '—' : formatMetric(c.AP)}</td>
              <td className="bar-col">
                <span className="ap-bar" style={{ width: `${Math.max(0, c.AP) * 100}%` }} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
