/**
 * The worker's dataset commands (protocol.ts): import (files, a zip, or a dataset served by this
 * origin), cancel, list, rename, delete, choose, and gallery reads. They need no tfjs backend, so they
 * are served at once, even while the backend starts or when it failed, and an import can run beside
 * training (it touches IndexedDB only). One import runs at a time.
 *
 * The first command also deletes what unfinished imports left behind (a tab closed mid-import).
 */
import { DatasetError } from '../data/errors';
import { deleteDataset, getDatasetSelection, listDatasets, loadStoredDataset, readStoredFile, renameDataset, setDatasetSelection } from '../platform/browser/dataset_store';
import { cleanOrphans } from '../platform/browser/dataset_writer';
import type { DatasetSource } from '../data/ports';
import { HttpSource, openPickedFiles } from '../platform/browser/file_sources';
import { importDataset } from './dataset_import';
import { BrowserImageDecoder } from '../platform/browser/image_decoder';
import type { DatasetChoice, DatasetSplit, GalleryImage, WorkerCommand, WorkerEvent } from './protocol';

const DATASET_COMMANDS = ['importDataset', 'importServedDataset', 'cancelImport', 'listDatasets', 'renameDataset', 'deleteDataset', 'selectDataset', 'readDatasetImages', 'decodeDatasetImage'] as const;

export type DatasetCommand = Extract<WorkerCommand, { type: (typeof DATASET_COMMANDS)[number] }>;

export function isDatasetCommand(cmd: WorkerCommand): cmd is DatasetCommand {
  return (DATASET_COMMANDS as readonly string[]).includes(cmd.type);
}

type Post = (event: WorkerEvent, transfer?: Transferable[]) => void;

/** At most this many gallery images per request. */
const MAX_GALLERY_READ = 48;

let startup: Promise<unknown> | null = null;
/** Imports run one after another; `cancelImport` aborts the running one and every queued one. */
let importChain: Promise<void> = Promise.resolve();
const pending = new Set<AbortController>();

export async function handleDatasetCommand(cmd: DatasetCommand, post: Post): Promise<void> {
  startup ??= cleanOrphans().catch((e) => console.warn(`cleaning unfinished imports failed: ${(e as Error).message}`));
  await startup;
  switch (cmd.type) {
    case 'importDataset':
      return runImport(cmd.split, post, () => openPickedFiles(cmd.files.map((file, i) => ({ file, path: cmd.paths?.[i] || file.webkitRelativePath || file.name }))));
    case 'importServedDataset':
      return runImport(cmd.split, post, () => new HttpSource(cmd.name, cmd.base, cmd.annotations));
    case 'cancelImport':
      for (const c of pending) c.abort();
      return;
    case 'listDatasets':
      return postList(post);
    case 'renameDataset':
      await renameDataset(cmd.id, cmd.name);
      return postList(post);
    case 'deleteDataset':
      await deleteDataset(cmd.id);
      return postList(post);
    case 'selectDataset':
      await setDatasetSelection(cmd.role, cmd.choice);
      return postList(post);
    case 'readDatasetImages': {
      const ds = await loadStoredDataset(cmd.choice.id, cmd.choice.split);
      const slice = ds.images.slice(cmd.offset, cmd.offset + Math.min(cmd.count, MAX_GALLERY_READ));
      const items: GalleryImage[] = await Promise.all(
        slice.map(async (im) => {
          const [width, height] = ds.storedSize.get(im.id)!;
          const boxes = (ds.annotations.get(im.id) ?? []).map((a) => ({ category_id: a.category_id, bbox: a.bbox, iscrowd: a.iscrowd }));
          return { imageId: im.id, fileName: im.file_name, width, height, blob: await readStoredFile(cmd.choice.id, im.path), boxes };
        }),
      );
      post({ type: 'datasetImagesRead', requestId: cmd.requestId, choice: cmd.choice, offset: cmd.offset, total: ds.images.length, items });
      return;
    }
    case 'decodeDatasetImage':
      return decodeForView(cmd.choice, cmd.imageId, post);
    default: {
      const unknown: never = cmd;
      throw new Error(`unknown dataset command ${JSON.stringify(unknown)}`);
    }
  }
}

let viewDecoder: BrowserImageDecoder | null = null;

/** Decodes a stored image with the training decoder, as RGBA (alpha 255) for an ImageData. */
async function decodeForView(choice: DatasetChoice, imageId: number, post: Post): Promise<void> {
  const ds = await loadStoredDataset(choice.id, choice.split);
  const im = ds.images.find((i) => i.id === imageId);
  if (!im) throw new DatasetError(`image id ${imageId} is not in the stored dataset`);
  viewDecoder ??= new BrowserImageDecoder();
  try {
    const rgb = await viewDecoder.decode(await ds.source.read(im.path), im.file_name);
    const rgba = new Uint8ClampedArray(rgb.width * rgb.height * 4);
    for (let i = 0, j = 0; i < rgb.data.length; i += 3, j += 4) {
      rgba[j] = rgb.data[i];
      rgba[j + 1] = rgb.data[i + 1];
      rgba[j + 2] = rgb.data[i + 2];
      rgba[j + 3] = 255;
    }
    post({ type: 'datasetImageDecoded', choice, imageId, width: rgb.width, height: rgb.height, rgba: rgba.buffer }, [rgba.buffer]);
  } catch (e) {
    post({ type: 'datasetImageDecoded', choice, imageId, width: 0, height: 0, rgba: null, error: (e as Error).message });
  }
}

async function postList(post: Post): Promise<void> {
  const [datasets, selection] = await Promise.all([listDatasets(), getDatasetSelection()]);
  post({ type: 'datasetsListed', datasets, selection });
}

function runImport(split: DatasetSplit, post: Post, open: () => DatasetSource): Promise<void> {
  const controller = new AbortController();
  pending.add(controller);
  const run = async () => {
    try {
      const result = await importDataset(split, open(), (progress) => post({ type: 'importProgressed', progress }), controller.signal);
      post({ type: 'datasetImported', split, summary: result.summary });
      post({ type: 'datasetsListed', datasets: await listDatasets(), selection: result.selection });
    } catch (e) {
      post({ type: 'datasetRefused', split, message: e instanceof DatasetError ? e.message : `the import failed: ${(e as Error).message}` });
    } finally {
      pending.delete(controller);
    }
  };
  importChain = importChain.then(run);
  return importChain;
}
