/** The data slice's pure actions: listings fill the slots, refusals stay until the choice changes, gallery pages. */
import { describe, expect, it } from 'vitest';
import type { DatasetSummary, GalleryImage, StoredDatasetInfo } from '../../worker/protocol';
import { applyListing, dataActions, initialDataSlice, type DataSlice } from './data_slice';
import { PERSIST } from './persist';

const summary = (id: string, split: 'train' | 'val' | 'all', images: number): DatasetSummary => ({
  source: id,
  images,
  annotations: 2 * images,
  categories: [{ id: 1, name: 'a' }],
  warnings: [],
  numClasses: 2,
  stored: { id, split },
});

const info = (id: string, splits: Partial<Record<'train' | 'val' | 'all', number>>): StoredDatasetInfo => ({
  id,
  name: id,
  createdAt: 1,
  bytes: 10,
  images: Object.values(splits)[0]!,
  boxes: 0,
  categories: 1,
  splits: Object.fromEntries(Object.entries(splits).map(([s, n]) => [s, summary(id, s as 'train', n!)])),
});

const apply = (s: DataSlice, p: Partial<DataSlice>): DataSlice => ({ ...s, ...p });

describe('data slice', () => {
  it('a listing shows each role its chosen split; a deleted choice empties the slot', () => {
    let s = initialDataSlice();
    const rf = info('rf', { train: 5, val: 3 });
    s = apply(s, applyListing(s, [rf], { train: { id: 'rf', split: 'train' }, val: { id: 'rf', split: 'val' } }));
    expect(s.datasets.train).toEqual({ status: 'ready', summary: rf.splits.train, error: null });
    expect(s.datasets.val.summary?.images).toBe(3);
    s = apply(s, applyListing(s, [], {}));
    expect(s.datasets.train.status).toBe('empty');
    expect(s.storedDatasets).toEqual([]);
  });

  it('a refusal stays on screen through listings until the choice for that role changes', () => {
    let s = initialDataSlice();
    const a = info('a', { all: 4 });
    s = apply(s, applyListing(s, [a], { train: { id: 'a', split: 'all' } }));
    s = apply(s, dataActions.requestDatasetImport(s, 'train'));
    expect(s.datasets.train.status).toBe('importing');
    s = apply(s, applyListing(s, [a], { train: { id: 'a', split: 'all' } }));
    expect(s.datasets.train.status).toBe('importing');
    s = apply(s, dataActions.refuseDataset(s, { split: 'train', message: 'x.json: not valid JSON' }));
    s = apply(s, applyListing(s, [a], { train: { id: 'a', split: 'all' } }));
    expect(s.datasets.train).toEqual({ status: 'refused', summary: null, error: 'x.json: not valid JSON' });
    s = apply(s, dataActions.chooseDataset(s, { role: 'train', choice: { id: 'a', split: 'all' } }));
    expect(s.datasets.train.status).toBe('ready');
  });

  it('gallery pages append in order; stale replies and other datasets are ignored', () => {
    let s = initialDataSlice();
    const item = (imageId: number) => ({ imageId, fileName: `${imageId}.png`, width: 1, height: 1, blob: new Blob([]), boxes: [] }) as GalleryImage;
    const choice = { id: 'a', split: 'all' as const };
    s = apply(s, dataActions.requestGallery(s, { requestId: 1, choice, offset: 0 }));
    s = apply(s, dataActions.receiveGallery(s, { requestId: 1, offset: 0, total: 3, items: [item(1), item(2)] }));
    s = apply(s, dataActions.requestGallery(s, { requestId: 2, choice, offset: 2 }));
    s = apply(s, dataActions.receiveGallery(s, { requestId: 1, offset: 0, total: 3, items: [item(9)] }));
    s = apply(s, dataActions.receiveGallery(s, { requestId: 2, offset: 2, total: 3, items: [item(3)] }));
    expect(s.gallery!.items.map((i) => i.imageId)).toEqual([1, 2, 3]);
    s = apply(s, dataActions.receiveDecoded(s, { choice: { id: 'b', split: 'all' }, imageId: 1, width: 1, height: 1, rgba: new ArrayBuffer(4) }));
    expect(s.gallery!.decoded).toEqual({});
    s = apply(s, dataActions.receiveDecoded(s, { choice, imageId: 1, width: 1, height: 1, rgba: null, error: 'bad' }));
    expect(s.gallery!.decoded[1]).toEqual({ width: 1, height: 1, rgba: null, error: 'bad' });
  });

  it('nothing of it is persisted to localStorage (IndexedDB holds the datasets)', () => {
    expect([PERSIST.storedDatasets, PERSIST.datasetSelection, PERSIST.importProgress, PERSIST.gallery, PERSIST.datasets]).toEqual([false, false, false, false, false]);
  });
});
