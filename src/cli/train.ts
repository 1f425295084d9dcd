/**
 * `detr-studio train --config C --data D --out O [--val D2] [--weights W] [--resume CKPT]
 *  [--max-iter N] [--backend wasm|cpu|webgpu] [--seed S] [--dump-grads F]`
 *
 * Writes O/metrics.jsonl (one JSON object per iteration), O/checkpoint_*.safetensors (+ O/last_checkpoint)
 * and, when the run ends without failure (finished, or stopped by Ctrl-C), O/model_final.safetensors
 * with the official DETR names. Also O/run.json (where the data came from and the config, for
 * `export-job`), O/log.txt (DETR's per-epoch log, src/export/detr_log.ts) and a TensorBoard event
 * file O/events.out.tfevents.* (every scalar, continuously). --resume takes a checkpoint file, an
 * output folder (its last_checkpoint), or the checkpoint.pth the official main.py writes (its head
 * narrowed back, src/export/official_import.ts); a resumed run appends to metrics.jsonl and log.txt.
 * --dump-grads writes the first iteration's pre-clip gradients (official names, PyTorch layouts),
 * for debugging.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, join, resolve } from 'node:path';
import type { CliCommand } from './main';
import { numberArg, parseArgs, UsageError } from './args';
import { backendArg, readConfigFile, torchArrays } from './model_setup';
import { initNodeBackend } from '../platform/node/backend';
import { FolderCheckpointStore } from '../platform/node/checkpoint_store';
import { loadNodeDataset } from '../platform/node/dataset_source';
import { NodeImageDecoder } from '../platform/node/image_decoder';
import { readWeightsFile, writeParts } from '../platform/node/weights_file';
import { buildTrainLoader } from '../data/loader';
import type { Dataset } from '../data/dataset';
import { asBatchLoader } from '../engine/batch_loader';
import { CocoEvaluator } from '../engine/coco_evaluator';
import { decodeCheckpoint } from '../engine/checkpoint_format';
import { train, type ResumeTemplate } from '../engine/commands';
import { GradientDump } from '../engine/hooks/gradient_dump';
import { TrainControl } from '../engine/trainer';
import { CommonMetricPrinter, JSONWriter } from '../engine/writers';
import { concatParts, writeSafetensors } from '../weights/safetensors';
import type { DetrConfig } from '../config/config';
import { buildWeightDict } from '../model/build';
import { encodeCheckpoint } from '../engine/checkpoint_format';
import { detectWeightsFormat } from '../weights/state_dict_file';
import { readPth } from '../weights/pth/read';
import type { PyValue } from '../weights/pth/py_values';
import { DetrLogHook } from '../export/detr_log_hook';
import { TensorBoardWriter } from '../export/tensorboard_writer';
import { eventFileName } from '../export/tfevents';
import { fitClassHead, HEAD_BIAS, HEAD_WEIGHT, OFFICIAL_NUM_CLASSES, widenedFrom } from '../export/class_head';
import { isOfficialTrainingCheckpoint, officialStateDict, officialToCheckpoint } from '../export/official_import';
import { RUN_FILE, runRecord } from './run_record';

const USAGE =
  'detr-studio train --config C --data DATASET --out DIR [--val DATASET] [--weights W] [--resume CKPT|DIR] [--max-iter N] [--backend wasm|cpu|webgpu] [--seed S]';

const SPEC = {
  config: { kind: 'string', required: true },
  data: { kind: 'string', required: true },
  out: { kind: 'string', required: true },
  val: { kind: 'string' },
  weights: { kind: 'string' },
  resume: { kind: 'string' },
  'max-iter': { kind: 'string' },
  backend: { kind: 'string' },
  seed: { kind: 'string' },
  'dump-grads': { kind: 'string' },
} as const;

const clock = { now: () => performance.now() / 1000 };

interface ResumeSource {
  bytes: Uint8Array;
  name: string;
  /** The official main.py's checkpoint.pth, read as data. */
  official?: PyValue;
}

/** --resume: a checkpoint file, a folder whose last_checkpoint names one, or an official checkpoint.pth. */
function resolveResume(path: string): ResumeSource {
  if (!existsSync(path)) throw new UsageError(`--resume ${path}: no such file or folder`);
  let file = path;
  if (statSync(path).isDirectory()) {
    const pointer = join(path, 'last_checkpoint');
    if (!existsSync(pointer)) throw new Error(`--resume ${path}: the folder has no last_checkpoint (give the checkpoint file itself)`);
    file = join(path, readFileSync(pointer, 'utf8').trim());
    if (!existsSync(file)) throw new Error(`--resume ${path}: last_checkpoint names ${basename(file)}, which does not exist`);
  }
  const bytes = new Uint8Array(readFileSync(file));
  if (detectWeightsFormat(bytes) === 'pth') {
    const root = readPth(bytes, file).root;
    if (!isOfficialTrainingCheckpoint(root)) throw new Error(`${file}: a .pth without optimizer, lr_scheduler and epoch is weights only: give it to --weights, not --resume`);
    return { bytes, name: file, official: root };
  }
  decodeCheckpoint(bytes, file); // refuse a wrong file before loading data and building the model
  return { bytes, name: file };
}

/**
 * The config for resuming an official checkpoint: a 92-output head whose classes above num_classes
 * were trained keeps 91 classes (and says so); one we widened is narrowed on import.
 */
function officialResumeConfig(cfg: DetrConfig, root: PyValue, file: string): DetrConfig {
  const sd = officialStateDict(root, file);
  const w = sd.get(HEAD_WEIGHT);
  const b = sd.get(HEAD_BIAS);
  if (!w || !b || b.shape[0] !== OFFICIAL_NUM_CLASSES + 1 || cfg.num_classes >= OFFICIAL_NUM_CLASSES) return cfg;
  const from = widenedFrom(w, b);
  if (from <= cfg.num_classes) return cfg;
  console.error(`note: ${file}: class rows ${cfg.num_classes}..${from - 1} of its 91-class head were trained, so the run continues with num_classes ${OFFICIAL_NUM_CLASSES} (not ${cfg.num_classes})`);
  return { ...cfg, num_classes: OFFICIAL_NUM_CLASSES };
}

/** The official checkpoint as our checkpoint bytes, for the session's structure. */
function fromOfficial(root: PyValue, t: ResumeTemplate, name: string): Uint8Array {
  const r = officialToCheckpoint(root, t, name);
  for (const n of r.notes) console.error(`note: ${n}`);
  console.log(`official checkpoint: epoch ${r.epoch} done, continuing at epoch ${r.epoch + 1} (iteration ${r.contents.iteration})`);
  return concatParts(encodeCheckpoint(r.contents));
}

function checkClasses(cfg: DetrConfig, ds: Dataset, flag: string): void {
  if (ds.numClasses > cfg.num_classes) {
    throw new Error(
      `${flag} ${ds.name}: category id ${ds.numClasses - 1} does not fit num_classes ${cfg.num_classes} (DETR's num_classes is the max category id + 1: set "num_classes": ${ds.numClasses} in the config)`,
    );
  }
}

export const command: CliCommand = {
  summary: 'train DETR on a COCO dataset (metrics.jsonl, checkpoints, model_final.safetensors)',
  async run(argv: string[]): Promise<void> {
    const args = parseArgs(argv, SPEC, USAGE);
    let cfg = readConfigFile(args.config as string);
    if (args.seed !== undefined) cfg = { ...cfg, seed: numberArg(args, 'seed', cfg.seed, true) };
    const maxIter = args['max-iter'] === undefined ? undefined : numberArg(args, 'max-iter', 0, true);
    if (maxIter !== undefined && maxIter < 1) throw new UsageError(`--max-iter expects a positive integer, got ${maxIter}`);
    const out = args.out as string;
    const resume = args.resume ? resolveResume(args.resume as string) : undefined;
    if (resume?.official) cfg = officialResumeConfig(cfg, resume.official, resume.name);
    const backend = await initNodeBackend(backendArg(args.backend));

    const ds = await loadNodeDataset(args.data as string);
    const val = args.val ? await loadNodeDataset(args.val as string) : undefined;
    try {
      checkClasses(cfg, ds, '--data');
      if (val) checkClasses(cfg, val, '--val');
      for (const w of ds.warnings) console.error(`warning: ${w.message}`);
      const decoder = new NodeImageDecoder();
      const loader = asBatchLoader(buildTrainLoader(cfg, ds, decoder, { onWarning: (w) => console.error(`warning: ${w.message}`) }));
      const weights = args.weights && !resume ? readWeightsFile(args.weights as string) : undefined;
      for (const note of weights?.extras.notes ?? []) console.error(`note: ${note}`);
      const initial = weights ? fitClassHead(torchArrays(weights.tensors), cfg.num_classes) : undefined;
      if (initial?.note) console.error(`note: ${initial.note}`);

      mkdirSync(out, { recursive: true });
      const metrics = join(out, 'metrics.jsonl');
      const detrLog = join(out, 'log.txt');
      if (!resume) (writeFileSync(metrics, ''), writeFileSync(detrLog, ''));
      writeFileSync(join(out, RUN_FILE), JSON.stringify(runRecord(cfg, resolve(args.data as string), args.val ? resolve(args.val as string) : null), null, 2) + '\n');
      const wallTime = () => Date.now() / 1000;
      const events = join(out, eventFileName(wallTime(), hostname()));
      const store = new FolderCheckpointStore(out);
      const dumpPath = args['dump-grads'] as string | undefined;
      const extraHooks = [
        new DetrLogHook((line) => appendFileSync(detrLog, line + '\n'), buildWeightDict(cfg)),
        ...(dumpPath ? [new GradientDump((g) => writeParts(dumpPath, writeSafetensors(new Map([...g].map(([k, a]) => [k, { dtype: 'float32' as const, shape: a.shape, data: a.data }])))))] : []),
      ];
      console.log(`training on ${backend.name}${backend.adapter ? ` (${backend.adapter})` : ''}: ${ds.images.length} images, ${loader.batchesPerEpoch} iteration${loader.batchesPerEpoch === 1 ? '' : 's'} per epoch`);

      const control = new TrainControl();
      const onSigint = () => {
        console.error('stopping after this iteration (Ctrl-C again to abort)...');
        control.stop();
        process.once('SIGINT', () => process.exit(130));
      };
      process.once('SIGINT', onSigint);
      let result;
      try {
        result = await train(
          {
            config: cfg, loader, clock, store, maxIter, extraHooks,
            resume: resume?.official ? { name: resume.name, convert: (t) => fromOfficial(resume.official!, t, resume.name) } : resume,
            weights: initial ? { tensors: initial.tensors, name: args.weights as string } : undefined,
            evaluator: val ? new CocoEvaluator(val, decoder, cfg, cfg.batch_size) : undefined,
            writers: [
              new JSONWriter((line) => appendFileSync(metrics, line + '\n')),
              new TensorBoardWriter((bytes) => appendFileSync(events, bytes), wallTime),
              new CommonMetricPrinter((line) => console.log(line)),
            ],
            writePeriod: 20,
            log: (line) => console.log(line),
            onCheckpoint: (s) => console.log(`saved ${join(out, s.name)} (iteration ${s.iteration})`),
          },
          control,
        );
      } finally {
        process.removeListener('SIGINT', onSigint);
      }
      const final = join(out, 'model_final.safetensors');
      await store.save(basename(final), await result.session.weightsParts());
      result.session.dispose();
      console.log(`${result.status === 'finished' ? 'finished' : 'stopped'} after ${result.iterations} iterations; wrote ${final}`);
    } finally {
      await ds.source.close?.();
      await val?.source.close?.();
    }
  },
};
