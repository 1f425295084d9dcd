import type { ImportProgress } from '../../worker/protocol';

const mb = (bytes: number) => (bytes / 1e6).toFixed(1);

/** An import under way: files and MB read of all, MB/s, and a cancel button. */
export function ImportProgressBar({ progress, onCancel }: { progress: ImportProgress | null; onCancel(): void }) {
  const p = progress;
  const frac = p && p.totalBytes > 0 ? p.bytes / p.totalBytes : p && p.totalFiles > 0 ? p.files / p.totalFiles : 0;
  const label = !p ? 'Starting…' : p.phase === 'storing' ? 'Saving to this browser…' : p.phase === 'done' ? 'Done' : 'Reading and checking files…';
  return (
    <div className="import-progress" data-testid="dataset-progress" role="status">
      <div className="progress" aria-label="import progress" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(frac * 100)} role="progressbar">
        <div style={{ width: `${Math.min(100, frac * 100)}%` }} />
      </div>
      <div className="progress-line">
        <span>{label}</span>
        {p && (
          <span className="mono">
            {p.files}/{p.totalFiles} files · {mb(p.bytes)}/{mb(p.totalBytes)} MB · {p.mbPerSec.toFixed(1)} MB/s
          </span>
        )}
        <button type="button" className="btn small danger-outline" data-testid="dataset-cancel" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </div>
  );
}
