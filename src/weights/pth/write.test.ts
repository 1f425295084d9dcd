import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TINY_FIXTURE, hasPython, hasTinyFixture, skipReason } from '../../testing/paths';
import { concatParts } from '../safetensors';
import { readPth } from './read';
import { PyDict, PyFloat, PyTuple, type PyValue, pyGet } from './py_values';
import { stemOf, writePth } from './write';
import { readZipDirectory } from './zip';
import { canon, torchCases } from '../../testing/pth_canon';

const ok = hasPython(['torch']) && hasTinyFixture();
if (!ok) skipReason('pth writer tests against torch', 'needs /usr/bin/python3 with torch and the shared fixtures');

const f32 = (shape: number[], f: (i: number) => number) => ({ dtype: 'float32' as const, shape, data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => f(i)) });

/** Plain data torch 1.13's weights-only unpickler accepts (no floats), with int keys and > 1000-item batches. */
function intKeyedTree(): PyValue {
  const t = f32([2, 3], (i) => i / 7);
  const many = new PyDict();
  for (let i = 0; i < 1500; i++) many.set(i, { v: i }); // > 256 memo slots (LONG_BINPUT), > 1000 items (two SETITEMS batches)
  return {
    optimizer: {
      state: new PyDict('dict', [
        [0, { step: f32([], () => 2), exp_avg: t }],
        [1, { step: f32([], () => 2), exp_avg: f32([4], (i) => -i) }],
      ]),
      param_groups: [{ params: [0, 1], amsgrad: false, foreach: null, name: 'transformer', betas: new PyTuple([9, 999]) }],
    },
    shared: [t, t], // one tensor twice: one storage, memoised
    epoch: 3,
    ints: [0, 255, 256, 65535, 65536, -1, -(2 ** 31), 2 ** 31, 2 ** 53 - 1, -(2 ** 40), 2n ** 70n, -(2n ** 70n)],
    long_list: Array.from({ length: 2500 }, (_, i) => i),
    str_keys: new PyDict('collections.OrderedDict', [['é ü ☃', 'ünïcode'], ['', '']]),
    mixed_keys: new PyDict('dict', [[0, 'int'], ['0', 'str'], [new PyTuple(['a', 1]), 'tuple'], [true, 'bool'], [null, 'none']]),
    many,
  };
}

describe.skipIf(!ok)('writePth: torch.load(weights_only=True) reads what we write', () => {
  let dir = '';
  const save = (name: string, root: PyValue, zip64Threshold?: number) => {
    const path = join(dir, name);
    writeFileSync(path, concatParts(writePth(root, { stem: stemOf(name), zip64Threshold })));
    return path;
  };
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'pth-write-'));
    torchCases('make', dir, TINY_FIXTURE);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('every dtype, views and strides read from torch\'s file come back equal (weights_only=True)', () => {
    const src = readPth(readFileSync(join(dir, 'views.pth'))).root;
    const path = save('ours_views.pth', src);
    expect(torchCases('equal', path, join(dir, 'views.pth')).trim()).toBe('equal (weights_only)');
  });

  it('int-keyed dicts, big ints, unicode, tuples, shared tensors and long containers survive torch and our reader', () => {
    const tree = intKeyedTree();
    const path = save('ours_tree.pth', tree);
    const fromTorch = JSON.parse(torchCases('load', path)); // weights_only=True
    expect(fromTorch).toEqual(canon(tree));
    const back = readPth(readFileSync(path), 'ours_tree.pth').root;
    expect(canon(back)).toEqual(canon(tree));
    expect((pyGet(back, 'optimizer', 'state') as PyDict).keys()).toEqual([0, 1]);
    const shared = pyGet(back, 'shared') as { data: Float32Array }[];
    expect(shared[0]).toBe(shared[1]);
    expect(readZipDirectory(readFileSync(path), path).filter((e) => e.name.includes('/data/')).length).toBe(4);
  });

  it('a DETR main.py checkpoint (floats, optimizer, lr_scheduler, args as a dict) equals torch\'s own', () => {
    const src = readPth(readFileSync(join(dir, 'checkpoint.pth'))).root;
    const path = save('ours_checkpoint.pth', src);
    const verdict = torchCases('equal', path, join(dir, 'checkpoint.pth')).trim();
    expect(verdict).toMatch(/^equal \(/);
    expect(JSON.parse(torchCases('globals', path))).toEqual(['collections.OrderedDict', 'torch.FloatStorage', 'torch._utils._rebuild_tensor_v2']);
  });

  it('zip64 records (forced by a low threshold) are read by Python\'s zipfile, torch and us', () => {
    const src = readPth(readFileSync(join(dir, 'views.pth'))).root;
    const path = save('ours_zip64.pth', src, 0);
    expect(torchCases('equal', path, join(dir, 'views.pth')).trim()).toBe('equal (weights_only)');
    expect(canon(readPth(readFileSync(path)).root)).toEqual(canon(src));
  });

  it('entries are 64-byte aligned, named after the file, with version 3 and byteorder little', () => {
    const bytes = readFileSync(save('model_final.pth', { w: f32([3], (i) => i) }));
    const entries = readZipDirectory(bytes, 'model_final.pth');
    expect(entries.map((e) => e.name)).toEqual(['model_final/data.pkl', 'model_final/byteorder', 'model_final/data/0', 'model_final/version']);
    for (const e of entries) expect(e.dataOffset % 64, e.name).toBe(0);
    const text = (i: number) => new TextDecoder().decode(bytes.subarray(entries[i].dataOffset, entries[i].dataOffset + entries[i].size));
    expect([text(1), text(3)]).toEqual(['little', '3\n']);
  });

  it('PyFloat writes an integral float as a float; a plain integral number as an int', () => {
    const path = save('floats.pth', { a: new PyFloat(1), b: 1, c: 'x', d: null, e: true });
    let types: Record<string, string>;
    try {
      types = JSON.parse(torchCases('types', path));
    } catch (e) {
      // torch < 2.0's weights-only unpickler has no float opcode: check the ints-and-others part only.
      expect(String((e as { stderr?: string }).stderr)).toContain('Unsupported operand 71');
      types = { a: 'float', ...JSON.parse(torchCases('types', save('nofloat.pth', { b: 1, c: 'x', d: null, e: true }))) };
    }
    expect(types).toEqual({ a: 'float', b: 'int', c: 'str', d: 'NoneType', e: 'bool' });
    const back = readPth(readFileSync(path)).root as PyDict;
    expect([back.get('a'), back.get('b')]).toEqual([1, 1]); // both read back as JS numbers
  });
});
