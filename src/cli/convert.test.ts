import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { COMPARE_PY, REPO_ROOT, SYSTEM_PYTHON, TINY_FIXTURE, hasPython, hasTinyFixture, skipReason } from '../testing/paths';
import { readStateDict } from '../weights/state_dict_file';
import { tensorBytes } from '../weights/types';

const ok = hasTinyFixture();
if (!ok) skipReason('convert CLI tests', 'the shared fixtures are absent');
const hasNumpy = hasPython(['numpy']);
if (!hasNumpy) skipReason('compare.py checks of convert', 'needs /usr/bin/python3 with numpy');

const BIN = resolve(REPO_ROOT, 'bin/detr-studio.js');
const convert = (...args: string[]) => spawnSync(process.execPath, [BIN, 'convert', ...args], { encoding: 'utf8' });
const compare = (file: string) => spawnSync(SYSTEM_PYTHON, [COMPARE_PY, TINY_FIXTURE, file, '--kind', 'weights'], { encoding: 'utf8' });

describe.skipIf(!ok)('detr-studio convert', () => {
  let dir = '';
  const at = (name: string) => join(dir, name);
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'convert-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('.pth -> .safetensors -> .pth -> .safetensors keeps every tensor, in order, bit for bit', () => {
    const steps: [string, string][] = [
      [join(TINY_FIXTURE, 'weights.pth'), at('a.safetensors')],
      [at('a.safetensors'), at('b.pth')],
      [at('b.pth'), at('c.safetensors')],
      [at('c.safetensors'), at('d/b.pth')],
    ];
    spawnSync('mkdir', ['-p', at('d')]);
    for (const [from, to] of steps) {
      const r = convert('--in', from, '--out', to);
      expect(r.stderr).toBe('');
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toContain('173 tensors');
    }
    const ref = readStateDict(readFileSync(join(TINY_FIXTURE, 'weights.safetensors')), 'ref');
    for (const f of ['a.safetensors', 'b.pth', 'c.safetensors']) {
      const got = readStateDict(readFileSync(at(f)), f);
      expect([...got.tensors.keys()], f).toEqual([...ref.tensors.keys()]);
      for (const [k, t] of got.tensors) expect(Buffer.from(tensorBytes(t)).equals(Buffer.from(tensorBytes(ref.tensors.get(k)!))), `${f} ${k}`).toBe(true);
    }
    expect(readFileSync(at('a.safetensors')).equals(readFileSync(at('c.safetensors')))).toBe(true);
    expect(readFileSync(at('b.pth')).equals(readFileSync(at('d/b.pth')))).toBe(true); // same stem "b": identical files
  });

  it.skipIf(!hasNumpy)("compare.py accepts both outputs as the fixture's weights (exact)", () => {
    for (const f of ['a.safetensors', 'b.pth']) {
      const r = compare(at(f));
      expect(r.status, r.stdout + r.stderr).toBe(0);
      expect(r.stdout).toMatch(/weights parity: max_abs=0\.00e\+00 .*OK/);
    }
  });

  it.skipIf(!hasPython(['torch']))('the written .pth loads in torch with weights_only=True into DETR\'s layout', () => {
    const code = `import torch; d = torch.load('${at('b.pth')}', weights_only=True); m = d['model']; print(type(m).__name__, len(m), next(iter(m)))`;
    const r = spawnSync(SYSTEM_PYTHON, ['-c', code], { encoding: 'utf8' });
    expect(r.stdout.trim()).toBe('OrderedDict 173 transformer.encoder.layers.0.self_attn.in_proj_weight');
  });

  const errors: [string, () => string[], () => string][] = [
    ['a missing file', () => ['--in', at('nope.pth'), '--out', at('x.safetensors')], () => `detr-studio convert: ${at('nope.pth')}: no such file`],
    ['an unknown output extension', () => ['--in', at('b.pth'), '--out', at('x.onnx')], () => `detr-studio convert: --out ${at('x.onnx')}: unknown extension; use .safetensors or .pth`],
    ['a truncated .pth', () => ['--in', at('cut.pth'), '--out', at('x.safetensors')], () => 'detr-studio convert: cut.pth: broken zip (no end-of-central-directory record); the file is truncated or corrupt'],
    ['a file that is not weights', () => ['--in', join(TINY_FIXTURE, 'config.json'), '--out', at('x.safetensors')], () => 'detr-studio convert: config.json: not a weights file'],
    ['a missing option', () => ['--in', at('b.pth')], () => 'detr-studio convert: missing --out'],
  ];
  for (const [what, args, message] of errors) {
    it(`fails on ${what} with one clear line and a non-zero status`, () => {
      writeFileSync(at('cut.pth'), readFileSync(join(TINY_FIXTURE, 'weights.pth')).subarray(0, 5000));
      const r = convert(...args());
      expect(r.status).not.toBe(0);
      expect(r.stderr.split('\n')[0]).toContain(message());
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    });
  }
});
