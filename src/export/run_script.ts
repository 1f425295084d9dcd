/**
 * The job's run.sh: one `torchrun --nproc_per_node=N main.py ...` line that resumes the exported
 * checkpoint with every config value as main.py's flag. Paths are relative to the job folder (run.sh
 * finds it), the official code is $DETR_DIR (default ./detr), and extra arguments are appended so
 * that `bash run.sh --epochs 500` or `--device cpu` override (argparse keeps the last value).
 */
import type { DetrConfig } from '../config/config';
import { OFFICIAL_COMMIT, OFFICIAL_COMMIT_SHORT, OFFICIAL_REPO, officialFlags } from './official_args';

/** The folders and files of a job, relative to its root. */
export const JOB_PATHS = Object.freeze({
  data: 'data',
  checkpoint: 'checkpoint.pth',
  output: 'output',
  runScript: 'run.sh',
  readme: 'README.md',
  config: 'config.json',
  manifest: 'job.json',
});

/** Quotes a word for bash when it needs it. */
export function shellWord(w: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`;
}

/** The main.py arguments after the script: paths, then the config as flags. */
export function mainPyArgs(cfg: DetrConfig): string[] {
  return [
    '--coco_path', `"$HERE/${JOB_PATHS.data}"`,
    '--resume', `"$HERE/${JOB_PATHS.checkpoint}"`,
    '--output_dir', `"$HERE/${JOB_PATHS.output}"`,
    ...officialFlags(cfg).map(shellWord),
  ];
}

/** The launcher: torchrun with one process per GPU. */
export function launcher(gpus: number): string {
  if (!(Number.isInteger(gpus) && gpus >= 1)) throw new Error(`--gpus must be an integer >= 1, got ${gpus}`);
  return `torchrun --nproc_per_node=${gpus}`;
}

export function runScript(cfg: DetrConfig, gpus: number): string {
  const args = mainPyArgs(cfg);
  const lines: string[] = [];
  for (let i = 0; i < args.length; ) {
    const takesValue = i + 1 < args.length && !args[i + 1].startsWith('--');
    lines.push(`  ${takesValue ? `${args[i]} ${args[i + 1]}` : args[i]} \\`);
    i += takesValue ? 2 : 1;
  }
  return [
    '#!/usr/bin/env bash',
    `# Continues a detr-studio run with the official DETR (${OFFICIAL_REPO} at ${OFFICIAL_COMMIT_SHORT})`,
    `# on ${gpus} GPU${gpus === 1 ? '' : 's'}. See README.md. Extra arguments go to main.py (e.g. --epochs 500).`,
    'set -euo pipefail',
    'HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"',
    'DETR_DIR="${DETR_DIR:-$HERE/detr}"',
    'if [ ! -f "$DETR_DIR/main.py" ]; then',
    `  echo "no \\$DETR_DIR/main.py ($DETR_DIR): git clone ${OFFICIAL_REPO} \\"$DETR_DIR\\" && git -C \\"$DETR_DIR\\" checkout ${OFFICIAL_COMMIT}" >&2`,
    '  exit 1',
    'fi',
    `${launcher(gpus)} "$DETR_DIR/main.py" \\`,
    ...lines,
    '  "$@"',
    '',
  ].join('\n');
}
