/**
 * `detr-studio train --config C --data D --out O [--val D2] [--weights W] [--resume CKPT]
 *  [--max-iter N] [--backend wasm|cpu|webgpu] [--seed S] [--dump-grads F]`
 *
 * Writes O/metrics.jsonl (one JSON object per iteration), O/checkpoint_*.safetensors (+ O/last_checkpoint)
 * and, when the run ends without failure (finished, or stopped by Ctrl-C), O/model_final.safetensors
 * with the official DETR names. --resume takes a checkpoint file or an output folder (its
 * last_checkpoint); a resumed run appends to metrics.jsonl. --dump-grads writes the first iteration's
 * pre-clip gradients (official names, PyTorch layouts), for debugging.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
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
import { train } from '../engine/commands';
import { GradientDump } from '../engine/hooks/gradient_dump';
import { TrainControl } from '../engine/trainer';
import { CommonMetricPrinter, JSONWriter } from '../engine/writers';
import { writeSafetensors } from '../weights/safetensors';
import type { DetrConfig } from '../config/config';

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

/** --resume: a checkpoint file, or a folder whose last_checkpoint names one. */
function resolveResume(path: string): { bytes: Uint8Array; name: string } {
  if (!existsSync(path)) throw new UsageError(`--resume ${path}: no such file or folder`);
  let file = path;
  if (statSync(path).isDirectory()) {
    const pointer = join(path, 'last_checkpoint');
    if (!existsSync(pointer)) throw new Error(`--resume ${path}: the folder has no last_checkpoint (give the checkpoint file itself)`);
    file = join(path, readFileSync(pointer, 'utf8').trim());
    if (!existsSync(file)) throw new Error(`--resume ${path}: last_checkpoint names ${basename(file)}, which does not exist`);
  }
  const bytes = new Uint8Array(readFileSync(file));
  decodeCheckpoint(bytes, file); // refuse a wrong file before loading data and building the model
  return { bytes, name: file };
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

      mkdirSync(out, { recursive: true });
      const metrics = join(out, 'metrics.jsonl');
      if (!resume) writeFileSync(metrics, '');
      const store = new FolderCheckpointStore(out);
      const dumpPath = args['dump-grads'] as string | undefined;
      const extraHooks = dumpPath
        ? [new GradientDump((g) => writeParts(dumpPath, writeSafetensors(new Map([...g].map(([k, a]) => [k, { dtype: 'float32' as const, shape: a.shape, data: a.data }])))))]
        : [];
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
            config: cfg, loader, clock, store, maxIter, resume, extraHooks,
            weights: weights ? { tensors: torchArrays(weights.tensors), name: args.weights as string } : undefined,
            evaluator: val ? new CocoEvaluator(val, decoder, cfg, cfg.batch_size) : undefined,
            writers: [new JSONWriter((line) => appendFileSync(metrics, line + '\n')), new CommonMetricPrinter((line) => console.log(line))],
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
