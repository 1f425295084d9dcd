/**
 * The real engine behind the worker's WorkerEngine port (engine_port.ts): weights read with
 * src/weights and checked with loadStateDict's report, training sessions built with
 * createTrainingSession (SimpleTrainer, AdamW, the standard hooks) on the stored datasets, with
 * checkpoints and metrics in the browser's run store.
 *
 * Everything that touches IndexedDB, the image codecs or the clock comes in as EnginePorts, so the
 * same adapter runs in Node tests (a folder dataset, the Node decoder, a memory store).
 */
import type { DetrConfig } from '../config/config';
import type { Dataset } from '../data/dataset';
import type { ImageDecoder } from '../data/ports';
import { buildTrainLoader } from '../data/loader';
import { asBatchLoader } from '../engine/batch_loader';
import { decodeCheckpoint } from '../engine/checkpoint_format';
import { CocoEvaluator } from '../engine/coco_evaluator';
import { createTrainingSession } from '../engine/commands';
import type { Clock } from '../engine/ports';
import { CallbackWriter, type MetricRecord } from '../engine/writers';
import { RUNS_KEPT, runInfo, type RunRecord, type RunStore } from '../platform/browser/run_store';
import { BrowserTrainerSession } from './browser_session';
import type { SessionOptions, TrainerSession, WorkerEngine } from './engine_port';
import type { DatasetSplit, MetricsRecord, RunInfo, WeightsSummary } from './protocol';
import { checkFit, fitOf, readFileBytes, readWeights, type ImportedWeights } from './weights_import';

export interface LoadedDataset {
  dataset: Dataset;
  /** What identifies it in storage (kept in the run, handed back on resume). */
  choice: unknown;
}

export interface EnginePorts {
  /**
   * The dataset that trains (`train`) or validates (`val`): the stored choice `choice` when given
   * (a resumed run's), else the one the user chose; null when there is none.
   */
  loadDataset(role: DatasetSplit, choice?: unknown): Promise<LoadedDataset | null>;
  decoder: ImageDecoder;
  runs: RunStore;
  /** Monotonic seconds. */
  clock: Clock;
}

/** Checkpoints kept per run (each holds the weights and both AdamW moments). */
export const CHECKPOINTS_KEPT = 3;

function checkClasses(cfg: DetrConfig, ds: Dataset, role: string): void {
  if (ds.numClasses > cfg.num_classes) {
    throw new Error(
      `the ${role} set ${ds.name} has category id ${ds.numClasses - 1}, which does not fit num_classes ${cfg.num_classes} (DETR's num_classes is the max category id + 1: set "num_classes": ${ds.numClasses} in the config)`,
    );
  }
}

/** "<run id>" or "<run id>/<checkpoint file>". */
function parseResume(resumeFrom: string): { runId: string; name?: string } {
  const slash = resumeFrom.indexOf('/');
  return slash < 0 ? { runId: resumeFrom } : { runId: resumeFrom.slice(0, slash), name: resumeFrom.slice(slash + 1) };
}

export function createBrowserEngine(ports: EnginePorts): WorkerEngine {
  let weights: ImportedWeights | null = null;
  const { runs } = ports;

  async function openResume(resumeFrom: string) {
    const { runId, name } = parseResume(resumeFrom);
    const record = await runs.get(runId);
    if (!record) throw new Error(`run ${runId} is not in this browser's storage (it may have been deleted)`);
    const store = runs.checkpoints(runId);
    const file = name ?? (await store.getLatest());
    if (!file) throw new Error(`run "${record.name}" has no checkpoint to resume from yet`);
    const bytes = await store.load(file);
    const contents = decodeCheckpoint(bytes, file);
    // Checkpoints after the one resumed from belong to a branch that is being replaced.
    for (const c of record.checkpoints) if (c.iteration > contents.iteration) await store.remove(c.id.slice(runId.length + 1));
    return { record, file, bytes, iteration: contents.iteration, config: contents.config };
  }

  return {
    async importWeights(file: File, config?: DetrConfig): Promise<WeightsSummary> {
      const w = readWeights(await readFileBytes(file), file.name);
      weights = w;
      return config ? { ...w.summary, fit: checkFit(w, config) } : w.summary;
    },

    async createSession(o: SessionOptions): Promise<TrainerSession> {
      o.onProgress(o.resumeFrom ? 'Reading the checkpoint' : 'Loading the dataset');
      const resume = o.resumeFrom ? await openResume(o.resumeFrom) : undefined;
      const cfg = resume?.config ?? o.config;
      if (resume) o.onProgress('Loading the dataset');
      const train = await ports.loadDataset('train', resume?.record.data.train);
      if (!train) throw new Error('there is no training set: import a COCO dataset in the Datasets panel first');
      const val = resume ? (resume.record.data.val === undefined ? null : await ports.loadDataset('val', resume.record.data.val)) : await ports.loadDataset('val');
      checkClasses(cfg, train.dataset, 'training');
      if (val) checkClasses(cfg, val.dataset, 'validation');
      const warnings: string[] = [];
      const loader = asBatchLoader(buildTrainLoader(cfg, train.dataset, ports.decoder, { onWarning: (w) => warnings.push(w.message) }));
      const maxIter = o.maxIter ?? resume?.record.maxIter ?? cfg.epochs * loader.batchesPerEpoch;

      let record: RunRecord;
      let history: BrowserTrainerSession['history'] = { records: [], evals: [] };
      if (resume) {
        record = resume.record;
        history = { records: await runs.rewindTo(record.id, resume.iteration), evals: record.evals.filter((e) => e.iteration < resume.iteration) };
        await runs.update(record.id, (r) => ({ ...r, maxIter, status: 'running' }));
      } else {
        const name = `${train.dataset.name} · ${cfg.backbone}, hidden ${cfg.hidden_dim}`;
        record = await runs.create({ name, config: cfg, itersPerEpoch: loader.batchesPerEpoch, maxIter, data: { train: train.choice, val: val?.choice } });
      }

      o.onProgress('Building the model');
      let target: BrowserTrainerSession | undefined;
      const notes: string[] = [];
      let session: ReturnType<typeof createTrainingSession>;
      try {
        session = createTrainingSession({
          config: cfg,
          loader,
          clock: ports.clock,
          store: runs.checkpoints(record.id),
          maxToKeep: CHECKPOINTS_KEPT,
          weights: !resume && weights ? { tensors: weights.tensors, name: weights.name } : undefined,
          resume: resume ? { bytes: resume.bytes, name: resume.file } : undefined,
          maxIter,
          evaluator: val ? new CocoEvaluator(val.dataset, ports.decoder, cfg, cfg.batch_size) : undefined,
          writers: [new CallbackWriter((rs: MetricRecord[]) => target?.sinks.records(rs as unknown as MetricsRecord[]), ports.clock, 0)],
          writePeriod: 1,
          onCheckpoint: (s) => target?.sinks.checkpoint(s),
          onEvaluated: (it, stats) => target?.sinks.evaluated(it, stats),
          log: (line) => notes.push(line),
        });
      } catch (e) {
        // A new run that could not start (weights that do not fit...) leaves nothing behind.
        if (!resume) await runs.delete(record.id);
        throw e;
      }
      // Started: the oldest runs beyond RUNS_KEPT go, with their checkpoints.
      if (!resume) await runs.prune(RUNS_KEPT, record.id);
      if (session.weightsReport && weights) {
        const fit = fitOf(session.weightsReport, cfg);
        notes.unshift(
          `${weights.name}: loaded ${fit.loaded} tensors` +
            (fit.reinitialized.length ? `; re-initialised ${fit.reinitialized.join(', ')} (another num_classes)` : '') +
            (fit.missing.length ? `; ${fit.missing.length} tensors kept their initialisation` : ''),
        );
      }
      notes.push(...warnings);
      target = new BrowserTrainerSession({ session, runId: record.id, config: cfg, maxIter, train: train.dataset, val: val?.dataset ?? null, decoder: ports.decoder, runs, notes, history, options: o });
      return target;
    },

    async listRuns(): Promise<RunInfo[]> {
      return (await runs.list()).map(runInfo);
    },

    async deleteRun(id: string): Promise<void> {
      await runs.delete(id);
    },

    async readCheckpoint(checkpointId: string): Promise<Uint8Array> {
      const { runId, name } = parseResume(checkpointId);
      if (!name) throw new Error(`checkpoint id "${checkpointId}" is not "<run>/<file>"`);
      return runs.checkpoints(runId).load(name);
    },
  };
}
