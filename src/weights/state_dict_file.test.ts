import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SYSTEM_PYTHON, TINY_FIXTURE, hasPython, hasTinyFixture, skipReason } from '../testing/paths';
import { concatParts } from './safetensors';
import { PyDict, type PyValue } from './pth/py_values';
import { writePth } from './pth/write';
import { detectWeightsFormat, readStateDict, writeStateDict } from './state_dict_file';
import { type RawTensor, tensorBytes } from './types';

const hasFixture = hasTinyFixture();
if (!hasFixture) skipReason('state dict fixture tests', 'the shared fixtures are absent');
const hasTorch = hasPython(['torch']);
if (!hasTorch) skipReason('legacy truncation test', 'needs /usr/bin/python3 with torch');

const t = (...v: number[]): RawTensor => ({ dtype: 'float32', shape: [v.length], data: Float32Array.from(v) });
const pth = (root: PyValue) => concatParts(writePth(root));
const fixture = (name: string) => new Uint8Array(readFileSync(join(TINY_FIXTURE, name)));

describe('readStateDict', () => {
  it.skipIf(!hasFixture)('the fixture .pth ({"model": sd}) and .safetensors give the same names, order, shapes and bytes', () => {
    const a = readStateDict(fixture('weights.pth'), 'weights.pth');
    const b = readStateDict(fixture('weights.safetensors'), 'weights.safetensors');
    expect([a.format, a.extras.container, a.extras.foundAt, b.format]).toEqual(['pth', 'zip', 'model', 'safetensors']);
    expect([...a.tensors.keys()]).toEqual([...b.tensors.keys()]);
    expect(a.tensors.size).toBe(173);
    for (const [k, x] of a.tensors) {
      const y = b.tensors.get(k)!;
      expect([x.dtype, x.shape]).toEqual([y.dtype, y.shape]);
      expect(Buffer.from(tensorBytes(x)).equals(Buffer.from(tensorBytes(y))), k).toBe(true);
    }
  });

  it.skipIf(!hasFixture)('detects the format from the bytes, not the name', () => {
    expect(detectWeightsFormat(fixture('weights.pth'))).toBe('pth');
    expect(detectWeightsFormat(fixture('weights.safetensors'))).toBe('safetensors');
    expect(readStateDict(fixture('weights.pth'), 'renamed.safetensors').format).toBe('pth');
  });

  it("takes 'state_dict', strips DDP's 'module.' prefix and says so", () => {
    const sd = new PyDict('collections.OrderedDict', [['module.a.weight', t(1)], ['module.b.bias', t(2, 3)]]);
    const r = readStateDict(pth({ state_dict: sd, epoch: 1 }), 'ddp.pth');
    expect([...r.tensors.keys()]).toEqual(['a.weight', 'b.bias']);
    expect(r.extras.foundAt).toBe('state_dict');
    expect(r.extras.strippedPrefix).toBe('module.');
    expect(r.extras.notes.join('\n')).toContain("stripped the 'module.' prefix");
  });

  it('takes a plain state dict at the root and keeps a prefix not every key has', () => {
    const r = readStateDict(pth(new PyDict('collections.OrderedDict', [['module.a', t(1)], ['b', t(2)]])), 'plain.pth');
    expect([...r.tensors.keys()]).toEqual(['module.a', 'b']);
    expect(r.extras.foundAt).toBe('root');
    expect(r.extras.strippedPrefix).toBeUndefined();
  });

  const refused: [string, Uint8Array, string][] = [
    ['no state dict', pth({ epoch: 3, net: 'x' }), 'x.pth: no state dict found: its top-level keys are epoch, net'],
    ['an empty dict', pth({}), 'x.pth: the file holds no tensors'],
    ['an empty model', pth({ model: {} }), 'x.pth: the file holds no tensors'],
    ['a non-tensor entry', pth({ model: { a: t(1), b: 3 } }), 'x.pth: state dict entry "b" is a number, not a tensor'],
    ['a list at the root', pth([t(1)]), 'x.pth: holds a list, not a state dict'],
    ['an empty file', new Uint8Array(0), 'x.pth: the file is empty'],
    ['a text file', new TextEncoder().encode('{"not": "weights"}'), 'x.pth: not a weights file'],
  ];
  for (const [what, bytes, message] of refused) {
    it(`refuses ${what} with one clear message`, () => {
      expect(() => readStateDict(bytes, 'some/dir/x.pth')).toThrow(message);
    });
  }

  it.skipIf(!hasFixture)('refuses truncated and corrupted files, naming the file and the damage', () => {
    const zip = fixture('weights.pth');
    expect(() => readStateDict(zip.subarray(0, zip.length >> 1), 'w.pth')).toThrow('w.pth: broken zip (no end-of-central-directory record); the file is truncated or corrupt');
    const flipped = zip.slice();
    flipped[100] ^= 0xff; // inside weights/data.pkl
    expect(() => readStateDict(flipped, 'w.pth')).toThrow('w.pth: entry "weights/data.pkl" fails its CRC check; the file is corrupt');
    const st = fixture('weights.safetensors');
    expect(() => readStateDict(st.subarray(0, st.length - 100), 'w.safetensors')).toThrow(
      'w.safetensors: tensor "backbone.0.body.layer4.1.bn2.running_var": data_offsets [45582376, 45584424] lie outside the data region (45584324 bytes)',
    );
    expect(() => readStateDict(st.subarray(0, 1000), 'w.safetensors')).toThrow('w.safetensors: not a weights file');
  });

  it.skipIf(!hasTorch)('refuses a truncated legacy-format file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'legacy-'));
    try {
      const path = join(dir, 'old.pth');
      const code = `import torch; torch.save({'model': {'w': torch.ones(1000)}}, '${path}', _use_new_zipfile_serialization=False)`;
      execFileSync(SYSTEM_PYTHON, ['-c', code]);
      const bytes = new Uint8Array(readFileSync(path));
      expect(readStateDict(bytes, 'old.pth').tensors.get('w')!.data.length).toBe(1000);
      expect(() => readStateDict(bytes.subarray(0, bytes.length - 10), 'old.pth')).toThrow('old.pth: the file ends inside storage');
      expect(() => readStateDict(bytes.subarray(0, 40), 'old.pth')).toThrow('old.pth: bad pickle at byte');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('writeStateDict', () => {
  it('writes .pth as {"model": OrderedDict(sd)} and .safetensors, both reading back in order', () => {
    const tensors = new Map<string, RawTensor>([['z', t(1, 2)], ['a', t(3)], ['m.0', { dtype: 'int64', shape: [], data: BigInt64Array.of(7n) }]]);
    for (const format of ['pth', 'safetensors'] as const) {
      const back = readStateDict(concatParts(writeStateDict(tensors, format, { fileName: 'out/m.pth' })), 'm');
      expect([...back.tensors].map(([k, x]) => [k, x.dtype, x.shape, x.data])).toEqual([...tensors].map(([k, x]) => [k, x.dtype, x.shape, x.data]));
      if (format === 'pth') expect((back.extras.root as PyDict).keys()).toEqual(['model']);
    }
  });
});
