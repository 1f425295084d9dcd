/**
 * main.py's arguments: our table against the official parser itself (DETR_OFFICIAL_REPO), and the
 * flags a config becomes (booleans as DETR's store flags, every value main.py has a flag for).
 */
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { DEFAULTS, parseConfig } from '../config/config';
import { SYSTEM_PYTHON, hasPython, skipReason } from '../testing/paths';
import { OFFICIAL_ARGS, officialArgs, officialFlags } from './official_args';
import { toPlain } from '../weights/pth/py_values';

describe('official main.py arguments', () => {
  it('flags: every config value main.py takes, booleans as store flags', () => {
    const f = officialFlags(parseConfig({ aux_loss: false, pre_norm: true, dilation: true, lr: 2e-4, backbone: 'resnet101', num_classes: 5 }));
    expect(f).toContain('--no_aux_loss');
    expect(f).toContain('--pre_norm');
    expect(f).toContain('--dilation');
    expect(f).not.toContain('--masks');
    expect(f).not.toContain('--aux_loss');
    expect(f.join(' ')).toMatch(/--lr 0.0002 --lr_backbone 0.00001 --batch_size 2 .*--backbone resnet101 /);
    expect(f.join(' ')).not.toMatch(/num_classes|min_size|augment/);
    const d = officialFlags(DEFAULTS);
    expect(d).not.toContain('--no_aux_loss');
    expect(d).not.toContain('--pre_norm');
    // every value flag is followed by a value that Python's float()/int() reads back exactly
    for (let i = 0; i < d.length; i += 2) expect(d[i]).toMatch(/^--/);
  });

  it('args: every parser argument with Python types (floats as floats)', () => {
    const a = toPlain(officialArgs(DEFAULTS, { coco_path: 'data', world_size: 4 })) as Record<string, unknown>;
    expect(Object.keys(a)).toEqual(OFFICIAL_ARGS.map((x) => x.dest));
    expect(a).toMatchObject({ coco_path: 'data', world_size: 4, frozen_weights: null, output_dir: '', resume: '', aux_loss: true, set_cost_class: 1 });
  });

  const repo = process.env.DETR_OFFICIAL_REPO;
  const ok = !!repo && hasPython(['torch', 'torchvision', 'pycocotools.coco']);
  if (!ok) skipReason('our main.py argument table against the official parser', 'needs DETR_OFFICIAL_REPO and /usr/bin/python3 with torch, torchvision and pycocotools');
  it.skipIf(!ok)('matches get_args_parser() of the official main.py: names, order, defaults, types, flags', () => {
    const py = `
import json, sys
sys.path.insert(0, sys.argv[1])
from main import get_args_parser
p = get_args_parser()
out = []
for a in p._actions:
    if a.dest == 'help': continue
    kind = {'_StoreTrueAction': 'store_true', '_StoreFalseAction': 'store_false'}.get(type(a).__name__) or ({float: 'float', int: 'int'}.get(a.type) or 'str')
    out.append({'dest': a.dest, 'kind': kind, 'default': a.default, 'flag': a.option_strings[0]})
ns = p.parse_args(json.loads(sys.argv[2]))
print(json.dumps({'actions': out, 'parsed': vars(ns)}))`;
    const cfg = parseConfig({ aux_loss: false, pre_norm: true, lr: 3e-5, dropout: 0, hidden_dim: 128, backbone: 'resnet50', dilation: true });
    const r = JSON.parse(execFileSync(SYSTEM_PYTHON, ['-c', py, repo!, JSON.stringify(officialFlags(cfg))], { encoding: 'utf8' }));
    expect(r.actions.map((a: { dest: string }) => a.dest)).toEqual(OFFICIAL_ARGS.map((a) => a.dest));
    for (const [i, a] of OFFICIAL_ARGS.entries()) {
      expect(r.actions[i].kind, a.dest).toBe(a.kind);
      expect(r.actions[i].default, a.dest).toEqual(a.default);
      expect(r.actions[i].flag, a.dest).toBe(a.flag ?? `--${a.dest}`);
    }
    // The flags parse back to the config's values.
    for (const a of OFFICIAL_ARGS) if (a.key) expect(r.parsed[a.dest], a.dest).toEqual(cfg[a.key]);
  });
});
