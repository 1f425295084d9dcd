import { describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FolderCheckpointStore } from './checkpoint_store';

describe('FolderCheckpointStore', () => {
  it('writes parts atomically, lists, loads, removes and points at the latest', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'ckpt-')), 'out');
    const store = new FolderCheckpointStore(dir);
    expect(await store.list()).toEqual([]);
    expect(await store.getLatest()).toBeUndefined();
    await store.save('checkpoint_0000001.safetensors', [Uint8Array.of(1, 2), Uint8Array.of(3)]);
    await store.save('checkpoint_0000001.safetensors', [Uint8Array.of(4, 5, 6)]); // replaced whole
    await store.save('checkpoint_0000002.safetensors', [Uint8Array.of(7)]);
    await store.setLatest('checkpoint_0000002.safetensors');
    expect(Array.from(await store.load('checkpoint_0000001.safetensors'))).toEqual([4, 5, 6]);
    expect((await store.list()).sort()).toEqual(['checkpoint_0000001.safetensors', 'checkpoint_0000002.safetensors']);
    expect(await store.getLatest()).toBe('checkpoint_0000002.safetensors');
    expect(readFileSync(join(dir, 'last_checkpoint'), 'utf8')).toBe('checkpoint_0000002.safetensors\n');
    expect(readdirSync(dir).filter((n) => n.includes('.tmp-'))).toEqual([]); // no temp file left behind
    await store.remove('checkpoint_0000001.safetensors');
    expect(await store.list()).toEqual(['checkpoint_0000002.safetensors']);
    await expect(store.load('checkpoint_0000001.safetensors')).rejects.toThrow(/cannot read checkpoint .*checkpoint_0000001.safetensors: ENOENT/);
    await expect(store.save('../escape', [])).rejects.toThrow(/invalid checkpoint name/);
  });
});
