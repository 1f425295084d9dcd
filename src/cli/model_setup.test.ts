/**
 * Two weight-import journeys through the CLI's loader (loadWeightsInto, strict as `predict`/`loss`
 * use it), with files PyTorch itself wrote:
 *  - a torchvision ResNet-50 state dict (torch.save of torchvision.models.resnet50().state_dict(), with
 *    fc.* and num_batches_tracked): it fills the backbone exactly and nothing else; a ResNet of another
 *    depth is refused with a clear message;
 *  - a DETR training checkpoint for num_classes 91 ({'model', 'optimizer', 'epoch', 'args'} as main.py
 *    writes it) into a num_classes 5 model: everything loads but the class head, which keeps its
 *    fresh initialisation (DETR's fine-tuning recipe).
 */
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../config/config';
import { buildModel } from '../model/build';
import { loadStateDict, stateDict, type TorchArray } from '../model/state_dict';
import { initNodeBackend } from '../platform/node/backend';
import { readWeightsFile } from '../platform/node/weights_file';
import { SYSTEM_PYTHON, hasPython, skipReason } from '../testing/paths';
import { tempDir } from '../testing/make_dataset';
import { concatParts, writeSafetensors } from '../weights/safetensors';
import { loadWeightsInto, torchArrays } from './model_setup';

const ok = hasPython(['torch', 'torchvision']);
const why = ok ? '' : skipReason('weight import journeys', 'needs /usr/bin/python3 with torch + torchvision');

const TINY = { hidden_dim: 64, nheads: 4, enc_layers: 1, dec_layers: 2, dim_feedforward: 64, num_queries: 5 };

const same = (a: TorchArray, b: TorchArray) =>
  a.shape.join() === b.shape.join() && Buffer.from(a.data.buffer, a.data.byteOffset, a.data.byteLength).equals(Buffer.from(b.data.buffer, b.data.byteOffset, b.data.byteLength));

function python(code: string): string {
  return execFileSync(SYSTEM_PYTHON, ['-c', code], { encoding: 'utf8' });
}

/** Runs `fn` with console.error captured (loadWeightsInto prints its notes there). */
function captureNotes<T>(fn: () => T): { value: T; notes: string[] } {
  const notes: string[] = [];
  const original = console.error;
  console.error = (...a: unknown[]) => notes.push(a.join(' '));
  try {
    return { value: fn(), notes };
  } finally {
    console.error = original;
  }
}

describe.skipIf(!ok)(`importing weights PyTorch wrote${why ? ` (${why})` : ''}`, () => {
  const dir = tempDir('detr-import-');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a torchvision ResNet-50 state dict fills the backbone and only the backbone', async () => {
    await initNodeBackend('wasm');
    const file = join(dir, 'resnet50.pth');
    // Random init; the norms' buffers and affines are randomised too, so a loader skipping them would show.
    python(`
import torch, torchvision
torch.manual_seed(0)
m = torchvision.models.resnet50()
for mod in m.modules():
    if isinstance(mod, torch.nn.BatchNorm2d):
        mod.weight.data.uniform_(0.5, 1.5); mod.bias.data.uniform_(-0.5, 0.5)
        mod.running_mean.uniform_(-0.5, 0.5); mod.running_var.uniform_(0.5, 2.0)
        mod.num_batches_tracked.fill_(7)
torch.save(m.state_dict(), ${JSON.stringify(file)})
`);
    const fileSd = torchArrays(readWeightsFile(file).tensors);
    expect(fileSd.has('fc.weight') && fileSd.has('layer1.0.bn1.num_batches_tracked')).toBe(true);

    const model = buildModel(parseConfig({ ...TINY, backbone: 'resnet50', num_classes: 3 }), 1);
    const before = await stateDict(model);
    const { value: report, notes } = captureNotes(() => loadWeightsInto(model, file, true));
    expect(notes.join('\n')).toMatch(/torchvision ResNet weights: loaded into the backbone only/);
    const after = await stateDict(model);
    const backboneKeys = [...fileSd.keys()].filter((k) => !k.startsWith('fc.') && !k.endsWith('num_batches_tracked'));
    expect(report.loaded).toBe(backboneKeys.length);
    for (const k of backboneKeys) expect(same(after.get(`backbone.0.body.${k}`)!, fileSd.get(k)!), k).toBe(true);
    expect([...after.keys()].filter((k) => k.startsWith('backbone.0.')).length).toBe(backboneKeys.length);
    const rest = [...after.keys()].filter((k) => !k.startsWith('backbone.0.'));
    expect(report.missing.sort()).toEqual([...rest].sort());
    for (const k of rest) expect(same(after.get(k)!, before.get(k)!), `${k} changed`).toBe(true);
    model.dispose();

    // Another depth is refused, naming what does not fit.
    for (const [backbone, msg] of [
      ['resnet101', /torchvision ResNet weights lack backbone keys: backbone\.0\.body\.layer3\.6\./],
      ['resnet18', /shape mismatch for backbone\.0\.body\.layer1\.0\.conv1\.weight: file \[64,64,1,1\] vs model \[64,64,3,3\]/],
    ] as const) {
      const other = buildModel(parseConfig({ ...TINY, backbone, num_classes: 3 }), 1);
      expect(() => captureNotes(() => loadWeightsInto(other, file, true)), backbone).toThrow(msg);
      other.dispose();
    }
    // ... and so is a deeper ResNet's extra block (here: resnet50's keys plus one of layer3.6).
    const deeper = new Map(fileSd);
    deeper.set('layer3.6.conv1.weight', fileSd.get('layer3.5.conv1.weight')!);
    const r50 = buildModel(parseConfig({ ...TINY, backbone: 'resnet50', num_classes: 3 }), 1);
    expect(() => loadStateDict(r50, deeper)).toThrow(/torchvision ResNet weights have keys this backbone does not: backbone\.0\.body\.layer3\.6\.conv1\.weight/);
    r50.dispose();
  });

  it('a num_classes 91 training checkpoint loads into a num_classes 5 model with a fresh class head', async () => {
    await initNodeBackend('wasm');
    const base = { ...TINY, backbone: 'resnet18' };
    const coco = buildModel(parseConfig({ ...base, num_classes: 91 }), 3);
    const cocoSd = await stateDict(coco);
    coco.dispose();
    const st = join(dir, 'coco91.safetensors');
    writeFileSync(st, concatParts(writeSafetensors(new Map([...cocoSd].map(([k, a]) => [k, { dtype: 'float32' as const, shape: a.shape, data: a.data }])))));
    const ckpt = join(dir, 'checkpoint.pth');
    // main.py's checkpoint: model, optimizer, lr_scheduler, epoch, args (an argparse.Namespace).
    python(`
import argparse, collections, json, struct, torch
buf = open(${JSON.stringify(st)}, 'rb').read()
n = struct.unpack('<Q', buf[:8])[0]
header = json.loads(buf[8:8 + n])
sd = collections.OrderedDict()
for k, v in header.items():
    b, e = v['data_offsets']
    sd[k] = torch.frombuffer(bytearray(buf[8 + n + b:8 + n + e]), dtype=torch.float32).reshape(v['shape'])
opt = {'state': {0: {'step': torch.tensor(3.0), 'exp_avg': torch.zeros(2)}}, 'param_groups': [{'lr': 1e-4, 'weight_decay': 1e-4, 'params': [0]}]}
torch.save({'model': sd, 'optimizer': opt, 'lr_scheduler': {'step_size': 200, 'last_epoch': 299}, 'epoch': 299,
            'args': argparse.Namespace(backbone='resnet18', num_classes=91, lr=1e-4)}, ${JSON.stringify(ckpt)})
`);
    const model = buildModel(parseConfig({ ...base, num_classes: 5 }), 9);
    const before = await stateDict(model);
    const { value: report, notes } = captureNotes(() => loadWeightsInto(model, ckpt, true));
    expect(report.reinitialized.sort()).toEqual(['class_embed.bias', 'class_embed.weight']);
    expect(report.missing).toEqual([]);
    expect(report.unexpected).toEqual([]);
    expect(notes.join('\n')).toMatch(/class head re-initialised/);
    const after = await stateDict(model);
    expect(after.get('class_embed.weight')!.shape).toEqual([6, 64]);
    for (const [k, v] of after) {
      if (k.startsWith('class_embed.')) expect(same(v, before.get(k)!), `${k} kept its initialisation`).toBe(true);
      else expect(same(v, cocoSd.get(k)!), `${k} loaded`).toBe(true);
    }
    model.dispose();
  });
});
