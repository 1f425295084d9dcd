/**
 * `detr-studio inspect --data D [--split S] [--decode]`: reads and validates a COCO dataset as the page
 * does, and prints one JSON object:
 *   {"images": N, "annotations": M, "categories": K, "warnings": ["...", ...]}
 * N = images that can be used (listed, found, readable), M = boxes DETR trains on (crowd, empty and
 * outside boxes excluded), K = categories listed. Every image is read and its header parsed (with
 * --decode, fully decoded). A refused dataset exits non-zero with one line saying why.
 */
import { parseArgs } from './args';
import type { CliCommand } from './main';
import { validateDataset } from '../data/validate';
import { NodeImageDecoder } from '../platform/node/image_decoder';
import { loadNodeDataset } from '../platform/node/dataset_source';

const USAGE = 'detr-studio inspect --data DATASET [--split train|val|test] [--decode]';

export const command: CliCommand = {
  summary: 'validate a COCO dataset (folder, .zip or annotations .json) and print its counts and warnings',
  async run(argv: string[]): Promise<void> {
    const args = parseArgs(argv, { data: { kind: 'string', required: true }, split: { kind: 'string' }, decode: { kind: 'flag' } }, USAGE);
    const ds = await loadNodeDataset(args.data as string, args.split as string | undefined);
    const decoder = new NodeImageDecoder();
    const { webp } = await decoder.backends();
    const checked = await validateDataset(ds, {
      decoder: args.decode ? decoder : undefined,
      supports: (format) => format !== 'webp' || webp !== null,
    }).finally(() => ds.source.close?.());
    const report = {
      images: checked.images.length,
      annotations: checked.trainingBoxes,
      categories: checked.categories.length,
      warnings: checked.warnings.map((w) => w.message),
    };
    process.stdout.write(JSON.stringify(report, null, 1) + '\n');
  },
};
