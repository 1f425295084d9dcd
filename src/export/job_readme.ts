/**
 * The job's README.md: what the folder holds, the official commit it targets, how to run it, what
 * differs from the studio run, and how to come back.
 */
import type { DetrConfig } from '../config/config';
import { OFFICIAL_NUM_CLASSES } from './class_head';
import { KEYS_WITHOUT_FLAG, OFFICIAL_COMMIT, OFFICIAL_COMMIT_SHORT, OFFICIAL_REPO } from './official_args';
import { JOB_PATHS } from './run_script';

export interface ReadmeInput {
  config: DetrConfig;
  gpus: number;
  /** checkpoint['epoch'] (last completed epoch); main.py starts at epoch + 1. */
  epoch: number;
  iteration: number;
  itersPerEpoch: number;
  lrs: number[];
  widened: boolean;
  trainImages: number;
  valImages: number;
  /** True when the run had no validation split and the training images double as val2017. */
  valIsTrain: boolean;
  notes: string[];
}

export function jobReadme(r: ReadmeInput): string {
  const c = r.config;
  const perGpu = Math.ceil(r.trainImages / r.gpus);
  const officialIters = Math.floor(perGpu / c.batch_size);
  const differences: string[] = [];
  if (r.widened) {
    differences.push(
      `- **Classes.** main.py builds ${OFFICIAL_NUM_CLASSES} classes (92 logits) for COCO whatever the data. The run's ` +
        `num_classes is ${c.num_classes}, so the class head in checkpoint.pth is widened: rows 0..${c.num_classes - 1} are ` +
        `the run's, rows ${c.num_classes}..90 are impossible classes (weight 0, bias -1e4: probability exactly 0, gradient ` +
        `exactly 0, so every prediction and loss is unchanged and they stay impossible), row 91 is no-object. ` +
        `detr-studio narrows it back when you import the result.`,
    );
  }
  if (c.num_classes > OFFICIAL_NUM_CLASSES) {
    differences.push(
      `- **Category ids above 90: edit one line before running.** In \`models/detr.py\` \`build()\`, replace ` +
        `\`num_classes = 20 if args.dataset_file != 'coco' else 91\` with \`num_classes = ${c.num_classes}\`.`,
    );
  }
  const sizeNote = c.min_size !== 800 || c.max_size !== 1333 || !c.augment;
  if (sizeNote) {
    differences.push(
      `- **Image sizes and augmentation.** main.py has no flag for min_size/max_size/augment: datasets/coco.py trains ` +
        `at 480..800 px (flip, multi-scale, random crop) and evaluates at 800 px, max 1333. The run used min_size ` +
        `${c.min_size}, max_size ${c.max_size}, augment ${c.augment}. To keep them, edit \`scales\` and \`max_size\` in ` +
        `\`make_coco_transforms\` of datasets/coco.py.`,
    );
  }
  differences.push(
    `- **Batch.** --batch_size ${c.batch_size} is per GPU: ${r.gpus} GPU${r.gpus === 1 ? '' : 's'} train on ${r.gpus * c.batch_size} ` +
      `images per step, ${officialIters} steps per epoch (the studio: ${r.itersPerEpoch}). An epoch is still one pass over the data, ` +
      `so epoch numbers and the LR schedule (StepLR every ${c.lr_drop} epochs) carry over unchanged.`,
  );
  for (const key of ['warmup_iters', 'checkpoint_period', 'eval_period'] as const) {
    differences.push(`- \`${key}\` (${c[key]}): ${KEYS_WITHOUT_FLAG[key]}.`);
  }
  if (r.valIsTrain) differences.push('- **Validation.** The run had no validation split; main.py always evaluates, so val2017 holds the training images.');
  return [
    '# Continue this detr-studio run with the official DETR',
    '',
    `This folder resumes a detr-studio training run with the official PyTorch DETR, ${OFFICIAL_REPO} at commit ` +
      `\`${OFFICIAL_COMMIT}\` (${OFFICIAL_COMMIT_SHORT}), on ${r.gpus} GPU${r.gpus === 1 ? '' : 's'} with \`torchrun\`.`,
    '',
    '| file | what |',
    '| --- | --- |',
    `| \`${JOB_PATHS.runScript}\` | the \`torchrun ... main.py --resume checkpoint.pth\` command with every config value as main.py's flag |`,
    `| \`${JOB_PATHS.checkpoint}\` | the run at iteration ${r.iteration}: model, AdamW state, StepLR state, \`epoch\` ${r.epoch}, \`args\` as plain data (dicts, lists, numbers, strings, tensors; no argparse.Namespace) |`,
    `| \`${JOB_PATHS.data}/\` | the dataset in COCO's layout: train2017/ (${r.trainImages} images), val2017/ (${r.valImages}), annotations/instances_{train,val}2017.json |`,
    `| \`${JOB_PATHS.config}\` | the studio config of the run (to come back) |`,
    `| \`${JOB_PATHS.manifest}\` | what was exported (iteration, epoch, iterations per epoch, class head) |`,
    '',
    '## Run',
    '',
    '```bash',
    `git clone ${OFFICIAL_REPO} detr && git -C detr checkout ${OFFICIAL_COMMIT_SHORT}`,
    'pip install torch torchvision scipy cython "git+https://github.com/cocodataset/cocoapi.git#subdirectory=PythonAPI"',
    `bash ${JOB_PATHS.runScript}                  # or DETR_DIR=/path/to/detr bash ${JOB_PATHS.runScript}; extra flags are passed on`,
    '```',
    '',
    `main.py resumes at epoch ${r.epoch + 1} (checkpoint['epoch'] + 1) with lr ${r.lrs[0]} and lr_backbone ${r.lrs[1] ?? '-'}, the AdamW ` +
      `moments and the StepLR state of the run, trains until --epochs ${c.epochs} and writes ${JOB_PATHS.output}/checkpoint.pth and ` +
      `${JOB_PATHS.output}/log.txt after every epoch. torchrun needs CUDA (main.py's distributed mode uses NCCL); on a machine ` +
      'without a GPU run `python3 detr/main.py` with the same arguments and `--device cpu`.',
    '',
    '## Differences from the studio run',
    '',
    ...differences,
    ...(r.notes.length ? ['', '## Notes from the export', '', ...r.notes.map((n) => `- ${n}`)] : []),
    '',
    '## Come back',
    '',
    '```bash',
    `npx detr-studio train --config ${JOB_PATHS.config} --data <train data> --out <dir> --resume ${JOB_PATHS.output}/checkpoint.pth   # continue here`,
    `npx detr-studio predict --config ${JOB_PATHS.config} --weights ${JOB_PATHS.output}/checkpoint.pth --images ...                  # use the weights`,
    '```',
    '',
    `On the page, drop \`${JOB_PATHS.output}/checkpoint.pth\` on the weights input and \`${JOB_PATHS.output}/log.txt\` on the charts.`,
    '',
  ].join('\n');
}
