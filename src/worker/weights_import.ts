/**
 * Weights a user gives the page (`weights-input`): an official DETR checkpoint (.pth, `{'model': sd}`),
 * a torchvision ResNet state dict for the backbone, a .safetensors (ours or converted), or one of our
 * training checkpoints. Read as data (src/weights), kept for the next run, and checked against a
 * config with loadStateDict's own report: what loads, what keeps its initialisation (the class head
 * for another num_classes), what does not fit.
 */
import type { DetrConfig } from '../config/config';
import { buildModel } from '../model/build';
import { fromTorchvisionResnet, loadStateDict, type LoadReport, type TorchArray } from '../model/state_dict';
import { preferredLeadingPad, readStateDict, type StateDictFile } from '../weights/state_dict_file';
import { toFloat32 } from '../weights/types';
import type { WeightsFit, WeightsSummary } from './protocol';

export interface ImportedWeights {
  name: string;
  tensors: Map<string, TorchArray>;
  summary: WeightsSummary;
}

const HEAD_BYTES = 4 << 20;

/** A file's bytes, placed so that a legacy .pth's storages can be zero-copy views (see weights/). */
export async function readFileBytes(file: Blob): Promise<Uint8Array> {
  const head = new Uint8Array(await file.slice(0, Math.min(file.size, HEAD_BYTES)).arrayBuffer());
  const pad = preferredLeadingPad(head);
  if (pad === 0) return new Uint8Array(await file.arrayBuffer());
  const bytes = new Uint8Array(new ArrayBuffer(file.size + pad), pad, file.size);
  bytes.set(new Uint8Array(await file.arrayBuffer()));
  return bytes;
}

function kindOf(sd: StateDictFile, tensors: Map<string, TorchArray>): string {
  if (sd.extras.metadata.format === 'detr-studio-checkpoint') return 'detr-studio training checkpoint (its weights)';
  if (fromTorchvisionResnet(tensors)) return 'torchvision ResNet backbone';
  if (tensors.has('class_embed.weight') && tensors.has('query_embed.weight')) return sd.format === 'pth' ? 'DETR checkpoint (.pth)' : 'DETR weights (.safetensors)';
  return 'partial state dict';
}

/** Reads a weights file; throws one sentence naming the file when it is not one. */
export function readWeights(bytes: Uint8Array, fileName: string): ImportedWeights {
  const sd = readStateDict(bytes, fileName);
  const tensors = new Map([...sd.tensors].map(([k, t]) => [k, { shape: t.shape, data: toFloat32(t) }]));
  return { name: fileName, tensors, summary: { fileName, tensors: tensors.size, kind: kindOf(sd, tensors), warnings: sd.extras.notes } };
}

/** One line naming a config: "resnet18 · hidden 64 · 2+2 layers · 10 queries · 5 classes". */
export function describeConfig(cfg: DetrConfig): string {
  return `${cfg.backbone}${cfg.dilation ? '-DC5' : ''} · hidden ${cfg.hidden_dim} · ${cfg.enc_layers}+${cfg.dec_layers} layers · ${cfg.num_queries} queries · num_classes ${cfg.num_classes}`;
}

export function fitOf(report: LoadReport, cfg: DetrConfig): WeightsFit {
  return { against: describeConfig(cfg), loaded: report.loaded, reinitialized: report.reinitialized, missing: report.missing };
}

/**
 * How the weights fit the model of `cfg`: built, loaded with the rules training uses, and disposed.
 * A file that does not fit gives `error` (the message loadStateDict names the keys with).
 */
export function checkFit(w: ImportedWeights, cfg: DetrConfig): WeightsFit {
  const model = buildModel(cfg);
  try {
    return fitOf(loadStateDict(model, w.tensors), cfg);
  } catch (e) {
    return { against: describeConfig(cfg), loaded: 0, reinitialized: [], missing: [], error: `${w.name}: ${(e as Error).message}` };
  } finally {
    model.dispose();
  }
}
