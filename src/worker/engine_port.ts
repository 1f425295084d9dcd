/**
 * What the training worker needs from the engine (src/engine + src/data + src/weights, wired to
 * the browser stores in src/platform/browser). The worker is written against these interfaces
 * only; `training.worker.ts` holds the one place where an implementation is plugged in.
 *
 * Lifecycle: importWeights any time while no run is active (datasets: dataset_commands.ts); createSession builds
 * the model and optimiser (from the checkpoint `resumeFrom` when given); the worker then drives
 * `runStep` one iteration at a time (RunLoop), so pause/stop take effect between iterations.
 */
import type { DetrConfig } from '../config/config';
import type {
  CheckpointInfo,
  RunInfo,
  EvalStats,
  MetricsRecord,
  PredictionResult,
  WeightsSummary,
} from './protocol';

/** Where the engine's PeriodicWriter delivers each iteration's scalars (habit 4). */
export interface MetricSink {
  write(record: MetricsRecord): void;
}

export interface SessionOptions {
  config: DetrConfig;
  maxIter?: number;
  resumeFrom?: string;
  metrics: MetricSink;
  /** Long phases before the first step: "building model", "decoding images" (done of total). */
  onProgress(phase: string, done?: number, total?: number): void;
  /** Called by the periodic checkpointer hook after each save. */
  onCheckpoint(info: CheckpointInfo): void;
  /** Called by the eval hook after each COCO evaluation. */
  onEvaluated(iteration: number, stats: EvalStats): void;
  /** The stored runs changed (a checkpoint was saved, the run's status moved on). */
  onRunsChanged?(): void;
}

/** A resumed run's past: its metrics records and evaluations before the iteration it resumes at. */
export interface RunHistory {
  records: readonly MetricsRecord[];
  evals: readonly { iteration: number; stats: EvalStats }[];
}

/** One training run: the SimpleTrainer with its hooks, driven step by step. */
export interface TrainerSession {
  /** Iterations completed so far (the next iteration's index). */
  readonly iter: number;
  readonly maxIter: number;
  readonly itersPerEpoch: number;
  /** The stored run this session trains. */
  readonly runId: string;
  /** The run's config (a resumed run's comes from its checkpoint). */
  readonly config: DetrConfig;
  /** What loading the initial weights did (one line each); empty when none were given. */
  readonly notes: readonly string[];
  /** The metrics and evaluations of a resumed run before this session (empty for a new run). */
  readonly history: RunHistory;
  /** One iteration: data, forward, loss, backward, clip, step, hooks (afterStep writes metrics). */
  runStep(): Promise<void>;
  evaluate(): Promise<EvalStats>;
  predict(images: readonly File[], threshold: number): Promise<PredictionResult[]>;
  /** The first `count` validation images (training images without a validation set), with their ground truth. */
  predictValidation(count: number, threshold: number): Promise<PredictionResult[]>;
  /** Saves a checkpoint now (autosave on pause); undefined when the latest one is already this iteration's. */
  checkpointNow(): Promise<CheckpointInfo | undefined>;
  /** Marks the stored run paused / running (what the resume offer shows after a reload). */
  setStatus(status: RunInfo['status']): Promise<void>;
  /** Every metrics record of the run so far (resumed history included), as JSON lines. */
  exportMetrics(): Uint8Array;
  /** The model's weights as a .safetensors file with the official DETR names (CONTRACT 2). */
  exportWeights(): Promise<Uint8Array>;
  /** A resumable checkpoint (the latest saved one, or `checkpointId`). */
  exportCheckpoint(checkpointId?: string): Promise<Uint8Array>;
  /** Runs afterTrain hooks (final checkpoint) once the loop ends; `failed` skips the final checkpoint. */
  finish(failed?: boolean): Promise<void>;
  /** Frees every tensor the run owns. */
  dispose(): void;
}

export interface WorkerEngine {
  /** Reads a weights file (kept for the next run) and, given a config, reports how it fits. */
  importWeights(file: File, config?: DetrConfig): Promise<WeightsSummary>;
  createSession(options: SessionOptions): Promise<TrainerSession>;
  /** The stored runs, newest first. */
  listRuns(): Promise<RunInfo[]>;
  deleteRun(id: string): Promise<void>;
  /** A stored checkpoint's file (`<run id>/<name>`), with or without a session. */
  readCheckpoint(checkpointId: string): Promise<Uint8Array>;
}
