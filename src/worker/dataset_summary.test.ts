/**
 * summarize(): the counts are the validated dataset's (what `inspect` prints), per-category counts and
 * the size histogram both add up to the training boxes, and crowd, empty and outside boxes are left out.
 */
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../data/dataset';
import { validateDataset } from '../data/validate';
import { makePng, tempDir, writeDataset } from '../testing/make_dataset';
import { FolderSource } from '../platform/node/dataset_source';
import { BOX_SIZE_EDGES, storedSplit, summarize } from './dataset_summary';

describe('summarize', () => {
  it('counts training boxes per category and by sqrt(area) of the clamped box', async () => {
    const root = tempDir('summary-');
    writeDataset(root, {
      images: [{ id: 5, file_name: 'a.png', width: 100, height: 80, bytes: makePng(100, 80) }],
      annotations: [
        { id: 1, image_id: 5, category_id: 1, bbox: [0, 0, 10, 10], area: 100 }, // side 10 -> bin 0
        { id: 2, image_id: 5, category_id: 1, bbox: [0, 0, 40, 40], area: 1600 }, // side 40 -> bin [32, 64)
        { id: 3, image_id: 5, category_id: 7, bbox: [90, 70, 40, 40], area: 1600 }, // clamped to 10x10 -> bin 0
        { id: 4, image_id: 5, category_id: 2, bbox: [0, 0, 50, 50], area: 2500, iscrowd: 1 }, // crowd: not trained on
        { id: 5, image_id: 5, category_id: 2, bbox: [0, 0, 0, 5], area: 0 }, // empty
        { id: 6, image_id: 5, category_id: 2, bbox: [200, 0, 5, 5], area: 25 }, // outside
      ],
    });
    const v = await validateDataset(await loadDataset(new FolderSource(root)));
    const s = summarize(v, { id: 'x', split: 'all' });
    expect([s.images, s.annotations, s.categories.length, s.numClasses]).toEqual([1, 3, 2, 8]);
    expect(s.warnings).toEqual(v.warnings.map((w) => w.message));
    expect(s.categoryCounts).toEqual([
      { id: 1, boxes: 2 },
      { id: 2, boxes: 0 },
      { id: 7, boxes: 1 },
    ]);
    expect(s.boxSizes!.edges).toEqual([...BOX_SIZE_EDGES]);
    expect(s.boxSizes!.counts).toEqual([2, 0, 1, 0, 0, 0, 0, 0]);
    const split = storedSplit(v);
    expect(split.images).toEqual([{ id: 5, file_name: 'a.png', width: 100, height: 80, path: 'a.png', stored: [100, 80] }]);
    expect(split.annotations.map((a) => a.id)).toEqual([1, 2, 3, 4, 5, 6]);
  });
});
