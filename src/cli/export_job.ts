/**
 * `detr-studio export-job --run DIR --out JOB [--gpus N] [--checkpoint FILE] [--data D] [--val D2]`
 *
 * Writes a folder that continues the run with the official DETR on N GPUs (src/export/job_files.ts):
 * the run's datasets in COCO's layout, checkpoint.pth (the run's last checkpoint, or --checkpoint,
 * as main.py saves one), run.sh with the `torchrun --nproc_per_node=N main.py --resume ...` line,
 * README.md, config.json and job.json. The datasets come from DIR/run.json (written by `train`);
 * --data / --val override it (runs trained before run.json existed).
 */
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { CliCommand } from './main';
import { numberArg, parseArgs, UsageError } from './args';
import { parseRunRecord, RUN_FILE } from './run_record';
import { loadNodeDataset } from '../platform/node/dataset_source';
import { writeParts } from '../platform/node/weights_file';
import { decodeCheckpoint } from '../engine/checkpoint_format';
import { jobEntries, planJob } from '../export/job_files';
import { JOB_PATHS } from '../export/run_script';

const USAGE = 'detr-studio export-job --run DIR --out JOB [--gpus N] [--checkpoint FILE] [--data DATASET] [--val DATASET]';

const SPEC = {
  run: { kind: 'string', required: true },
  out: { kind: 'string', required: true },
  gpus: { kind: 'string' },
  checkpoint: { kind: 'string' },
  data: { kind: 'string' },
  val: { kind: 'string' },
} as const;

function checkpointPath(run: string, given?: string): string {
  if (given) {
    if (!existsSync(given)) throw new UsageError(`--checkpoint ${given}: no such file`);
    return given;
  }
  const pointer = join(run, 'last_checkpoint');
  if (!existsSync(pointer)) throw new Error(`--run ${run}: no last_checkpoint (train the run first, or give --checkpoint)`);
  const file = join(run, readFileSync(pointer, 'utf8').trim());
  if (!existsSync(file)) throw new Error(`--run ${run}: last_checkpoint names ${file}, which does not exist`);
  return file;
}

function dataPaths(run: string, data?: string, val?: string): { data: string; val: string | null } {
  const file = join(run, RUN_FILE);
  if (data) return { data, val: val ?? null };
  if (!existsSync(file)) throw new Error(`--run ${run}: no ${RUN_FILE} saying where the run's data is (runs trained before it existed: give --data and --val)`);
  const rec = parseRunRecord(readFileSync(file, 'utf8'), file);
  return { data: rec.data, val: val ?? rec.val };
}

export const command: CliCommand = {
  summary: 'write a job folder that continues a run with the official DETR on many GPUs (torchrun)',
  async run(argv: string[]): Promise<void> {
    const args = parseArgs(argv, SPEC, USAGE);
    const run = args.run as string;
    const out = args.out as string;
    const gpus = numberArg(args, 'gpus', 1, true);
    if (gpus < 1) throw new UsageError(`--gpus expects a positive integer, got ${gpus}`);
    if (!existsSync(run) || !statSync(run).isDirectory()) throw new UsageError(`--run ${run}: no such folder`);
    if (existsSync(out) && (!statSync(out).isDirectory() || readdirSync(out).length > 0)) {
      throw new UsageError(`--out ${out}: already exists and is not an empty folder (choose a new one)`);
    }
    const ckptFile = checkpointPath(run, args.checkpoint as string | undefined);
    const checkpoint = decodeCheckpoint(new Uint8Array(readFileSync(ckptFile)), ckptFile);
    const paths = dataPaths(run, args.data as string | undefined, args.val as string | undefined);
    const train = await loadNodeDataset(paths.data);
    const val = paths.val ? await loadNodeDataset(paths.val) : undefined;
    try {
      const input = { checkpoint, train, val, gpus };
      const plan = planJob(input);
      for (const n of plan.notes) console.error(`note: ${n}`);
      mkdirSync(out, { recursive: true });
      let images = 0;
      for await (const f of jobEntries(input, plan)) {
        const path = join(out, ...f.path.split('/'));
        mkdirSync(dirname(path), { recursive: true });
        writeParts(path, f.parts);
        if (/^data\/(train|val)2017\//.test(f.path)) images++;
      }
      chmodSync(join(out, JOB_PATHS.runScript), 0o755);
      console.log(
        `wrote ${out}: ${JOB_PATHS.checkpoint} (iteration ${checkpoint.iteration}; main.py resumes at epoch ${plan.official.epoch + 1}), ` +
          `${images} images, ${JOB_PATHS.runScript} for ${gpus} GPU${gpus === 1 ? '' : 's'}. Next: bash ${join(out, JOB_PATHS.runScript)}`,
      );
    } finally {
      await train.source.close?.();
      await val?.source.close?.();
    }
  },
};
