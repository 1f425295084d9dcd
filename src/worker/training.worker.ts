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
import { browserEnginePorts } from './browser_ports';
import { createBrowserEngine } from './engine_adapter';
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
// The real engine (engine_adapter.ts) over the browser's stores (browser_ports.ts). Called once,
// after the backend is ready (no tensor before that).
function loadEngine(): WorkerEngine | null {
  return createBrowserEngine(browserEnginePorts());
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

async function postRuns(): Promise<void> {
  const eng = await needEngine();
  post({ type: 'runsListed', runs: await eng.listRuns() });
}

/** A stored-run side effect that must not stop training when it fails (storage full...): reported. */
function report(what: string, p: Promise<unknown>): void {
  p.catch((e) => post({ type: 'failed', message: `${what}: ${messageOf(e)}` }));
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
      onRunsChanged: () => report('listing the stored runs', postRuns()),
    }),
  );
  session = s;
  if (s.iter > 0) {
    // A resumed run: its history first (the page's charts start over from it).
    const chunk = recordsToColumns(s.history.records, 0, s.history.records.length);
    post({ type: 'metricsRestored', chunk, evals: s.history.evals }, chunk.columns.map((c) => c.buffer));
  }
  post({ type: 'started', iteration: s.iter, maxIter: s.maxIter, itersPerEpoch: s.itersPerEpoch, runId: s.runId, config: s.config, notes: s.notes });
  report('listing the stored runs', postRuns());
  const stepper = { get iter() { return s.iter; }, get maxIter() { return s.maxIter; }, runStep: () => queue.run(() => s.runStep()) };
  loop = new RunLoop(stepper, {
    paused: (iteration) => {
      batcher.flush();
      post({ type: 'paused', iteration });
      // Autosave on pause: a reload (or a closed tab) resumes from here.
      report('autosaving on pause', queue.run(async () => {
        await s.checkpointNow();
        await s.setStatus('paused');
      }));
    },
    resumed: (iteration) => {
      post({ type: 'resumed', iteration });
      report('updating the stored run', queue.run(() => s.setStatus('running')));
    },
    ended: (iteration, reason, error) => {
      batcher.flush();
      if (reason === 'failed') post({ type: 'failed', message: `training stopped at iteration ${iteration}: ${messageOf(error)}`, command: 'start' });
      void queue
        .run(() => s.finish(reason === 'failed'))
        .catch((e) => post({ type: 'failed', message: `saving the final checkpoint failed: ${messageOf(e)}`, command: 'stop' }))
        .finally(() => {
          post({ type: 'stopped', iteration, reason });
          report('listing the stored runs', postRuns());
        });
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
      // Runs stored by an earlier visit: the page offers to resume the latest.
      await postRuns();
      return;
    }
    case 'importWeights': {
      const eng = await needEngine();
      post({ type: 'weightsImported', summary: await queue.run(() => eng.importWeights(cmd.file, cmd.config)) });
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
      post({ type: 'evaluated', iteration: s.iter - 1, stats }); // after the last completed iteration, as EvalHook reports
      return;
    }
    case 'predict': {
      const s = needSession('predict');
      post({ type: 'predicted', requestId: cmd.requestId, results: await queue.run(() => s.predict(cmd.images, cmd.threshold)) });
      return;
    }
    case 'predictValidation': {
      const s = needSession('predict');
      post({ type: 'predicted', requestId: cmd.requestId, results: await queue.run(() => s.predictValidation(cmd.count, cmd.threshold)) });
      return;
    }
    case 'listRuns':
      return postRuns();
    case 'deleteRun': {
      const eng = await needEngine();
      if (session?.runId === cmd.id && loop?.isRunning) throw new Error('the run in progress cannot be deleted; stop it first');
      await queue.run(() => eng.deleteRun(cmd.id));
      return postRuns();
    }
    case 'exportMetrics': {
      const s = needSession('export metrics');
      const buffer = s.exportMetrics().slice().buffer;
      post({ type: 'metricsExported', requestId: cmd.requestId, fileName: `metrics_${s.runId}.jsonl`, bytes: buffer }, [buffer]);
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
      // A stored checkpoint needs no session (after a reload); "now" needs the run's model.
      const id = cmd.checkpointId;
      const bytes = id ? await (await needEngine()).readCheckpoint(id) : await queue.run(() => needSession('export checkpoint').exportCheckpoint());
      const buffer = bytes.slice().buffer;
      const fileName = id ? id.replace('/', '_') : `${session!.runId}_checkpoint_${String(session!.iter).padStart(7, '0')}.safetensors`;
      post({ type: 'checkpointExported', requestId: cmd.requestId, fileName, bytes: buffer }, [buffer]);
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
