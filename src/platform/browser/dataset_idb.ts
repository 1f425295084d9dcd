/**
 * The IndexedDB layout of stored datasets (idb-keyval, stores of their own; opened on first use, never
 * at import time):
 *
 *   detr-studio-datasets / datasets     id -> StoredDatasetInfo            the commit point: a dataset
 *                                                                         exists iff its info exists
 *   detr-studio-dataset-files / files   [id, path] -> Blob                 every stored file (images and
 *                                        [id, ''] -> DatasetManifest       annotations JSON, bytes as read)
 *   detr-studio-dataset-meta / meta     'selection' -> DatasetSelection
 *
 * An import writes its files and manifest under a fresh id, then the info record last; anything under
 * an id without an info record is an unfinished import (deleted on the next start, see dataset_writer).
 * One database per store because idb-keyval's createStore opens a database holding one store.
 */
import { createStore, promisifyRequest, type UseStore } from 'idb-keyval';
import type { CocoAnnotation, CocoCategory } from '../../data/coco';
import type { DatasetWarning } from '../../data/errors';
import type { StoredDatasetInfo, StoredSplitName } from '../../worker/protocol';

export const DB_NAMES = {
  datasets: 'detr-studio-datasets',
  files: 'detr-studio-dataset-files',
  meta: 'detr-studio-dataset-meta',
} as const;

/** One stored image: its COCO entry, its file's key path, and its stored pixel size. */
export interface StoredImage {
  id: number;
  file_name: string;
  /** As the annotations file says (null when absent or invalid). */
  width: number | null;
  height: number | null;
  /** The file's path in the import (the key under which its Blob is stored). */
  path: string;
  /** Stored pixel size [width, height] read from the file. */
  stored: [number, number];
}

/** One split, validated: only usable images, and their annotations in image order then file order. */
export interface StoredSplit {
  source: string;
  annotationsPath: string;
  images: StoredImage[];
  annotations: CocoAnnotation[];
  categories: CocoCategory[];
  numClasses: number;
  warnings: DatasetWarning[];
  trainingBoxes: number;
}

export interface DatasetManifest {
  id: string;
  splits: Partial<Record<StoredSplitName, StoredSplit>>;
  /** Every stored file path (images of all splits and the annotations files). */
  paths: string[];
}

let stores: { datasets: UseStore; files: UseStore; meta: UseStore } | null = null;

export function idb(): { datasets: UseStore; files: UseStore; meta: UseStore } {
  stores ??= {
    datasets: createStore(DB_NAMES.datasets, 'datasets'),
    files: createStore(DB_NAMES.files, 'files'),
    meta: createStore(DB_NAMES.meta, 'meta'),
  };
  return stores;
}

export const MANIFEST_PATH = '';

export function fileKey(id: string, path: string): [string, string] {
  return [id, path];
}

/** Every key [id, *]: arrays sort after strings, so [id, []] is above every [id, path]. */
export function idRange(id: string): IDBKeyRange {
  return IDBKeyRange.bound([id], [id, []]);
}

/** Deletes everything stored under `id` in the files store (one transaction). */
export function deleteFiles(id: string): Promise<void> {
  return idb().files('readwrite', (s) => {
    s.delete(idRange(id));
    return promisifyRequest(s.transaction);
  });
}

/** The distinct dataset ids present in the files store (a key cursor that skips from id to id). */
export function fileIds(): Promise<string[]> {
  return idb().files('readonly', (s) => {
    const ids: string[] = [];
    return new Promise<string[]>((resolve, reject) => {
      const req = s.openKeyCursor();
      req.onerror = () => reject(req.error);
      req.onsuccess = () => {
        const c = req.result;
        if (!c) return resolve(ids);
        const id = (c.key as [string, string])[0];
        ids.push(id);
        c.continue([id, []]);
      };
    });
  });
}

export type { StoredDatasetInfo };
