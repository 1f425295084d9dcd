/**
 * Importing a dataset in the worker: discover (which annotations file, which splits), parse and
 * validate exactly as `detr-studio inspect` does (src/data: coco.ts, dataset.ts, validate.ts), and
 * store it all-or-nothing in IndexedDB (platform/browser/dataset_writer.ts).
 *
 * Every file is read once: a tee source hands the bytes to validation and the file to the writer
 * (a picked File is stored as it is; a zip entry as a Blob of its inflated bytes). Images that turn out
 * unusable are dropped from the store before the commit. Memory stays bounded: at most `concurrency`
 * files in flight plus one ~8 MB batch waiting for its transaction.
 *
 * Splits: a Roboflow-style export (train/ valid/ test/, each with _annotations.coco.json) is stored
 * with its train and val splits (test is left out: nothing here uses it); a single annotations file
 * is stored as its discovered split, or 'all'.
 */
import { parseCocoText } from '../data/coco';
import { decodeUtf8 } from '../data/coco_json';
import { bindFiles } from '../data/dataset';
import { findAnnotations, type SplitName } from '../data/discover';
import { DatasetError } from '../data/errors';
import type { DatasetSource } from '../data/ports';
import { validateDataset, type ValidatedDataset } from '../data/validate';
import { defaultSplit, getDatasetSelection, setDatasetSelection } from '../platform/browser/dataset_store';
import { checkQuota, DatasetWriter } from '../platform/browser/dataset_writer';
import { FileListSource, openPickedFiles } from '../platform/browser/file_sources';
import { BrowserImageDecoder } from '../platform/browser/image_decoder';
import type { StoredSplit } from '../platform/browser/dataset_idb';
import { storedSplit, summarize } from './dataset_summary';
import type { DatasetSelection, DatasetSplit, DatasetSummary, ImportProgress, StoredDatasetInfo, StoredSplitName } from './protocol';

export interface ImportResult {
  /** The split that fills the slot the user imported into. */
  summary: DatasetSummary;
  info: StoredDatasetInfo;
  selection: DatasetSelection;
}

export type ImportProgressFn = (p: ImportProgress) => void;

/** Images read at once (the same as `inspect`'s default). */
const CONCURRENCY = 8;

/** An AbortSignal's cancellation, as the one sentence the page shows. */
export const CANCELLED = 'the import was cancelled; nothing was stored';

export async function importDataset(split: DatasetSplit, source: DatasetSource, onProgress: ImportProgressFn, signal?: AbortSignal): Promise<ImportResult> {
  const writer = await DatasetWriter.open();
  try {
    return await run(split, source, writer, onProgress, signal);
  } catch (e) {
    await writer.abort();
    if (signal?.aborted) throw new DatasetError(CANCELLED);
    throw asImportError(e);
  } finally {
    await source.close?.();
  }
}

async function run(slot: DatasetSplit, source: DatasetSource, writer: DatasetWriter, onProgress: ImportProgressFn, signal?: AbortSignal): Promise<ImportResult> {
  const progress = new ProgressCounter(slot, onProgress);
  const tee = teeSource(source, writer, progress, signal);
  // Whether WebP can be decoded here decides if WebP images are usable (as in `inspect`): the codecs
  // load (fetch + compile, first import only) while the annotations are read.
  const backends = new BrowserImageDecoder().backends();
  const files = await source.list();
  const found = findAnnotations(files, source.name);
  const wanted = (['train', 'val'] as const).filter((s) => found.splits[s]);
  const plan: { name: StoredSplitName; annotations: string }[] = wanted.length > 1 ? wanted.map((s) => ({ name: s, annotations: found.splits[s]! })) : [{ name: found.split ?? 'all', annotations: found.annotations }];

  // Annotations first (parsed and bound to the files), so the quota check knows every image's size.
  const bound = [];
  for (const p of plan) {
    const bytes = await tee.read(p.annotations);
    const name = `${source.name.replace(/\/+$/, '')}/${p.annotations}`;
    const ds = bindFiles(parseCocoText(decodeUtf8(bytes), name), tee, files, p.annotations, p.name === 'all' ? null : (p.name as SplitName));
    bound.push({ plan: p, ds });
  }
  const imagePaths = [...new Set(bound.flatMap((b) => b.ds.images.map((im) => im.path)))];
  const sizes = await Promise.all(imagePaths.map((p) => source.size?.(p) ?? Promise.resolve(null)));
  const imageBytes = sizes.reduce<number>((a, b) => a + (b ?? 0), 0);
  progress.expect(imagePaths.length, imageBytes);
  await checkQuota(imageBytes + writer.bytes);

  const { webp } = await backends;
  const validated: { plan: (typeof plan)[number]; ds: ValidatedDataset }[] = [];
  for (const b of bound) {
    const ds = await validateDataset(b.ds, { concurrency: CONCURRENCY, supports: (format) => format !== 'webp' || webp !== null });
    validated.push({ plan: b.plan, ds: { ...ds, source } });
  }
  signal?.throwIfAborted();

  // Files read but not used by any split (unusable images) are not kept.
  const used = new Set([...plan.map((p) => p.annotations), ...validated.flatMap((v) => v.ds.images.map((im) => im.path))]);
  await writer.discardExcept(used);

  progress.phase('storing');
  const splits: Partial<Record<StoredSplitName, StoredSplit>> = {};
  const summaries: Partial<Record<StoredSplitName, DatasetSummary>> = {};
  for (const v of validated) {
    splits[v.plan.name] = storedSplit(v.ds);
    summaries[v.plan.name] = summarize(v.ds, { id: writer.id, split: v.plan.name });
  }
  const main = summaries[defaultSplit(plan.map((p) => p.name))]!;
  const info = await writer.commit(
    { splits },
    { name: source.name, createdAt: Date.now(), images: main.images, boxes: main.annotations, categories: main.categories.length, splits: summaries },
  );
  const selection = await selectImported(slot, info);
  progress.phase('done');
  const slotSplit = slot === 'val' && summaries.val ? 'val' : defaultSplit(plan.map((p) => p.name));
  return { summary: summaries[slotSplit]!, info, selection };
}

/**
 * The same import shaped as engine_port's `WorkerEngine.importDataset` (files in, summary out,
 * progress as phase/done/total), for an engine object that wants to expose it. The worker itself
 * serves dataset commands through dataset_commands.ts, without waiting for a tfjs backend.
 */
export async function importDatasetFiles(
  split: DatasetSplit,
  files: readonly File[],
  onProgress: (phase: string, done?: number, total?: number) => void,
  signal?: AbortSignal,
  paths?: readonly string[],
): Promise<DatasetSummary> {
  const source = openPickedFiles(files.map((file, i) => ({ file, path: paths?.[i] || file.webkitRelativePath || file.name })));
  const result = await importDataset(split, source, (p) => onProgress(`importing dataset (${(p.bytes / 1e6).toFixed(1)} of ${(p.totalBytes / 1e6).toFixed(1)} MB, ${p.mbPerSec.toFixed(1)} MB/s)`, p.files, p.totalFiles), signal);
  return result.summary;
}

/**
 * Chooses the new dataset for the slot it was imported into; a Roboflow export imported as the
 * training set also becomes the validation set (its val split).
 */
async function selectImported(slot: DatasetSplit, info: StoredDatasetInfo): Promise<DatasetSelection> {
  const names = Object.keys(info.splits) as StoredSplitName[];
  if (slot === 'val') {
    await setDatasetSelection('val', { id: info.id, split: info.splits.val ? 'val' : defaultSplit(names) });
  } else {
    await setDatasetSelection('train', { id: info.id, split: defaultSplit(names) });
    if (info.splits.val && info.splits.train) await setDatasetSelection('val', { id: info.id, split: 'val' });
  }
  return getDatasetSelection();
}

/** The source, with every read also queued for storage and counted for progress. */
function teeSource(source: DatasetSource, writer: DatasetWriter, progress: ProgressCounter, signal?: AbortSignal): DatasetSource {
  return {
    name: source.name,
    flat: source.flat,
    list: () => source.list(),
    read: async (path) => {
      signal?.throwIfAborted();
      const bytes = await source.read(path);
      signal?.throwIfAborted();
      const blob = source instanceof FileListSource ? source.file(path) : new Blob([bytes as Uint8Array<ArrayBuffer>]);
      await writer.put(path, blob);
      progress.add(bytes.length);
      return bytes;
    },
  };
}

/** Files and bytes read so far, reported at most ~10 times a second (and at each phase's end). */
class ProgressCounter {
  private files = 0;
  private bytes = 0;
  private totalFiles = 0;
  private totalBytes = 0;
  private readonly t0 = performance.now();
  private lastReport = -Infinity;

  constructor(
    private readonly split: DatasetSplit,
    private readonly report: ImportProgressFn,
  ) {}

  expect(files: number, bytes: number): void {
    this.totalFiles = this.files + files;
    this.totalBytes = this.bytes + bytes;
    this.send('reading');
  }

  add(bytes: number): void {
    this.files++;
    this.bytes += bytes;
    if (performance.now() - this.lastReport >= 100) this.send('reading');
  }

  phase(p: ImportProgress['phase']): void {
    this.send(p);
  }

  private send(phase: ImportProgress['phase']): void {
    this.lastReport = performance.now();
    const seconds = (this.lastReport - this.t0) / 1000;
    this.report({
      split: this.split,
      phase,
      files: this.files,
      totalFiles: Math.max(this.totalFiles, this.files),
      bytes: this.bytes,
      totalBytes: Math.max(this.totalBytes, this.bytes),
      mbPerSec: seconds > 0 ? this.bytes / 1e6 / seconds : 0,
    });
  }
}

/** One sentence for any failure: DatasetErrors as they are, storage failures named. */
function asImportError(e: unknown): Error {
  if (e instanceof DatasetError) return e;
  const name = (e as { name?: string })?.name;
  const message = e instanceof Error ? e.message : String(e);
  if (name === 'QuotaExceededError') return new DatasetError(`the browser refused to store more data (storage quota exceeded); nothing was stored: delete stored datasets or free disk space`);
  return new DatasetError(`the import failed (${name ?? 'error'}: ${message}); nothing was stored`);
}
