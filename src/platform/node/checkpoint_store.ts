/**
 * CheckpointStore on a folder: each save writes `<name>.tmp-<pid>` part by part, flushes it and
 * renames it over `<name>` (atomic on POSIX: a crash leaves the old file or the new one, never half
 * of one). `last_checkpoint` holds the latest name, as Detectron2 writes it, replaced the same way.
 */
import { mkdir, open, readFile, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { CheckpointStore } from '../../engine/ports';

const LAST = 'last_checkpoint';

function checkName(name: string): void {
  if (!name || name.includes('/') || name.includes('\\') || name.startsWith('.')) throw new Error(`invalid checkpoint name "${name}"`);
}

export class FolderCheckpointStore implements CheckpointStore {
  constructor(readonly dir: string) {}

  private async writeAtomic(name: string, parts: readonly Uint8Array[]): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const final = join(this.dir, name);
    const tmp = `${final}.tmp-${process.pid}`;
    const fh = await open(tmp, 'w');
    try {
      for (const p of parts) await fh.write(p);
      await fh.sync();
    } catch (e) {
      await fh.close();
      await rm(tmp, { force: true });
      throw new Error(`could not write ${final}: ${(e as Error).message}`);
    }
    await fh.close();
    await rename(tmp, final);
  }

  async save(name: string, parts: readonly Uint8Array[]): Promise<void> {
    checkName(name);
    await this.writeAtomic(name, parts);
  }

  async load(name: string): Promise<Uint8Array> {
    checkName(name);
    try {
      return new Uint8Array(await readFile(join(this.dir, name)));
    } catch (e) {
      throw new Error(`cannot read checkpoint ${join(this.dir, name)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }

  async list(): Promise<string[]> {
    try {
      return (await readdir(this.dir)).filter((n) => n.endsWith('.safetensors'));
    } catch {
      return [];
    }
  }

  async remove(name: string): Promise<void> {
    checkName(name);
    await rm(join(this.dir, name), { force: true });
  }

  async setLatest(name: string): Promise<void> {
    checkName(name);
    await this.writeAtomic(LAST, [new TextEncoder().encode(name + '\n')]);
  }

  async getLatest(): Promise<string | undefined> {
    try {
      const name = (await readFile(join(this.dir, LAST), 'utf8')).trim();
      return name || undefined;
    } catch {
      return undefined;
    }
  }
}
