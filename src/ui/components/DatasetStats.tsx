import type { DatasetSummary } from '../../worker/protocol';
import { categoryColor } from '../category_color';

const SHOWN_CATEGORIES = 20;

/** A bin's range in words (title), and its lower edge as the short axis label. */
function binLabel(edges: readonly number[], i: number): string {
  if (i === edges.length - 1) return `≥${edges[i]}`;
  if (i === 0) return `<${edges[1]}`;
  return `${edges[i]}–${edges[i + 1]}`;
}

function axisLabel(edges: readonly number[], i: number): string {
  return i === 0 ? '0' : String(edges[i]);
}

/** Training boxes per category (bars in category colours) and by size (a histogram of sqrt(w·h)). */
export function DatasetStats({ summary }: { summary: DatasetSummary }) {
  const counts = summary.categoryCounts ?? [];
  const sizes = summary.boxSizes;
  if (counts.length === 0 && !sizes) return null;
  const names = new Map(summary.categories.map((c) => [c.id, c.name]));
  const maxCount = Math.max(1, ...counts.map((c) => c.boxes));
  const maxBin = Math.max(1, ...(sizes?.counts ?? [0]));
  return (
    <div className="dataset-stats">
      {counts.length > 0 && (
        <figure className="stat-block" data-testid="dataset-category-counts">
          <figcaption>Boxes per category</figcaption>
          <ul className="bars">
            {counts.slice(0, SHOWN_CATEGORIES).map((c) => (
              <li key={c.id} data-category-id={c.id} data-boxes={c.boxes}>
                <span className="bar-label" title={`category id ${c.id}`}>
                  <span className="tag-id">{c.id}</span> {names.get(c.id) ?? '(not in categories)'}
                </span>
                <span className="bar-track">
                  <span className="bar-fill" style={{ width: `${(100 * c.boxes) / maxCount}%`, background: categoryColor(c.id) }} />
                </span>
                <span className="bar-value">{c.boxes}</span>
              </li>
            ))}
            {counts.length > SHOWN_CATEGORIES && <li className="hint">and {counts.length - SHOWN_CATEGORIES} more categories</li>}
          </ul>
        </figure>
      )}
      {sizes && (
        <figure className="stat-block" data-testid="dataset-box-sizes">
          <figcaption>Box size, √(w·h) in stored pixels (bins from)</figcaption>
          <div className="histogram">
            {sizes.counts.map((n, i) => (
              <div className="histogram-bin" key={i} title={`${n} boxes of ${binLabel(sizes.edges, i)} px`} data-count={n}>
                <span className="histogram-count">{n}</span>
                <span className="histogram-bar" style={{ height: `${(100 * n) / maxBin}%` }} />
                <span className="histogram-label">{axisLabel(sizes.edges, i)}</span>
              </div>
            ))}
          </div>
        </figure>
      )}
    </div>
  );
}
