/**
 * The engine's CheckpointStore port (src/engine/ports.ts) for one run, on a KeyValueStore
 * (IndexedDB in the page, a store of its own: `detr-studio-checkpoints`):
 *
 *   <run id>/<name>             Blob: the checkpoint file (one .safetensors, checkpoint_format.ts)
 *   <run id>/last_checkpoint    string: the latest name (Detectron2's pointer)
 *
 * Atomic the way the folder store is: the Blob is written in one transaction (a crash leaves the
 * old set of checkpoints or the new one, never half a file), and only then is the pointer moved and
 * the run's list updated, so nothing ever points at a checkpoint that is not whole.
 */
import type { CheckpointStore } from '../../engine/ports';
import type { KeyValueStore } from './kv_store';

const LAST = 'last_checkpoint';

/** What the run index hears about, after the fact (run_store.ts keeps the list users see). */
export interface CheckpointEvents {
  saved(name: string, sizeBytes: number): Promise<void>;
  removed(name: string): Promise<void>;
  latest(name: string): Promise<void>;
}

function checkName(name: string): void {
  if (!name || name.includes('/') || name === LAST) throw new Error(`invalid checkpoint name "${name}"`);
}

export class KvCheckpointStore implements CheckpointStore {
  constructor(
    private readonly kv: KeyValueStore,
    readonly runId: string,
    private readonly events?: CheckpointEvents,
  ) {
    if (!runId || runId.includes('/')) throw new Error(`invalid run id "${runId}"`);
  }

  private key(name: string): string {
    return `${this.runId}/${name}`;
  }

  async save(name: string, parts: readonly Uint8Array[]): Promise<void> {
    checkName(name);
    const blob = new Blob(parts as Uint8Array<ArrayBuffer>[], { type: 'application/octet-stream' });
    try {
      await this.kv.set(this.key(name), blob);
    } catch (e) {
      const quota = e instanceof DOMException && e.name === 'QuotaExceededError';
      throw new Error(
        `could not save checkpoint ${name} (${(blob.size / 1e6).toFixed(0)} MB) in this browser's storage: ${quota ? 'the storage quota is full (delete old runs in the Checkpoints panel)' : (e as Error).message}`,
      );
    }
    await this.events?.saved(name, blob.size);
  }

  async load(name: string): Promise<Uint8Array> {
    checkName(name);
    const blob = await this.kv.get<Blob>(this.key(name));
    if (!blob) throw new Error(`checkpoint ${name} of run ${this.runId} is not in this browser's storage (it may have been deleted)`);
    return new Uint8Array(await blob.arrayBuffer());
  }

  async list(): Promise<string[]> {
    const prefix = `${this.runId}/`;
    return (await this.kv.keys()).filter((k) => k.startsWith(prefix) && k !== this.key(LAST)).map((k) => k.slice(prefix.length));
  }

  async remove(name: string): Promise<void> {
    checkName(name);
    await this.kv.del(this.key(name));
    await this.events?.removed(name);
  }

  async setLatest(name: string): Promise<void> {
    checkName(name);
    await this.kv.set(this.key(LAST), name);
    await this.events?.latest(name);
  }

  async getLatest(): Promise<string | undefined> {
    return this.kv.get<string>(this.key(LAST));
  }

  /** Deletes every checkpoint of the run and its pointer. */
  async clear(): Promise<void> {
    const prefix = `${this.runId}/`;
    await this.kv.delMany((await this.kv.keys()).filter((k) => k.startsWith(prefix)));
  }
}
