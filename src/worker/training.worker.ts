/// <reference lib="webworker" />
/**
 * The training worker: the only owner of a trainer in the browser. It picks the tfjs backend, holds
 * the engine (datasets, model, optimiser) and drives training step by step, so the page's main
 * thread never runs tfjs. It speaks protocol.ts: commands in, events out.
 *
 * Every engine call goes through one SerialQueue (a step, an export and a prediction never
 * overlap); metrics leave through a MetricBatcher and progress through a ProgressThrottle
 * (each <= ~10 messages a second).
 */
import { initBrowserBackend, type BrowserBackendInfo } from '../platform/browser/backend';
import { handleDatasetCommand, isDatasetCommand } from './dataset_commands';
import type { TrainerSession, WorkerEngine } from './engine_port';
import { MetricBatcher } from './metric_batcher';
import type { WorkerCommand, WorkerEvent } from './protocol';
import { parseMetricsJsonl, recordsToColumns } from './metrics_jsonl';
import { ProgressThrottle } from './progress_throttle';
import { RunLoop, yieldToEventLoop } from './run_loop';
import { SerialQueue } from './serial_queue';

declare const self: DedicatedWorkerGlobalScope;

// ============================================================================ ENGINE PLUG-IN POINT
// The lead wires src/engine here, e.g. `return createBrowserEngine();` from an adapter file
// (src/worker/engine_adapter.ts) that implements WorkerEngine over SimpleTrainer, the data
// pipeline and the browser stores. Called once, after the backend is ready (no tensor before that).
function loadEngine(): WorkerEngine | null {
  return null;
}
// ================================================================================================

const METRICS_CHUNK = 10_000;
const ENGINE_MISSING = 'the training engine is not connected to this page yet (src/worker/training.worker.ts loadEngine)';

function post(event: WorkerEvent, transfer: Transferable[] = []): void {
  self.postMessage(event, transfer);
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

let backendReady: Promise<BrowserBackendInfo> | null = null;
let engine: WorkerEngine | null = null;
let session: TrainerSession | null = null;
let loop: RunLoop | null = null;
const queue = new SerialQueue();
const batcher = new MetricBatcher((records) => post({ type: 'stepFinished', records }));
const progress = new ProgressThrottle((p) => post({ type: 'progressed', ...p }));
const onProgress = (phase: string, done?: number, total?: number) => progress.report({ phase, done, total });

/** The engine, once the backend is up; throws one sentence when it cannot be had. */
async function needEngine(): Promise<WorkerEngine> {
  if (!backendReady) throw new Error('the worker was not initialised (send `init` first)');
  await backendReady;
  engine ??= loadEngine();
  if (!engine) throw new Error(ENGINE_MISSING);
  return engine;
}

function needSession(what: string): TrainerSession {
  if (!session) throw new Error(`${what}: there is no model yet; start a training run (or resume one) first`);
  return session;
}

async function startRun(cmd: Extract<WorkerCommand, { type: 'start' }>): Promise<void> {
  if (loop?.isRunning) throw new Error('a training run is already in progress; stop it before starting another');
  const eng = await needEngine();
  session?.dispose();
  session = null;
  const s = await queue.run(() =>
    eng.createSession({
      config: cmd.config,
      maxIter: cmd.maxIter,
      resumeFrom: cmd.resumeFrom,
      metrics: { write: (record) => batcher.push(record) },
      onProgress,
      onCheckpoint: (checkpoint) => post({ type: 'checkpointSaved', checkpoint }),
      onEvaluated: (iteration, stats) => post({ type: 'evaluated', iteration, stats }),
    }),
  );
  session = s;
  post({ type: 'started', iteration: s.iter, maxIter: s.maxIter, itersPerEpoch: s.itersPerEpoch });
  const stepper = { get iter() { return s.iter; }, get maxIter() { return s.maxIter; }, runStep: () => queue.run(() => s.runStep()) };
  loop = new RunLoop(stepper, {
    paused: (iteration) => (batcher.flush(), post({ type: 'paused', iteration })),
    resumed: (iteration) => post({ type: 'resumed', iteration }),
    ended: (iteration, reason, error) => {
      batcher.flush();
      if (reason === 'failed') post({ type: 'failed', message: `training stopped at iteration ${iteration}: ${messageOf(error)}`, command: 'start' });
      void queue
        .run(() => s.finish())
        .catch((e) => post({ type: 'failed', message: `saving the final checkpoint failed: ${messageOf(e)}`, command: 'stop' }))
        .finally(() => post({ type: 'stopped', iteration, reason }));
    },
  });
  void loop.run();
}

/** One handler per command; the `never` default makes a new command a compile error here. */
async function handle(cmd: WorkerCommand): Promise<void> {
  // Datasets (import, list, rename, delete, choose, gallery) need no backend: dataset_commands.ts.
  if (isDatasetCommand(cmd)) return handleDatasetCommand(cmd, post);
  switch (cmd.type) {
    case 'init': {
      backendReady ??= initBrowserBackend(cmd.backend);
      post({ type: 'ready', backend: await backendReady });
      return;
    }
    case 'importWeights': {
      const eng = await needEngine();
      post({ type: 'weightsImported', summary: await queue.run(() => eng.importWeights(cmd.file)) });
      return;
    }
    case 'start':
      return startRun(cmd);
    case 'pause':
      loop?.pause();
      return;
    case 'resume':
      loop?.resume();
      return;
    case 'stop':
      loop?.stop();
      return;
    case 'evaluate': {
      const s = needSession('evaluate');
      const stats = await queue.run(() => s.evaluate());
      post({ type: 'evaluated', iteration: s.iter, stats });
      return;
    }
    case 'predict': {
      const s = needSession('predict');
      post({ type: 'predicted', requestId: cmd.requestId, results: await queue.run(() => s.predict(cmd.images, cmd.threshold)) });
      return;
    }
    case 'exportWeights': {
      const s = needSession('export weights');
      const bytes = await queue.run(() => s.exportWeights());
      const buffer = bytes.slice().buffer;
      post({ type: 'weightsExported', requestId: cmd.requestId, fileName: `detr_iter${s.iter}.safetensors`, bytes: buffer }, [buffer]);
      return;
    }
    case 'exportCheckpoint': {
      const s = needSession('export checkpoint');
      const bytes = await queue.run(() => s.exportCheckpoint(cmd.checkpointId));
      const buffer = bytes.slice().buffer;
      post({ type: 'checkpointExported', requestId: cmd.requestId, fileName: `detr_checkpoint_iter${s.iter}.ckpt`, bytes: buffer }, [buffer]);
      return;
    }
    case 'openMetrics': {
      const records = parseMetricsJsonl(await cmd.file.text(), cmd.file.name);
      // Column chunks: transferred, so the main thread never deserialises objects.
      for (let i = 0; i < records.length; i += METRICS_CHUNK) {
        const chunk = recordsToColumns(records, i, Math.min(records.length, i + METRICS_CHUNK));
        const event: WorkerEvent = { type: 'metricsOpened', source: cmd.file.name, chunk, first: i === 0, last: i + METRICS_CHUNK >= records.length, total: records.length };
        post(event, chunk.columns.map((c) => c.buffer));
        await yieldToEventLoop();
      }
      return;
    }
    default: {
      const unknown: never = cmd;
      throw new Error(`unknown command ${JSON.stringify(unknown)}`);
    }
  }
}

self.onmessage = (e: MessageEvent<WorkerCommand>) => {
  const cmd = e.data;
  handle(cmd).catch((err) =>
    post({ type: 'failed', message: messageOf(err), command: cmd.type, requestId: 'requestId' in cmd ? cmd.requestId : undefined }),
  );
};
