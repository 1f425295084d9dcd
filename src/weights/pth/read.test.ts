import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SYSTEM_PYTHON, TINY_FIXTURE, hasPython, hasTinyFixture, skipReason } from '../../testing/paths';
import { readSafetensors } from '../safetensors';
import { tensorBytes } from '../types';
import { readPth } from './read';
import { PyDict, collectTensors, pyGet } from './py_values';
import { TORCH_CASES_PY, canon, torchCases } from '../../testing/pth_canon';

const ok = hasPython(['torch']) && hasTinyFixture();
if (!ok) skipReason('pth reader tests against torch', 'needs /usr/bin/python3 with torch and the shared fixtures');

describe.skipIf(!ok)('readPth on files torch.save wrote', () => {
  let dir = '';
  let expected: { views: unknown; checkpoint: Record<string, unknown>; marker: string };
  const read = (name: string) => readPth(readFileSync(join(dir, name)), name);

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'pth-cases-'));
    torchCases('make', dir, TINY_FIXTURE);
    expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('the fixture (zip, stem "weights") equals weights.safetensors: names, order, dtypes, shapes, bytes', () => {
    const st = readSafetensors(readFileSync(join(TINY_FIXTURE, 'weights.safetensors'))).tensors;
    const pth = readPth(readFileSync(join(TINY_FIXTURE, 'weights.pth')), 'weights.pth');
    expect(pth.format).toBe('zip');
    expect(pth.stem).toBe('weights');
    const sd = collectTensors(pyGet(pth.root, 'model')!);
    expect([...sd.keys()]).toEqual([...st.keys()]);
    for (const [name, t] of sd) {
      const s = st.get(name)!;
      expect([t.dtype, t.shape], name).toEqual([s.dtype, s.shape]);
      expect(Buffer.from(tensorBytes(t)).equals(Buffer.from(tensorBytes(s))), name).toBe(true);
    }
  });

  it('the legacy format (_use_new_zipfile_serialization=False) reads identical to the zip one', () => {
    const zip = collectTensors(pyGet(readPth(readFileSync(join(TINY_FIXTURE, 'weights.pth'))).root, 'model')!);
    const legacy = read('legacy.pth');
    expect(legacy.format).toBe('legacy');
    const sd = collectTensors(pyGet(legacy.root, 'model')!);
    expect([...sd.keys()]).toEqual([...zip.keys()]);
    for (const [name, t] of sd) expect(Buffer.from(tensorBytes(t)).equals(Buffer.from(tensorBytes(zip.get(name)!))), name).toBe(true);
  });

  for (const name of ['views.pth', 'views_legacy.pth', 'views_p4.pth', 'views_big.pth', 'views_deflated.pth']) {
    it(`${name}: every dtype, shared storages, strides, scalars, empty tensors and a Parameter match torch`, () => {
      expect(canon(read(name).root)).toEqual(expected.views);
    });
  }

  it('the zip reader returns zero-copy views for contiguous tensors', () => {
    const bytes = readFileSync(join(dir, 'views.pth'));
    const root = readPth(bytes).root as PyDict;
    const f32 = root.get('f32') as { data: Float32Array };
    const rows = root.get('rows') as { data: Float32Array };
    expect(f32.data.buffer).toBe(bytes.buffer);
    expect(rows.data.buffer).toBe(bytes.buffer); // a view sharing f32's storage, 6 elements in
    expect(rows.data.byteOffset - f32.data.byteOffset).toBe(6 * 4);
  });

  for (const name of ['checkpoint.pth', 'checkpoint_legacy.pth']) {
    it(`${name}: DETR main.py's checkpoint (optimizer with int keys, lr_scheduler, epoch, argparse args)`, () => {
      const { root } = read(name);
      const got = canon(root) as { items: [string, string, unknown][] };
      const rest = Object.fromEntries(got.items.filter(([, k]) => k !== 'model').map(([, k, v]) => [k, v]));
      expect(rest).toEqual(expected.checkpoint);
      const state = pyGet(root, 'optimizer', 'state') as PyDict;
      expect(state.keys()).toEqual([0, 1, 2, 3]); // int keys, not '0'
      expect(pyGet(root, 'args', 'backbone')).toBe('resnet18');
      expect(pyGet(root, 'args', 'frozen_weights')).toBe(null);
      expect(pyGet(root, 'epoch')).toBe(3);
      expect(collectTensors(pyGet(root, 'model')!).size).toBe(173);
    });
  }

  const evil: [string, string][] = [
    ['evil.pth', 'os.system'],
    ['evil_legacy.pth', 'os.system'],
    ['evil_os.pth', 'os.system'],
    ['evil_eval.pth', 'builtins.eval'],
    ['evil_popen.pth', 'subprocess.Popen'],
  ];
  for (const [name, global] of evil) {
    it(`${name}: a pickle calling ${global} is refused, runs nothing; Python's torch.load does run it`, () => {
      const marker = expected.marker;
      expect(existsSync(marker)).toBe(false);
      expect(() => read(name)).toThrow(`refusing to load ${name}: its pickle references ${global}, which is not a tensor or plain data`);
      expect(existsSync(marker)).toBe(false);
      // The same bytes, unpickled by Python without weights_only, do execute the payload: so this test can fail.
      execFileSync(SYSTEM_PYTHON, [TORCH_CASES_PY, 'load', join(dir, name), '--unsafe'], { stdio: 'ignore' });
      expect(existsSync(marker)).toBe(true);
      rmSync(marker);
    });
  }
});
