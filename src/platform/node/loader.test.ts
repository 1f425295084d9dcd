/**
 * The loader over real files: the fixture through `buildTrainLoader` (augment false, batch 4) is the
 * reference batch; augmentation resumes exactly; only the current batch's images are decoded.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../config/config';
import { buildTrainLoader, loadEvalBatch } from '../../data/loader';
import type { ImageDecoder } from '../../data/ports';
import { loadNodeDataset } from './dataset_source';
import { NodeImageDecoder } from './image_decoder';
import { TINY_FIXTURE, hasTinyFixture } from '../../testing/paths';
import { makePng, tempDir, writeDataset } from '../../testing/make_dataset';

/** The real decoder, counting the images it decodes. */
class CountingDecoder implements ImageDecoder {
  readonly decoded: string[] = [];
  private readonly inner = new NodeImageDecoder();
  decode(bytes: Uint8Array, fileName: string) {
    this.decoded.push(fileName);
    return this.inner.decode(bytes, fileName);
  }
}

async function generated(n: number) {
  const dir = tempDir();
  writeDataset(dir, {
    images: Array.from({ length: n }, (_, i) => ({ id: 100 - i, file_name: `im${i}.png`, width: 60 + i, height: 50, bytes: makePng(60 + i, 50, i) })),
    annotations: Array.from({ length: n }, (_, i) => ({ id: i, image_id: 100 - i, category_id: 1, bbox: [5, 5, 30, 20], area: 600, iscrowd: 0 })),
  });
  return loadNodeDataset(dir);
}

describe('DataLoader', () => {
  it.skipIf(!hasTinyFixture())('gives the reference batch for the fixture (augment false, batch_size 4)', async () => {
    const cfg = parseConfig(JSON.parse(readFileSync(resolve(TINY_FIXTURE, 'config.json'), 'utf8')));
    const ref = JSON.parse(readFileSync(resolve(TINY_FIXTURE, 'reference.json'), 'utf8'));
    const ds = await loadNodeDataset(resolve(TINY_FIXTURE, 'data'));
    const loader = buildTrainLoader(cfg, ds, new NodeImageDecoder());
    const { batch, epoch, index, fileNames } = await loader.nextBatch();
    expect([epoch, index, fileNames]).toEqual([0, 0, ['img_a.png', 'img_b.png', 'img_c.png', 'img_d.png']]);
    expect([batch.batchSize, 3, batch.height, batch.width]).toEqual(ref.batch.padded_shape);
    expect(batch.targets.map((t) => Array.from(t.boxes))).toEqual(ref.targets.map((t: { boxes: number[][] }) => t.boxes.flat()));
    const evalBatch = await loadEvalBatch(cfg, ds, new NodeImageDecoder());
    expect(evalBatch.pixels).toEqual(batch.pixels);
    expect((await loader.nextBatch()).epoch).toBe(1); // one full batch per epoch
  });

  it('decodes only the images of the batch it builds', async () => {
    const ds = await generated(6);
    const dec = new CountingDecoder();
    const loader = buildTrainLoader({ batch_size: 2, seed: 1, augment: true, min_size: 32, max_size: 64 }, ds, dec);
    const b = await loader.nextBatch();
    expect([...dec.decoded].sort()).toEqual([...b.fileNames].sort());
    await loader.nextBatch();
    expect(dec.decoded.length).toBe(4);
  });

  it('resumes mid-epoch with the same batches and the same augmentation draws', async () => {
    const ds = await generated(5);
    const cfg = { batch_size: 2, seed: 3, augment: true, min_size: 32, max_size: 64 };
    const straight = buildTrainLoader(cfg, ds, new NodeImageDecoder());
    const expected = [];
    for (let k = 0; k < 5; k++) expected.push(await straight.nextBatch());
    const first = buildTrainLoader(cfg, ds, new NodeImageDecoder());
    for (let k = 0; k < 3; k++) await first.nextBatch();
    const state = JSON.parse(JSON.stringify(first.state()));
    const resumed = buildTrainLoader(cfg, ds, new NodeImageDecoder(), { state });
    for (let k = 3; k < 5; k++) {
      const got = await resumed.nextBatch();
      expect([got.epoch, got.index, got.fileNames]).toEqual([expected[k].epoch, expected[k].index, expected[k].fileNames]);
      expect(got.batch.pixels).toEqual(expected[k].batch.pixels);
      expect(got.batch.targets.map((t) => t.boxes)).toEqual(expected[k].batch.targets.map((t) => t.boxes));
    }
  });

  it('visits images in ascending id without augmentation, and warns once per size mismatch', async () => {
    const dir = tempDir();
    writeDataset(dir, {
      images: [
        { id: 9, file_name: 'b.png', width: 10, height: 10, bytes: makePng(12, 10) },
        { id: 2, file_name: 'a.png', width: 12, height: 10, bytes: makePng(12, 10) },
      ],
      annotations: [],
    });
    const ds = await loadNodeDataset(dir);
    const warnings: string[] = [];
    const loader = buildTrainLoader({ batch_size: 1, seed: 0, augment: false, min_size: 10, max_size: 20 }, ds, new NodeImageDecoder(), {
      onWarning: (w) => warnings.push(w.message),
    });
    const names = [];
    for (let k = 0; k < 4; k++) names.push((await loader.nextBatch()).fileNames[0]);
    expect(names).toEqual(['a.png', 'b.png', 'a.png', 'b.png']);
    expect(warnings).toEqual(['b.png: stored image is 12x10 but the annotations say 10x10 (the stored size is used, as DETR does)']);
  });
});
