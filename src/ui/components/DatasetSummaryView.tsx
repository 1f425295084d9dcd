import type { DatasetSummary } from '../../worker/protocol';

const SHOWN_CATEGORIES = 12;

function SummaryCell({ n, one, many }: { n: number; one: string; many: string }) {
  return (
    <div className="summary-cell">
      <div className="summary-value">{n}</div>{' '}
      <div className="summary-label">{n === 1 ? one : many}</div>
    </div>
  );
}

/** What an import found: counts (the `dataset-summary` text), the source and the categories. */
export function DatasetSummaryView({ summary, testId }: { summary: DatasetSummary; testId: string }) {
  const cats = summary.categories;
  return (
    <>
      {/* textContent reads "N images M boxes K categories" (the contract's wording). */}
      <div className="summary" data-testid={testId}>
        <SummaryCell n={summary.images} one="image" many="images" />{' '}
        <SummaryCell n={summary.annotations} one="box" many="boxes" />{' '}
        <SummaryCell n={cats.length} one="category" many="categories" />
      </div>
      <div className="source-line">
        <span>from</span>
        <span className="mono" title={summary.source}>
          {summary.source}
        </span>
      </div>
      {cats.length > 0 && (
        <div className="tags" aria-label="categories">
          {cats.slice(0, SHOWN_CATEGORIES).map((c) => (
            <span className="tag" key={c.id}>
              <span className="tag-id">{c.id}</span>
              {c.name}
            </span>
          ))}
          {cats.length > SHOWN_CATEGORIES && <span className="tag">+{cats.length - SHOWN_CATEGORIES} more</span>}
        </div>
      )}
    </>
  );
}
