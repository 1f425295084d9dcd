/**
 * `detr-studio convert --in X --out Y`: .pth -> .safetensors and .safetensors -> .pth (written as
 * `{'model': OrderedDict(sd)}` like the released DETR checkpoints), tensor order and bytes preserved.
 * The input's format comes from its bytes, the output's from its extension.
 */
import type { CliCommand } from './main';
import { UsageError, parseArgs } from './args';
import { readWeightsFile, writeParts } from '../platform/node/weights_file';
import { formatFromFileName, writeStateDict } from '../weights/state_dict_file';

const USAGE = 'detr-studio convert --in WEIGHTS(.pth|.safetensors) --out WEIGHTS(.safetensors|.pth)';

export const command: CliCommand = {
  summary: 'convert weights between .pth and .safetensors',
  async run(argv: string[]): Promise<void> {
    const args = parseArgs(argv, { in: { kind: 'string', required: true }, out: { kind: 'string', required: true } }, USAGE);
    const inPath = args.in as string;
    const outPath = args.out as string;
    const outFormat = formatFromFileName(outPath);
    if (!outFormat) throw new UsageError(`--out ${outPath}: unknown extension; use .safetensors or .pth`);
    const sd = readWeightsFile(inPath);
    for (const note of sd.extras.notes) console.error(`note: ${note}`);
    writeParts(outPath, writeStateDict(sd.tensors, outFormat, { fileName: outPath, metadata: { format: 'pt', ...sd.extras.metadata } }));
    let params = 0;
    for (const t of sd.tensors.values()) params += t.data.length;
    console.log(`wrote ${outPath}: ${sd.tensors.size} tensors, ${params} values (${sd.format} -> ${outFormat})`);
  },
};
