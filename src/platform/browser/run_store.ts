/**
 * Training runs kept in the browser, so that a reload can resume one (IndexedDB, stores of their own):
 *
 *   detr-studio-runs / kv          <run id> -> RunRecord   what the Checkpoints panel lists; the commit
 *                                                         point of a checkpoint is its entry here
 *   detr-studio-checkpoints / kv   checkpoint_store.ts     the checkpoint files
 *   detr-studio-run-metrics / kv   <run id>/<n> -> MetricsRecord[]   the run's metrics in chunks, so a
 *                                                         resumed run charts its whole history
 *
 * Metrics are stored up to the latest checkpoint (rows of iterations it has completed): what a resume
 * from it continues after. Runs beyond the newest few are deleted when a new one starts.
 */
import { CHECKPOINT_PATTERN } from '../../engine/checkpointer';
import type { CheckpointStore } from '../../engine/ports';
import type { DetrConfig } from '../../config/config';
import type { CheckpointInfo, EvalStats, MetricsRecord, RunInfo } from '../../worker/protocol';
import { KvCheckpointStore } from './checkpoint_store';
import { persistentOrMemory, type KeyValueStore } from './kv_store';

export interface RunRecord extends RunInfo {
  config: DetrConfig;
  itersPerEpoch: number;
  /** Where the run's data came from (stored dataset choices), handed back on resume. */
  data: { train: unknown; val?: unknown };
  /** The checkpoint `last_checkpoint` points at. */
  latest?: string;
  /** Metrics chunks stored, and the iteration they reach (rows with a smaller iteration). */
  metricsChunks: number;
  metricsUpTo: number;
  evals: { iteration: number; stats: EvalStats }[];
}

export interface NewRun {
  name: string;
  config: DetrConfig;
  itersPerEpoch: number;
  maxIter: number;
  data: RunRecord['data'];
}

/** Runs kept (with their checkpoints) when a new one starts. */
export const RUNS_KEPT = 3;

export class RunStore {
  private lastId = '';

  constructor(
    private readonly runs: KeyValueStore,
    private readonly files: KeyValueStore,
    private readonly metrics: KeyValueStore,
    private readonly now: () => number = () => Date.now(),
  ) {}

  async create(init: NewRun): Promise<RunRecord> {
    let id = `run-${this.now().toString(36)}`;
    while (id <= this.lastId || (await this.runs.get(id))) id = `${id}x`;
    this.lastId = id;
    const t = this.now();
    const record: RunRecord = { id, createdAt: t, updatedAt: t, iteration: 0, epoch: 0, status: 'running', checkpoints: [], metricsChunks: 0, metricsUpTo: 0, evals: [], ...init };
    await this.runs.set(id, record);
    return record;
  }

  async get(id: string): Promise<RunRecord | undefined> {
    return this.runs.get<RunRecord>(id);
  }

  /** Newest first. */
  async list(): Promise<RunRecord[]> {
    const all = await Promise.all((await this.runs.keys()).map((k) => this.runs.get<RunRecord>(k)));
    return all.filter((r): r is RunRecord => !!r).sort((a, b) => b.createdAt - a.createdAt || (b.id < a.id ? -1 : 1));
  }

  async update(id: string, fn: (r: RunRecord) => RunRecord): Promise<void> {
    await this.runs.update<RunRecord>(id, (old) => {
      if (!old) throw new Error(`run ${id} is not stored (it may have been deleted)`);
      return { ...fn(old), updatedAt: this.now() };
    });
  }

  /** The run's CheckpointStore; its saves and removals keep the run's checkpoint list current. */
  checkpoints(id: string): CheckpointStore & { clear(): Promise<void> } {
    const info = (r: RunRecord, name: string, sizeBytes: number): CheckpointInfo => {
      const iteration = Number(CHECKPOINT_PATTERN.exec(name)?.[1] ?? 0);
      return { id: `${id}/${name}`, iteration, epoch: Math.floor(iteration / Math.max(1, r.itersPerEpoch)), savedAt: this.now(), sizeBytes };
    };
    return new KvCheckpointStore(this.files, id, {
      saved: (name, size) => this.update(id, (r) => ({ ...r, checkpoints: [...r.checkpoints.filter((c) => c.id !== `${id}/${name}`), info(r, name, size)].sort((a, b) => a.iteration - b.iteration) })),
      removed: (name) => this.update(id, (r) => ({ ...r, checkpoints: r.checkpoints.filter((c) => c.id !== `${id}/${name}`) })),
      latest: (name) =>
        this.update(id, (r) => {
          const c = r.checkpoints.find((x) => x.id === `${id}/${name}`);
          return { ...r, latest: name, iteration: c?.iteration ?? r.iteration, epoch: c?.epoch ?? r.epoch };
        }),
    });
  }

  /** Stores the rows of `records` in [metricsUpTo, upTo) and moves metricsUpTo to `upTo`. */
  async appendMetrics(id: string, records: readonly MetricsRecord[], upTo: number): Promise<void> {
    const r = await this.get(id);
    if (!r) throw new Error(`run ${id} is not stored`);
    const rows = records.filter((x) => x.iteration >= r.metricsUpTo && x.iteration < upTo);
    if (rows.length) await this.metrics.set(`${id}/${r.metricsChunks}`, rows);
    await this.update(id, (old) => ({ ...old, metricsChunks: old.metricsChunks + (rows.length ? 1 : 0), metricsUpTo: Math.max(old.metricsUpTo, upTo) }));
  }

  /** The stored rows with iteration < `before`, ascending. */
  async readMetrics(id: string, before = Infinity): Promise<MetricsRecord[]> {
    const r = await this.get(id);
    if (!r) return [];
    const out: MetricsRecord[] = [];
    for (let i = 0; i < r.metricsChunks; i++) for (const row of (await this.metrics.get<MetricsRecord[]>(`${id}/${i}`)) ?? []) if (row.iteration < before) out.push(row);
    return out.sort((a, b) => a.iteration - b.iteration);
  }

  /**
   * Cuts the run's stored history at `iteration` (a resume from an earlier checkpoint): metrics rows
   * and evaluations at or after it are dropped, so what the resumed run appends follows on.
   */
  async rewindTo(id: string, iteration: number): Promise<MetricsRecord[]> {
    const rows = await this.readMetrics(id, iteration);
    const r = await this.get(id);
    if (!r) return rows;
    await this.metrics.delMany(Array.from({ length: r.metricsChunks }, (_, i) => `${id}/${i}`));
    if (rows.length) await this.metrics.set(`${id}/0`, rows);
    await this.update(id, (old) => ({ ...old, metricsChunks: rows.length ? 1 : 0, metricsUpTo: iteration, evals: old.evals.filter((e) => e.iteration < iteration) }));
    return rows;
  }

  async addEval(id: string, iteration: number, stats: EvalStats): Promise<void> {
    await this.update(id, (r) => ({ ...r, evals: [...r.evals.filter((e) => e.iteration !== iteration), { iteration, stats }] }));
  }

  async delete(id: string): Promise<void> {
    const r = await this.get(id);
    await this.runs.del(id);
    await this.checkpoints(id).clear();
    if (r) await this.metrics.delMany(Array.from({ length: r.metricsChunks }, (_, i) => `${id}/${i}`));
  }

  /** Deletes all but the newest `keep` runs (never `except`). */
  async prune(keep = RUNS_KEPT, except?: string): Promise<void> {
    const old = (await this.list()).filter((r) => r.id !== except).slice(Math.max(0, keep - (except ? 1 : 0)));
    for (const r of old) await this.delete(r.id);
  }
}

/** The page's run store: IndexedDB, or memory where this browser has none (`persistent` false). */
export function openBrowserRunStore(): { runs: RunStore; persistent: boolean } {
  const runs = persistentOrMemory('detr-studio-runs');
  const files = persistentOrMemory('detr-studio-checkpoints');
  const metrics = persistentOrMemory('detr-studio-run-metrics');
  return { runs: new RunStore(runs.store, files.store, metrics.store), persistent: runs.persistent };
}

/** What the page is shown of a run. */
export function runInfo(r: RunRecord): RunInfo {
  const { id, name, createdAt, updatedAt, iteration, epoch, maxIter, status, checkpoints } = r;
  return { id, name, createdAt, updatedAt, iteration, epoch, maxIter, status, checkpoints };
}
