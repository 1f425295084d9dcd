/**
 * One training run in the page's worker: the engine's TrainingSession (SimpleTrainer with the
 * standard hooks, src/engine/commands.ts) driven one step at a time, its checkpoints in the
 * browser's run store, its metrics streamed to the page and kept for export and resume.
 *
 * Checkpoints are saved by the PeriodicCheckpointer (every `checkpoint_period`, and at the end) and
 * by `checkpointNow` (autosave on pause). After each save the run's metrics up to the checkpoint are
 * stored beside it, so a reload resumes with the whole curve.
 */
import type { DetrConfig } from '../config/config';
import type { Dataset } from '../data/dataset';
import type { ImageDecoder } from '../data/ports';
import type { SavedCheckpoint } from '../engine/checkpointer';
import { CocoEvaluator } from '../engine/coco_evaluator';
import type { TrainingSession } from '../engine/commands';
import { COCO_STAT_NAMES } from '../eval/coco_types';
import type { RunStore } from '../platform/browser/run_store';
import type { RunHistory, SessionOptions, TrainerSession } from './engine_port';
import { categoryNames, predictDatasetImages, predictImages } from './predict_images';
import type { CheckpointInfo, EvalStats, MetricsRecord, PredictionResult, RunInfo } from './protocol';

export interface SessionParts {
  session: TrainingSession;
  runId: string;
  config: DetrConfig;
  maxIter: number;
  train: Dataset;
  val: Dataset | null;
  decoder: ImageDecoder;
  runs: RunStore;
  notes: string[];
  history: RunHistory;
  options: SessionOptions;
}

/** The evaluator's stats by name -> the protocol's EvalStats (12 stats, AP per category). */
export function toEvalStats(stats: Record<string, number>): EvalStats {
  const out = Object.fromEntries(COCO_STAT_NAMES.map((k) => [k, stats[k] ?? -1])) as unknown as EvalStats;
  const categories = Object.entries(stats)
    .filter(([k]) => k.startsWith('AP-'))
    .map(([k, AP]) => ({ name: k.slice(3), AP }));
  return categories.length ? { ...out, categories } : out;
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) (out.set(p, o), (o += p.length));
  return out;
}

export const checkpointName = (completed: number) => `checkpoint_${String(completed).padStart(7, '0')}`;

export class BrowserTrainerSession implements TrainerSession {
  readonly runId: string;
  readonly config: DetrConfig;
  readonly notes: readonly string[];
  readonly history: RunHistory;
  /** Every record of the run: the resumed history, then this session's (for export and storage). */
  private readonly records: MetricsRecord[];
  private readonly saved: SavedCheckpoint[] = [];
  private readonly evaluated: { iteration: number; stats: EvalStats }[] = [];
  private started = false;
  private lastSaved: number;

  constructor(private readonly p: SessionParts) {
    this.runId = p.runId;
    this.config = p.config;
    this.notes = p.notes;
    this.history = p.history;
    this.records = [...p.history.records];
    this.lastSaved = p.session.trainer.iter;
  }

  get iter(): number {
    return this.p.session.trainer.iter;
  }
  get maxIter(): number {
    return this.p.session.trainer.maxIter;
  }
  get itersPerEpoch(): number {
    return this.p.session.trainer.itersPerEpoch;
  }

  /** The trainer's writer and hooks call these (wired in engine_adapter.ts). */
  readonly sinks = {
    records: (rs: readonly MetricsRecord[]) => {
      for (const r of rs) {
        this.records.push(r);
        this.p.options.metrics.write(r);
      }
    },
    checkpoint: (s: SavedCheckpoint) => this.saved.push(s),
    evaluated: (iteration: number, stats: Record<string, number>) => {
      const e = { iteration, stats: toEvalStats(stats) };
      this.evaluated.push(e);
      this.p.options.onEvaluated(iteration, e.stats);
    },
  };

  /** Stores what the last step (or finish) produced: checkpoints with their metrics, evaluations. */
  private async persist(): Promise<void> {
    const { runs } = this.p;
    for (const e of this.evaluated.splice(0)) await runs.addEval(this.runId, e.iteration, e.stats);
    const saved = this.saved.splice(0);
    for (const s of saved) {
      await runs.appendMetrics(this.runId, this.records, s.iteration);
      this.lastSaved = s.iteration;
      const info = (await runs.get(this.runId))?.checkpoints.find((c) => c.id === `${this.runId}/${s.name}`);
      this.p.options.onCheckpoint(info ?? { id: `${this.runId}/${s.name}`, iteration: s.iteration, epoch: s.epoch, savedAt: Date.now(), sizeBytes: s.sizeBytes });
    }
    if (saved.length) this.p.options.onRunsChanged?.();
  }

  async runStep(): Promise<void> {
    const { trainer } = this.p.session;
    if (!this.started) {
      await trainer.start();
      this.started = true;
    }
    await trainer.step();
    await this.persist();
  }

  async checkpointNow(): Promise<CheckpointInfo | undefined> {
    const { checkpointer, trainer } = this.p.session;
    if (!checkpointer || trainer.completed === this.lastSaved) return undefined;
    const s = await checkpointer.save(checkpointName(trainer.completed));
    this.saved.push(s);
    await this.persist();
    return (await this.p.runs.get(this.runId))?.checkpoints.find((c) => c.id === `${this.runId}/${s.name}`);
  }

  async setStatus(status: RunInfo['status']): Promise<void> {
    await this.p.runs.update(this.runId, (r) => ({ ...r, status }));
    this.p.options.onRunsChanged?.();
  }

  async finish(failed = false): Promise<void> {
    const { trainer } = this.p.session;
    if (this.started) {
      // afterTrain: the final checkpoint (unless failed), writers flushed.
      await trainer.finish(failed ? 'failed' : undefined);
      await this.persist();
    }
    await this.setStatus(failed ? 'failed' : trainer.iter >= trainer.maxIter ? 'finished' : 'stopped');
  }

  async evaluate(): Promise<EvalStats> {
    const ds = this.p.val ?? this.p.train;
    const ev = new CocoEvaluator(ds, this.p.decoder, this.config, this.config.batch_size);
    return toEvalStats(await ev.evaluate(this.p.session.model));
  }

  async predict(images: readonly File[], threshold: number): Promise<PredictionResult[]> {
    const named = await Promise.all(images.map(async (f) => ({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) })));
    return predictImages(this.p.session.model, this.config, this.p.decoder, named, threshold, categoryNames(this.p.train));
  }

  async predictValidation(count: number, threshold: number): Promise<PredictionResult[]> {
    return predictDatasetImages(this.p.session.model, this.config, this.p.decoder, this.p.val ?? this.p.train, count, threshold);
  }

  async exportWeights(): Promise<Uint8Array> {
    return concatBytes(await this.p.session.weightsParts());
  }

  async exportCheckpoint(checkpointId?: string): Promise<Uint8Array> {
    if (checkpointId === undefined) return concatBytes(await this.p.session.checkpointParts());
    const slash = checkpointId.indexOf('/');
    if (slash < 0) throw new Error(`checkpoint id "${checkpointId}" is not "<run>/<file>"`);
    return this.p.runs.checkpoints(checkpointId.slice(0, slash)).load(checkpointId.slice(slash + 1));
  }

  exportMetrics(): Uint8Array {
    return new TextEncoder().encode(this.records.map((r) => JSON.stringify(r)).join('\n') + (this.records.length ? '\n' : ''));
  }

  dispose(): void {
    this.p.session.dispose();
  }
}
