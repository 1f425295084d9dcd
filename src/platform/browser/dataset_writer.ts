/**
 * Writing a dataset into IndexedDB all-or-nothing (layout in dataset_idb.ts):
 *  1. `checkQuota` first: a clear refusal naming the MB needed and available;
 *  2. a DatasetWriter takes a fresh id and holds the Web Lock "detr-studio-import:<id>" while it works;
 *  3. files go in batches (one transaction per ~8 MB) under [id, path];
 *  4. `commit` writes the manifest, then the info record: the one write that makes the dataset exist;
 *  5. `abort` (a failure, a refusal, a cancel) deletes everything written under the id.
 * A tab closed mid-import leaves files without an info record: `cleanOrphans` (run when the worker
 * starts) deletes them, skipping ids whose lock is still held (an import running in another tab).
 */
import { delMany, get, keys, set, setMany } from 'idb-keyval';
import { DatasetError } from '../../data/errors';
import type { StoredDatasetInfo } from '../../worker/protocol';
import { deleteFiles, fileIds, fileKey, idb, MANIFEST_PATH, type DatasetManifest } from './dataset_idb';

const BATCH_BYTES = 8 << 20;
const BATCH_FILES = 256;
const LOCK_PREFIX = 'detr-studio-import:';
/** Room left for IndexedDB's own overhead when checking the quota. */
const QUOTA_MARGIN = 1.05;

const mb = (bytes: number) => (bytes / 1e6).toFixed(1);

/** Why `bytesNeeded` more bytes do not fit in what the estimate leaves, or null when they do. */
export function quotaProblem(bytesNeeded: number, estimate: { quota?: number; usage?: number }): string | null {
  if (estimate.quota === undefined) return null; // no estimate offered: the writes will tell
  const used = estimate.usage ?? 0;
  const available = Math.max(0, estimate.quota - used);
  if (bytesNeeded * QUOTA_MARGIN <= available) return null;
  return (
    `not enough storage for this dataset: it needs ${mb(bytesNeeded * QUOTA_MARGIN)} MB and the browser allows ${mb(available)} MB more ` +
    `(quota ${mb(estimate.quota)} MB, ${mb(used)} MB used); delete stored datasets or free disk space, then import again`
  );
}

/** Refuses (DatasetError) when the browser's storage estimate cannot hold `bytesNeeded` more bytes. */
export async function checkQuota(bytesNeeded: number): Promise<void> {
  const estimate = await navigator.storage?.estimate?.();
  const problem = estimate ? quotaProblem(bytesNeeded, estimate) : null;
  if (problem) throw new DatasetError(problem);
}

/**
 * Asks that stored data be kept under storage pressure (StorageManager.persist). Browsers offer it
 * on the window only, so in a worker this is a no-op returning false; the page asks from the UI.
 */
export async function requestPersistence(): Promise<boolean> {
  const storage = navigator.storage as StorageManager & { persist?: () => Promise<boolean> };
  if (typeof storage?.persist !== 'function') return false;
  if (await storage.persisted?.()) return true;
  return storage.persist();
}

/** Holds a Web Lock until the returned function is called (no-op where locks are missing). */
async function holdLock(name: string): Promise<() => void> {
  const locks = navigator.locks;
  if (!locks) return () => undefined;
  return new Promise((acquired) => {
    void locks.request(name, () => new Promise<void>((release) => acquired(release)));
  });
}

function newId(): string {
  return `ds-${crypto.randomUUID()}`;
}

export class DatasetWriter {
  /** Bytes of every file put so far. */
  bytes = 0;
  private pending: [IDBValidKey, Blob][] = [];
  private pendingBytes = 0;
  private chain: Promise<void> = Promise.resolve();
  private readonly paths = new Set<string>();
  private readonly sizes = new Map<string, number>();
  private done = false;

  private constructor(
    readonly id: string,
    private readonly release: () => void,
  ) {}

  static async open(): Promise<DatasetWriter> {
    const id = newId();
    return new DatasetWriter(id, await holdLock(LOCK_PREFIX + id));
  }

  has(path: string): boolean {
    return this.paths.has(path);
  }

  /** Queues one file; waits for a batch write when the queue is full (bounded memory). */
  async put(path: string, blob: Blob): Promise<void> {
    if (this.done) throw new DatasetError('the import is over');
    if (this.paths.has(path)) return;
    this.paths.add(path);
    this.pending.push([fileKey(this.id, path), blob]);
    this.pendingBytes += blob.size;
    this.bytes += blob.size;
    this.sizes.set(path, blob.size);
    if (this.pendingBytes >= BATCH_BYTES || this.pending.length >= BATCH_FILES) await this.flush();
  }

  /** Writes the queued files (one transaction); resolves when it has committed. */
  flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    this.chain = this.chain.then(() => (batch.length ? setMany(batch, idb().files) : undefined));
    return this.chain;
  }

  /** Removes every file put whose path is not in `keep` (queued or already written). */
  async discardExcept(keep: ReadonlySet<string>): Promise<void> {
    const drop = [...this.paths].filter((p) => !keep.has(p));
    if (drop.length === 0) return;
    const dropped = new Set(drop);
    this.pending = this.pending.filter(([key]) => !dropped.has((key as [string, string])[1]));
    this.pendingBytes = this.pending.reduce((n, [, b]) => n + b.size, 0);
    await this.chain;
    await delMany(drop.map((p) => fileKey(this.id, p)), idb().files);
    for (const p of drop) {
      this.paths.delete(p);
      this.bytes -= this.sizes.get(p) ?? 0;
    }
  }

  /** Every path put (in order of first put). */
  storedPaths(): string[] {
    return [...this.paths];
  }

  /** Flushes, writes the manifest, then the info record: after this the dataset exists. */
  async commit(manifest: Omit<DatasetManifest, 'id' | 'paths'>, info: Omit<StoredDatasetInfo, 'id' | 'bytes'>): Promise<StoredDatasetInfo> {
    await this.flush();
    await set(fileKey(this.id, MANIFEST_PATH), { ...manifest, id: this.id, paths: this.storedPaths() } satisfies DatasetManifest, idb().files);
    const full: StoredDatasetInfo = { ...info, id: this.id, bytes: this.bytes };
    await set(this.id, full, idb().datasets);
    this.finish();
    return full;
  }

  /** Deletes everything written under this id (after any write in flight has settled). */
  async abort(): Promise<void> {
    if (this.done) return;
    this.done = true;
    this.pending = [];
    await this.chain.catch(() => undefined);
    try {
      await deleteFiles(this.id);
    } finally {
      this.release();
    }
  }

  private finish(): void {
    this.done = true;
    this.release();
  }
}

/** Deletes files of imports that never committed (and are not running now); returns how many ids. */
export async function cleanOrphans(): Promise<number> {
  const committed = new Set(await keys<string>(idb().datasets));
  let cleaned = 0;
  for (const id of await fileIds()) {
    if (committed.has(id)) continue;
    // Checked again under the lock: an import may have committed since the keys were read.
    const removeIfOrphan = async () => ((await get(id, idb().datasets)) ? false : (await deleteFiles(id), true));
    const locks = navigator.locks;
    const removed = locks ? await locks.request(LOCK_PREFIX + id, { ifAvailable: true }, (lock) => (lock ? removeIfOrphan() : false)) : await removeIfOrphan();
    if (removed) cleaned++;
  }
  return cleaned;
}
