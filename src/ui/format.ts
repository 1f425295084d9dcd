/** Number and time formatting for the panels (pure). */

/** A metric value: 4 significant digits, exponent form for very small or large values. */
export function formatMetric(v: number | undefined): string {
  if (v === undefined || Number.isNaN(v)) return '—';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '-∞';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a < 1e-3 || a >= 1e5) return v.toExponential(2).replace('e-', 'e−');
  return String(Number(v.toPrecision(4)));
}

/** An axis tick: as short as the value allows (8e−5, 0.25, 12k stays 12000). */
export function formatTick(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a < 1e-3 || a >= 1e5) {
    const [m, e] = v.toExponential(2).split('e');
    return `${Number(m)}e${e.replace('-', '−').replace('+', '')}`;
  }
  return String(Number(v.toPrecision(4)));
}

/** Seconds as "1h 02m", "3m 05s", "12s". */
export function formatDuration(sec: number | undefined): string {
  if (sec === undefined || !Number.isFinite(sec) || sec < 0) return '—';
  const s = Math.round(sec);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

/** Training speed as tqdm shows it: "2.31 it/s", or "4.20 s/it" below one a second. */
export function formatRate(itPerSec: number | undefined): string {
  if (itPerSec === undefined || !Number.isFinite(itPerSec) || itPerSec <= 0) return '—';
  return itPerSec >= 1 ? `${itPerSec.toFixed(2)} it/s` : `${(1 / itPerSec).toFixed(2)} s/it`;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) (v /= 1024), u++;
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`;
}

/** "1 image" / "3 images" (no thousands separator: tests and scripts read these numbers). */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}
