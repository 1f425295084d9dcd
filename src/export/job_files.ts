/**
 * A job folder that continues a studio run with the official DETR on many GPUs (`export-job` in the
 * CLI, a zip on the page): README.md, run.sh, checkpoint.pth (official_checkpoint.ts), config.json,
 * job.json and data/ in COCO's layout (coco_layout.ts).
 *
 * `jobEntries` yields the files one at a time (images are read from the dataset's source as they are
 * yielded, so the CLI never holds the dataset in memory); `buildJobFiles` collects them into a map of
 * path -> bytes for the page, which zips it (fflate's zipSync takes such a map as an object).
 */
import type { CheckpointContents } from '../engine/checkpoint_format';
import type { Dataset } from '../data/dataset';
import { concatParts } from '../weights/safetensors';
import { writePth } from '../weights/pth/write';
import { officialSplit } from './coco_layout';
import { toOfficialCheckpoint, type OfficialCheckpoint } from './official_checkpoint';
import { OFFICIAL_COMMIT } from './official_args';
import { jobReadme } from './job_readme';
import { JOB_PATHS, runScript } from './run_script';

export interface JobInput {
  checkpoint: CheckpointContents;
  /** The run's training set (the images it iterated over). */
  train: Dataset;
  /** The run's validation set; absent: the training set doubles as val2017 (main.py always evaluates). */
  val?: Dataset;
  /** GPUs for torchrun (default 1). */
  gpus?: number;
}

export interface JobFile {
  /** '/'-separated path inside the job. */
  path: string;
  /** The file's bytes, as parts to write one after another. */
  parts: Uint8Array[];
}

export interface JobPlan {
  official: OfficialCheckpoint;
  itersPerEpoch: number;
  gpus: number;
  notes: string[];
}

const text = (s: string) => new TextEncoder().encode(s);

/** What the job will hold, before any image is read: the official checkpoint and the notes. */
export function planJob(input: JobInput): JobPlan {
  const cfg = input.checkpoint.config;
  const gpus = input.gpus ?? 1;
  if (!(Number.isInteger(gpus) && gpus >= 1)) throw new Error(`gpus must be an integer >= 1, got ${gpus}`);
  const itersPerEpoch = Math.floor(input.train.images.length / cfg.batch_size);
  if (itersPerEpoch < 1) throw new Error(`${input.train.name}: ${input.train.images.length} images are fewer than batch_size ${cfg.batch_size}`);
  if (input.train.numClasses > cfg.num_classes) {
    throw new Error(`${input.train.name}: category id ${input.train.numClasses - 1} does not fit the checkpoint's num_classes ${cfg.num_classes} (is this the run's dataset?)`);
  }
  const official = toOfficialCheckpoint(input.checkpoint, {
    itersPerEpoch,
    job: { coco_path: JOB_PATHS.data, output_dir: JOB_PATHS.output, resume: JOB_PATHS.checkpoint, world_size: gpus },
  });
  const notes = [...official.notes];
  if (!input.val) notes.push('no validation split: val2017 holds the training images');
  return { official, itersPerEpoch, gpus, notes };
}

/** The job's files, one at a time: text files, the checkpoint, then annotations and images per split. */
export async function* jobEntries(input: JobInput, plan = planJob(input)): AsyncGenerator<JobFile> {
  const cfg = input.checkpoint.config;
  const val = input.val ?? input.train;
  yield {
    path: JOB_PATHS.readme,
    parts: [
      text(
        jobReadme({
          config: cfg,
          gpus: plan.gpus,
          epoch: plan.official.epoch,
          iteration: input.checkpoint.iteration,
          itersPerEpoch: plan.itersPerEpoch,
          lrs: plan.official.lrs,
          widened: plan.official.widened,
          trainImages: input.train.images.length,
          valImages: val.images.length,
          valIsTrain: !input.val,
          notes: plan.notes,
        }),
      ),
    ],
  };
  yield { path: JOB_PATHS.runScript, parts: [text(runScript(cfg, plan.gpus))] };
  yield { path: JOB_PATHS.config, parts: [text(JSON.stringify(cfg, null, 2) + '\n')] };
  const manifest = {
    format: 'detr-studio-job',
    version: 1,
    official_commit: OFFICIAL_COMMIT,
    gpus: plan.gpus,
    iteration: input.checkpoint.iteration,
    epoch: plan.official.epoch,
    iters_per_epoch: plan.itersPerEpoch,
    num_classes: cfg.num_classes,
    class_head_widened: plan.official.widened,
    lrs: plan.official.lrs,
    notes: plan.notes,
  };
  yield { path: JOB_PATHS.manifest, parts: [text(JSON.stringify(manifest, null, 2) + '\n')] };
  yield { path: JOB_PATHS.checkpoint, parts: writePth(plan.official.root, { stem: 'checkpoint' }) };
  for (const [split, ds] of [['train', input.train], ['val', val]] as const) {
    const files = officialSplit(ds, split);
    yield { path: `${JOB_PATHS.data}/${files.annotationsPath}`, parts: [text(JSON.stringify(files.annotations))] };
    for (const im of files.images) yield { path: `${JOB_PATHS.data}/${im.to}`, parts: [await ds.source.read(im.from)] };
  }
}

/** Every file of the job in memory (the page zips this map). */
export async function buildJobFiles(input: JobInput): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>();
  for await (const f of jobEntries(input)) out.set(f.path, f.parts.length === 1 ? f.parts[0] : concatParts(f.parts));
  return out;
}
