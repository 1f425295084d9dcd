import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SYSTEM_PYTHON, hasPython, skipReason } from '../../testing/paths';
import { preferredLeadingPad, readStateDict } from '../../weights/state_dict_file';
import { readFileBytes, readWeightsFile, writeParts } from './weights_file';

const ok = hasPython(['torch']);
if (!ok) skipReason('legacy alignment tests', 'needs /usr/bin/python3 with torch');

describe.skipIf(!ok)('readWeightsFile', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'weights-file-'));
    // A legacy file whose storage data is misaligned in the file (the pickles have an odd length).
    const code = `import torch
sd = {'a.weight': torch.arange(12.).reshape(3, 4), 'b.bias': torch.tensor([1.5, -2.5]), 'c': torch.arange(5, dtype=torch.int64)}
torch.save({'model': sd, 'note': 'x' * 3}, '${join(dir, 'old.pth')}', _use_new_zipfile_serialization=False)`;
    execFileSync(SYSTEM_PYTHON, ['-c', code]);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('places a legacy .pth in memory so every tensor is a zero-copy view of the file buffer', () => {
    const bytes = readFileBytes(join(dir, 'old.pth'));
    const sd = readStateDict(bytes, 'old.pth');
    for (const [k, t] of sd.tensors) expect(t.data.buffer, k).toBe(bytes.buffer);
    expect(Array.from(sd.tensors.get('b.bias')!.data as Float32Array)).toEqual([1.5, -2.5]);
    expect(Array.from(sd.tensors.get('c')!.data as BigInt64Array)).toEqual([0n, 1n, 2n, 3n, 4n]);
  });

  it('reads the same values from bytes that are not so placed (one realigning copy)', () => {
    const plain = new Uint8Array(readFileSync(join(dir, 'old.pth')));
    const a = readStateDict(plain, 'old.pth');
    const b = readWeightsFile(join(dir, 'old.pth'));
    expect([...a.tensors].map(([k, t]) => [k, t.shape, Array.from(t.data as Float32Array)])).toEqual([...b.tensors].map(([k, t]) => [k, t.shape, Array.from(t.data as Float32Array)]));
    // Placed at offset 0 the storages are misaligned (unless this torch wrote pickles of a lucky length).
    if (preferredLeadingPad(plain) !== 0) expect(a.tensors.get('a.weight')!.data.buffer).not.toBe(plain.buffer);
  });

  it('writes parts in order', () => {
    writeParts(join(dir, 'parts.bin'), [Uint8Array.of(1, 2), new Uint8Array(0), Uint8Array.of(3)]);
    expect(Array.from(readFileSync(join(dir, 'parts.bin')))).toEqual([1, 2, 3]);
  });
});
