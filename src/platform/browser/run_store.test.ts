/**
 * The run store's bookkeeping on the memory key-value store (the same contract as IndexedDB's; the
 * IndexedDB binding itself runs in e2e/train.spec.ts): checkpoints listed with iteration and epoch
 * only once whole, the pointer, pruning, metrics chunks and rewinding for a resume.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../config/config';
import type { MetricsRecord } from '../../worker/protocol';
import { MemoryKeyValueStore, type KeyValueStore } from './kv_store';
import { RunStore } from './run_store';

const cfg = parseConfig({});
const row = (iteration: number) => ({ iteration, epoch: 0, lr: 1e-4, total_loss: 10 - iteration, class_error: 0, cardinality_error: 0, time: 1, data_time: 0 }) as MetricsRecord;

function store(files: KeyValueStore = new MemoryKeyValueStore()) {
  let t = 1000;
  return new RunStore(new MemoryKeyValueStore(), files, new MemoryKeyValueStore(), () => (t += 1000));
}

describe('RunStore', () => {
  it('lists checkpoints with iteration and epoch, moves the pointer, and removes them', async () => {
    const runs = store();
    const r = await runs.create({ name: 'a', config: cfg, itersPerEpoch: 4, maxIter: 20, data: { train: 'x' } });
    const ck = runs.checkpoints(r.id);
    await ck.save('checkpoint_0000005.safetensors', [new Uint8Array([1, 2]), new Uint8Array([3])]);
    await ck.setLatest('checkpoint_0000005.safetensors');
    expect(await ck.getLatest()).toBe('checkpoint_0000005.safetensors');
    expect(Array.from(await ck.load('checkpoint_0000005.safetensors'))).toEqual([1, 2, 3]);
    const got = (await runs.get(r.id))!;
    expect(got.checkpoints).toEqual([{ id: `${r.id}/checkpoint_0000005.safetensors`, iteration: 5, epoch: 1, savedAt: expect.any(Number), sizeBytes: 3 }]);
    expect([got.iteration, got.epoch, got.latest]).toEqual([5, 1, 'checkpoint_0000005.safetensors']);
    expect(await ck.list()).toEqual(['checkpoint_0000005.safetensors']);
    await ck.remove('checkpoint_0000005.safetensors');
    expect((await runs.get(r.id))!.checkpoints).toEqual([]);
    await expect(ck.load('checkpoint_0000005.safetensors')).rejects.toThrow(/checkpoint_0000005\.safetensors of run run-\w+ is not in this browser's storage/);
  });

  it('lists nothing for a checkpoint whose write failed', async () => {
    const files = new MemoryKeyValueStore();
    files.set = async () => {
      throw new Error('disk full');
    };
    const runs = store(files);
    const r = await runs.create({ name: 'a', config: cfg, itersPerEpoch: 4, maxIter: 20, data: { train: 'x' } });
    await expect(runs.checkpoints(r.id).save('checkpoint_0000001.safetensors', [new Uint8Array(4)])).rejects.toThrow(/could not save checkpoint checkpoint_0000001\.safetensors .*disk full/);
    expect((await runs.get(r.id))!.checkpoints).toEqual([]);
  });

  it('stores metrics up to each checkpoint and rewinds them for a resume', async () => {
    const runs = store();
    const r = await runs.create({ name: 'a', config: cfg, itersPerEpoch: 4, maxIter: 20, data: { train: 'x' } });
    const rows = Array.from({ length: 10 }, (_, i) => row(i));
    await runs.appendMetrics(r.id, rows.slice(0, 3), 3);
    await runs.appendMetrics(r.id, rows, 7); // only 3..6 are new
    expect((await runs.readMetrics(r.id)).map((x) => x.iteration)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    await runs.addEval(r.id, 2, { AP: 0.1 } as never);
    await runs.addEval(r.id, 5, { AP: 0.2 } as never);
    expect((await runs.rewindTo(r.id, 4)).map((x) => x.iteration)).toEqual([0, 1, 2, 3]);
    const after = (await runs.get(r.id))!;
    expect([after.metricsUpTo, after.metricsChunks, after.evals.map((e) => e.iteration)]).toEqual([4, 1, [2]]);
    await runs.appendMetrics(r.id, [row(4), row(5)], 6);
    expect((await runs.readMetrics(r.id)).map((x) => x.iteration)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('keeps the newest runs when pruning, deleting the others with their files', async () => {
    const files = new MemoryKeyValueStore();
    const runs = store(files);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await runs.create({ name: `r${i}`, config: cfg, itersPerEpoch: 1, maxIter: 1, data: { train: 'x' } });
      await runs.checkpoints(r.id).save('checkpoint_0000001.safetensors', [new Uint8Array(1)]);
      ids.push(r.id);
    }
    expect(new Set(ids).size).toBe(5);
    await runs.prune(3, ids[0]);
    expect((await runs.list()).map((r) => r.name)).toEqual(['r4', 'r3', 'r0']);
    expect((await files.keys()).sort()).toEqual([ids[0], ids[3], ids[4]].map((id) => `${id}/checkpoint_0000001.safetensors`).sort());
  });
});
