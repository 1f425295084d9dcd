/**
 * Stored datasets (IndexedDB, layout in dataset_idb.ts): what the page lists, renames and deletes, and
 * the seam the trainer uses:
 *
 *   listDatasets()                 every stored dataset, newest first
 *   loadStoredDataset(id, split?)  a validated Dataset whose DatasetSource reads the stored Blobs
 *   getDatasetSelection()          which stored split trains ('train') and which validates ('val')
 *   loadSelectedDataset(role)      loadStoredDataset of that choice, or null when none is chosen
 *
 * A loaded dataset is what `detr-studio inspect` validated at import time: usable images only, each
 * with its stored size, annotations in file order, warnings kept. Nothing is re-read until the loader
 * asks for an image (`source.read(path)`, one Blob per call).
 */
import { del, get, set, update, values } from 'idb-keyval';
import type { CocoAnnotation } from '../../data/coco';
import type { DatasetImage } from '../../data/dataset';
import type { SplitName } from '../../data/discover';
import { DatasetError } from '../../data/errors';
import type { DatasetSource } from '../../data/ports';
import type { ValidatedDataset } from '../../data/validate';
import type { DatasetChoice, DatasetSelection, DatasetSplit, StoredDatasetInfo, StoredSplitName } from '../../worker/protocol';
import { deleteFiles, fileKey, idb, MANIFEST_PATH, type DatasetManifest } from './dataset_idb';

export type { DatasetChoice, DatasetSelection, StoredDatasetInfo, StoredSplitName };

/** Every stored dataset, newest first. */
export async function listDatasets(): Promise<StoredDatasetInfo[]> {
  const all = await values<StoredDatasetInfo>(idb().datasets);
  return all.sort((a, b) => b.createdAt - a.createdAt);
}

export async function getDatasetInfo(id: string): Promise<StoredDatasetInfo | undefined> {
  return get<StoredDatasetInfo>(id, idb().datasets);
}

/** The split used when none is named: train, else the only (or first) one. */
export function defaultSplit(splits: readonly StoredSplitName[]): StoredSplitName {
  for (const s of ['train', 'all', 'val', 'test'] as const) if (splits.includes(s)) return s;
  throw new DatasetError('the stored dataset has no split');
}

/** Reads stored files back: one Blob per read, from IndexedDB. */
export class StoredSource implements DatasetSource {
  constructor(
    readonly name: string,
    private readonly id: string,
    private readonly paths: readonly string[],
  ) {}

  async list(): Promise<string[]> {
    return [...this.paths];
  }

  async read(path: string): Promise<Uint8Array> {
    return new Uint8Array(await (await readStoredFile(this.id, path)).arrayBuffer());
  }
}

/** One stored file (an image or an annotations file) exactly as it was imported. */
export async function readStoredFile(id: string, path: string): Promise<Blob> {
  const blob = await get<Blob>(fileKey(id, path), idb().files);
  if (!blob) throw new DatasetError(`${path}: not stored in dataset ${id} (it may have been deleted)`);
  return blob;
}

export async function readManifest(id: string): Promise<DatasetManifest> {
  const m = await get<DatasetManifest>(fileKey(id, MANIFEST_PATH), idb().files);
  if (!m) throw new DatasetError(`no stored dataset with id ${id}`);
  return m;
}

/**
 * A stored dataset's split as the data pipeline's Dataset (a ValidatedDataset: stored sizes and the
 * training box count come with it). `split` defaults to train, else the only split.
 */
export async function loadStoredDataset(id: string, split?: string): Promise<ValidatedDataset> {
  const info = await getDatasetInfo(id);
  if (!info) throw new DatasetError(`no stored dataset with id ${id} (it may have been deleted)`);
  const manifest = await readManifest(id);
  const names = Object.keys(manifest.splits) as StoredSplitName[];
  const name = split === undefined ? defaultSplit(names) : (split as StoredSplitName);
  const s = manifest.splits[name];
  if (!s) throw new DatasetError(`${info.name}: no "${split}" split (stored splits: ${names.join(', ')})`);
  const images: DatasetImage[] = s.images.map(({ id: imageId, file_name, width, height, path }) => ({ id: imageId, file_name, width, height, path }));
  const annotations = new Map<number, CocoAnnotation[]>(images.map((im) => [im.id, []]));
  for (const a of s.annotations) annotations.get(a.image_id)?.push(a);
  return {
    name: info.name,
    source: new StoredSource(info.name, id, manifest.paths),
    annotationsPath: s.annotationsPath,
    split: name === 'all' ? null : (name as SplitName),
    images,
    annotations,
    categories: s.categories,
    numClasses: s.numClasses,
    warnings: s.warnings,
    trainingBoxes: s.trainingBoxes,
    storedSize: new Map(s.images.map((im) => [im.id, im.stored])),
  };
}

const SELECTION_KEY = 'selection';

export async function getDatasetSelection(): Promise<DatasetSelection> {
  const sel = (await get<DatasetSelection>(SELECTION_KEY, idb().meta)) ?? {};
  // A choice whose dataset was deleted (or never committed) is no choice.
  const out: DatasetSelection = {};
  for (const role of ['train', 'val'] as const) {
    const c = sel[role];
    if (c && (await getDatasetInfo(c.id))?.splits[c.split]) out[role] = c;
  }
  return out;
}

/** Chooses (or with null clears) the stored split used for training or validation. */
export async function setDatasetSelection(role: DatasetSplit, choice: DatasetChoice | null): Promise<void> {
  if (choice) {
    const info = await getDatasetInfo(choice.id);
    if (!info) throw new DatasetError(`no stored dataset with id ${choice.id}`);
    if (!info.splits[choice.split]) throw new DatasetError(`${info.name} has no "${choice.split}" split`);
  }
  await update<DatasetSelection>(SELECTION_KEY, (old) => {
    const next = { ...(old ?? {}) };
    if (choice) next[role] = choice;
    else delete next[role];
    return next;
  }, idb().meta);
}

/** The dataset chosen for training ('train') or validation ('val'), or null when none is. */
export async function loadSelectedDataset(role: DatasetSplit): Promise<ValidatedDataset | null> {
  const c = (await getDatasetSelection())[role];
  return c ? loadStoredDataset(c.id, c.split) : null;
}

export async function renameDataset(id: string, name: string): Promise<StoredDatasetInfo> {
  const trimmed = name.trim();
  if (trimmed === '') throw new DatasetError('a dataset name cannot be empty');
  const info = await getDatasetInfo(id);
  if (!info) throw new DatasetError(`no stored dataset with id ${id}`);
  const next = { ...info, name: trimmed };
  await set(id, next, idb().datasets);
  return next;
}

/**
 * Deletes a dataset: its info record first (it disappears at once and atomically), then its files
 * (an interruption leaves orphans, which the next start removes), and any selection of it.
 */
export async function deleteDataset(id: string): Promise<void> {
  await del(id, idb().datasets);
  await update<DatasetSelection>(SELECTION_KEY, (old) => {
    const next = { ...(old ?? {}) };
    for (const role of ['train', 'val'] as const) if (next[role]?.id === id) delete next[role];
    return next;
  }, idb().meta);
  await deleteFiles(id);
}
