import { describe, expect, it } from 'vitest';
import type { MetricsRecord, RunInfo, WorkerEvent } from '../../worker/protocol';
import { column } from './metric_log';
import { dedupedStorage, PERSIST, persistedPart } from './persist';
import { runActions } from './run_slice';
import { throughput, selectNumClassesSuggestion, selectResumable } from './selectors';
import { initialState, type StudioState } from './state';
import { applyWorkerEvent } from './worker_events';

const rec = (iteration: number, time = 0.5): MetricsRecord => ({
  iteration, epoch: Math.floor(iteration / 10), lr: 1e-4, total_loss: 5, class_error: 80, cardinality_error: 2, time, data_time: 0.01, loss_ce: 1,
});

/** Plays events through the reducer, as the store does. */
function play(s: StudioState, ...events: WorkerEvent[]): StudioState {
  return events.reduce((acc, e) => ({ ...acc, ...applyWorkerEvent(acc, e) }), s);
}

const ready: WorkerEvent = { type: 'ready', backend: { backend: 'webgpu', adapter: 'Google · swiftshader' } };

describe('applyWorkerEvent', () => {
  it('walks a run: ready, start, steps, pause, resume, stop', () => {
    let s = play(initialState(), ready);
    expect(s.workerStatus).toBe('ready');
    expect(s.backend?.backend).toBe('webgpu');
    s = { ...s, ...runActions.requestStart(s) };
    expect(s.runStatus).toBe('starting');
    s = play(s, { type: 'progressed', phase: 'Building the model' });
    expect(s.phase?.label).toBe('Building the model');
    s = play(s, { type: 'started', iteration: 0, maxIter: 100, itersPerEpoch: 10 });
    expect(s.runStatus).toBe('running');
    s = play(s, { type: 'stepFinished', records: [rec(0), rec(1), rec(2)] }, { type: 'stepFinished', records: [rec(3)] });
    expect(s.iteration).toBe(4); // four iterations done
    expect(Array.from(column(s.metrics, 'loss_ce')!)).toEqual([1, 1, 1, 1]);
    s = { ...s, ...runActions.requestPause(s) };
    expect(s.runStatus).toBe('pausing');
    s = play(s, { type: 'paused', iteration: 4 });
    expect(s.runStatus).toBe('paused');
    s = { ...s, ...runActions.requestResume(s) };
    s = play(s, { type: 'resumed', iteration: 4 }, { type: 'stepFinished', records: [rec(4)] });
    s = { ...s, ...runActions.requestStop(s) };
    expect(s.runStatus).toBe('stopping');
    s = play(s, { type: 'stopped', iteration: 5, reason: 'requested' });
    expect(s.runStatus).toBe('stopped');
    expect(s.iteration).toBe(5);
  });

  it('a resumed run keeps the metrics before its start and drops the rest', () => {
    let s = play(initialState(), ready, { type: 'started', iteration: 0, maxIter: 50, itersPerEpoch: 10 });
    s = play(s, { type: 'stepFinished', records: [0, 1, 2, 3, 4, 5].map((i) => rec(i)) });
    s = play(s, { type: 'evaluated', iteration: 2, stats: { AP: 0.1, AP50: 0.2, AP75: 0.05, APs: -1, APm: 0.1, APl: 0.1, AR1: 0.1, AR10: 0.2, AR100: 0.2, ARs: -1, ARm: 0.2, ARl: 0.2 } });
    s = play(s, { type: 'stopped', iteration: 6, reason: 'requested' }, { type: 'started', iteration: 3, maxIter: 50, itersPerEpoch: 10 });
    expect(Array.from(column(s.metrics, 'iteration')!)).toEqual([0, 1, 2]);
    expect(s.evals.map((e) => e.iteration)).toEqual([2]);
    s = play(s, { type: 'stopped', iteration: 3, reason: 'requested' }, { type: 'started', iteration: 0, maxIter: 50, itersPerEpoch: 10 });
    expect(s.metrics.length).toBe(0);
    expect(s.evals).toEqual([]);
  });

  it('routes failures to where they are shown', () => {
    let s = play(initialState(), { type: 'failed', message: 'no backend could start', command: 'init' });
    expect(s.workerStatus).toBe('failed');
    expect(s.runError).toBe('no backend could start');
    s = play(initialState(), ready);
    s = { ...s, ...runActions.requestStart(s) };
    s = play(s, { type: 'failed', message: 'config key "lr": bad', command: 'start' });
    expect(s.runStatus).toBe('failed');
    s = play(s, { type: 'datasetRefused', split: 'train', message: 'annotations.json: image 3 has no file' });
    expect(s.datasets.train).toEqual({ status: 'refused', summary: null, error: 'annotations.json: image 3 has no file' });
    s = play(s, { type: 'failed', message: 'export weights: there is no model yet', command: 'exportWeights', requestId: 9 });
    expect(s.notices.at(-1)?.text).toBe('export weights: there is no model yet');
  });

  it('suggests num_classes from the dataset when the config disagrees', () => {
    let s = play(initialState(), {
      type: 'datasetImported',
      split: 'train',
      summary: { source: 'a.json', images: 4, annotations: 9, categories: [{ id: 1, name: 'cat' }, { id: 3, name: 'dog' }], warnings: [], numClasses: 4 },
    });
    expect(selectNumClassesSuggestion(s)).toBe(4);
    s = { ...s, config: { ...s.config, num_classes: 4 } };
    expect(selectNumClassesSuggestion(s)).toBeUndefined();
  });
});

describe('throughput', () => {
  it('uses the median step time of the recent window', () => {
    let s = play(initialState(), { type: 'started', iteration: 0, maxIter: 100, itersPerEpoch: 10 });
    // 19 steps at 0.5 s and one 30 s outlier (a checkpoint save): the median ignores it.
    s = play(s, { type: 'stepFinished', records: [...Array.from({ length: 19 }, (_, i) => rec(i, 0.5)), rec(19, 30)] });
    const t = throughput(s)!;
    expect(t.itPerSec).toBeCloseTo(2, 12);
    expect(t.etaSec).toBeCloseTo(80 * 0.5, 12);
  });
});

describe('PERSIST', () => {
  it('keeps the user choices and nothing the worker reported', () => {
    const kept = Object.keys(persistedPart(initialState())).sort();
    expect(kept).toEqual(['backendChoice', 'chart', 'configText']);
    expect(Object.keys(PERSIST).sort()).toEqual(Object.keys(initialState()).sort());
  });
});

describe('dedupedStorage', () => {
  it('writes a value only when it changed', () => {
    const writes: string[] = [];
    const backing = { getItem: () => null, setItem: (_k: string, v: string) => writes.push(v), removeItem: () => undefined } as unknown as Storage;
    const s = dedupedStorage(() => backing);
    s.setItem('k', 'a');
    s.setItem('k', 'a');
    s.setItem('k', 'b');
    s.setItem('k', 'b');
    expect(writes).toEqual(['a', 'b']);
  });
});

describe('stored runs', () => {
  const run = (over: Partial<RunInfo> = {}): RunInfo => ({
    id: 'run-a', name: 'shapes · resnet18', createdAt: 1, updatedAt: 2, iteration: 40, epoch: 4, maxIter: 100, status: 'running',
    checkpoints: [{ id: 'run-a/checkpoint_0000040.safetensors', iteration: 40, epoch: 4, savedAt: 2, sizeBytes: 10 }], ...over,
  });

  it('after a reload, restores a resumed run: its history, evaluations and config', () => {
    let s = play(initialState(), ready, { type: 'runsListed', runs: [run()] });
    expect(selectResumable(s)?.id).toBe('run-a');
    const rows = [0, 1, 2].map((i) => rec(i));
    const chunk = { keys: ['iteration', 'total_loss'], columns: [Float64Array.from(rows, (r) => r.iteration), Float64Array.from([9, 8, 7])], rows: 3 };
    const stats = { AP: 0.1, AP50: 0.2, AP75: 0.05, APs: -1, APm: -1, APl: -1, AR1: 0, AR10: 0, AR100: 0, ARs: -1, ARm: -1, ARl: -1 };
    const config = { ...s.config, lr: 3e-4 };
    s = { ...s, ...runActions.requestStart(s) };
    s = play(s, { type: 'metricsRestored', chunk, evals: [{ iteration: 1, stats }] });
    s = play(s, { type: 'started', iteration: 3, maxIter: 100, itersPerEpoch: 10, runId: 'run-a', config, notes: ['resumed at iteration 3'] });
    expect(Array.from(column(s.metrics, 'total_loss')!)).toEqual([9, 8, 7]);
    expect(s.evals).toEqual([{ iteration: 1, stats }]);
    expect([s.runStatus, s.iteration, s.runId, s.runNotes]).toEqual(['running', 3, 'run-a', ['resumed at iteration 3']]);
    expect(JSON.parse(s.configText).lr).toBe(3e-4);
    expect(s.config.lr).toBe(3e-4);
    // Training it: nothing to offer.
    expect(selectResumable(s)).toBeUndefined();
  });

  it('offers no resume for a finished run, a run without checkpoints, or none at all', () => {
    expect(selectResumable(play(initialState(), { type: 'runsListed', runs: [] }))).toBeUndefined();
    expect(selectResumable(play(initialState(), { type: 'runsListed', runs: [run({ status: 'finished', iteration: 100 })] }))).toBeUndefined();
    expect(selectResumable(play(initialState(), { type: 'runsListed', runs: [run({ checkpoints: [] })] }))).toBeUndefined();
    // The newest run with a checkpoint counts, older ones do not.
    expect(selectResumable(play(initialState(), { type: 'runsListed', runs: [run({ id: 'run-b', checkpoints: [] }), run()] }))?.id).toBe('run-a');
  });
});
