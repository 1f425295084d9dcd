/**
 * What the model commands share: read the config, start a backend, build the model, load weights
 * (official names; .pth or .safetensors), and write a JSON result to --out or stdout.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseConfigText, type DetrConfig } from '../config/config';
import { buildModel } from '../model/build';
import type { DETR } from '../model/detr';
import { loadStateDict, type LoadReport, type TorchArray } from '../model/state_dict';
import { initNodeBackend, NODE_BACKENDS, type BackendInfo, type NodeBackendName } from '../platform/node/backend';
import { readWeightsFile } from '../platform/node/weights_file';
import { toFloat32, type TensorMap } from '../weights/types';
import { UsageError } from './args';
import { fitClassHead } from '../export/class_head';

export function readConfigFile(path: string): DetrConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new UsageError(`--config ${path}: no such file`);
  }
  try {
    return parseConfigText(text, path);
  } catch (e) {
    throw new Error(`${path}: ${(e as Error).message}`);
  }
}

export function backendArg(v: unknown): NodeBackendName {
  const name = (v ?? 'wasm') as string;
  if (!(NODE_BACKENDS as readonly string[]).includes(name)) throw new UsageError(`--backend ${name}: choose one of ${NODE_BACKENDS.join(', ')}`);
  return name as NodeBackendName;
}

export function torchArrays(tensors: TensorMap): Map<string, TorchArray> {
  return new Map([...tensors].map(([k, t]) => [k, { shape: t.shape, data: toFloat32(t) }]));
}

/** Loads a weights file into the model; throws naming the file and the problem. */
export function loadWeightsInto(model: DETR, path: string, strict: boolean): LoadReport {
  const sd = readWeightsFile(path);
  for (const note of sd.extras.notes) console.error(`note: ${note}`);
  try {
    // A head widened to the official 91 classes on export comes back at the config's num_classes.
    const fit = fitClassHead(torchArrays(sd.tensors), model.o.numClasses);
    if (fit.note) console.error(`note: ${fit.note}`);
    const report = loadStateDict(model, fit.tensors, { allowMissing: !strict });
    for (const note of report.notes) console.error(`note: ${note}`);
    return report;
  } catch (e) {
    throw new Error(`${path}: ${(e as Error).message}`);
  }
}

export interface ModelSetup {
  cfg: DetrConfig;
  model: DETR;
  backend: BackendInfo;
}

/** Config + backend + model (+ weights, all keys required unless `strict` is false). */
export async function setupModel(opts: { config: string; weights?: string; backend?: unknown; strict?: boolean }): Promise<ModelSetup> {
  const cfg = readConfigFile(opts.config);
  const backend = await initNodeBackend(backendArg(opts.backend));
  const model = buildModel(cfg);
  if (opts.weights) loadWeightsInto(model, opts.weights, opts.strict ?? true);
  return { cfg, model, backend };
}

/** Writes a JSON result to `out` (a file) or stdout. */
export function writeJson(value: unknown, out?: string): void {
  const text = JSON.stringify(value) + '\n';
  if (out) writeFileSync(out, text);
  else process.stdout.write(text);
}
