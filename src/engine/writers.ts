/**
 * Event writers (Detectron2 utils/events.py): they deliver what the EventStorage holds, called by
 * the PeriodicWriter hook. The engine itself only ever calls `storage.putScalar`.
 *
 *   JSONWriter          one JSON object per iteration to a line sink (the CLI's metrics.jsonl)
 *   CommonMetricPrinter a console line with smoothed losses and the ETA
 *   CallbackWriter      records to a callback at a bounded rate (the worker posts them to the page)
 */
import type { EventStorage } from './events';
import type { Clock, LineSink } from './ports';

/** One iteration's scalars: `iteration` (0-based) and every scalar put at it, official loss keys unscaled. */
export interface MetricRecord {
  iteration: number;
  [name: string]: number;
}

export interface WriteInfo {
  maxIter: number;
}

export interface EventWriter {
  /** Called once before training, with the first iteration this run will execute. */
  open?(startIter: number): void;
  write(storage: EventStorage, info: WriteInfo): void;
  close?(): void;
}

/** Leading keys in this order, then the rest in the order they were first put. */
const LEADING = ['iteration', 'epoch', 'lr', 'lr_backbone', 'total_loss'];

function orderRecord(it: number, row: Record<string, number>): MetricRecord {
  const out: MetricRecord = { iteration: it };
  for (const k of LEADING) if (k in row) out[k] = row[k];
  for (const [k, v] of Object.entries(row)) if (!(k in out)) out[k] = v;
  return out;
}

/** Records of the iterations after `after` up to the storage's current one, ascending. */
function recordsSince(storage: EventStorage, after: number): MetricRecord[] {
  return [...storage.scalarsByIteration(after, storage.iter)].map(([it, row]) => orderRecord(it, row));
}

/**
 * One JSON object per iteration (not only at write time: every iteration since the last write is
 * written from the history, so a PeriodicWriter period > 1 loses nothing).
 */
export class JSONWriter implements EventWriter {
  private last = -1;
  constructor(private readonly sink: LineSink) {}

  open(startIter: number): void {
    this.last = startIter - 1;
  }

  write(storage: EventStorage): void {
    for (const r of recordsSince(storage, this.last)) {
      this.sink(JSON.stringify(r));
      this.last = r.iteration;
    }
  }
}

/** h:mm:ss */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return `${Math.floor(s / 3600)}:${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

const AUX = /_\d+$/;

/** Detectron2's console line: ETA from the median iteration time, smoothed losses, timing, lr. */
export class CommonMetricPrinter implements EventWriter {
  constructor(
    private readonly sink: LineSink,
    private readonly window = 20,
  ) {}

  write(storage: EventStorage, info: WriteInfo): void {
    const latest = storage.latestWithSmoothingHint(this.window);
    const it = storage.iter;
    const parts: string[] = [];
    if (storage.hasHistory('time')) parts.push(`eta: ${formatDuration(storage.history('time').median(1000) * (info.maxIter - it - 1))}`);
    parts.push(`iter: ${it + 1}/${info.maxIter}`);
    const epoch = latest.get('epoch');
    if (epoch) parts.push(`epoch: ${epoch[0]}`);
    const shown = [...latest.keys()].filter((k) => (k === 'total_loss' || k.startsWith('loss_') || k === 'class_error' || k === 'grad_norm') && !AUX.test(k));
    for (const k of shown) parts.push(`${k}: ${latest.get(k)![0].toPrecision(4)}`);
    for (const k of ['time', 'data_time']) if (latest.has(k)) parts.push(`${k}: ${storage.history(k).avg(this.window).toFixed(4)}`);
    if (latest.has('lr')) parts.push(`lr: ${latest.get('lr')![0].toExponential(2)}`);
    this.sink(parts.join('  '));
  }
}

/**
 * Hands every new iteration's record to `post`, batched so that posts happen at most once per
 * `minIntervalSeconds` (a fast run must not flood the page); `close()` posts what is left.
 */
export class CallbackWriter implements EventWriter {
  private last = -1;
  private pending: MetricRecord[] = [];
  private lastPost = -Infinity;

  constructor(
    private readonly post: (records: MetricRecord[]) => void,
    private readonly clock: Clock,
    private readonly minIntervalSeconds = 0.1,
  ) {}

  open(startIter: number): void {
    this.last = startIter - 1;
  }

  write(storage: EventStorage): void {
    for (const r of recordsSince(storage, this.last)) {
      this.pending.push(r);
      this.last = r.iteration;
    }
    if (this.clock.now() - this.lastPost >= this.minIntervalSeconds) this.flush();
  }

  flush(): void {
    if (!this.pending.length) return;
    const out = this.pending;
    this.pending = [];
    this.lastPost = this.clock.now();
    this.post(out);
  }

  close(): void {
    this.flush();
  }
}
