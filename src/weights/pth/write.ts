/**
 * Writes torch's zip format (torch.save since 1.6) so that `torch.load(f, weights_only=True)` reads it:
 * `<stem>/data.pkl` (pickle_write.ts), `<stem>/byteorder` = little, one `<stem>/data/<key>` per
 * tensor (raw little-endian elements, 64-byte aligned like torch), `<stem>/version` = 3.
 * General enough for full training checkpoints: any tree of plain data and tensors (py_values.ts).
 */
import { type RawTensor, tensorBytes } from '../types';
import type { PyValue } from './py_values';
import { pickleForTorch } from './pickle_write';
import { writeZip } from './zip';

export interface PthWriteOptions {
  /** The entries' folder; torch uses the file name without its extension. Default 'archive'. */
  stem?: string;
  /** See ZipWriteOptions.zip64Threshold (tests only). */
  zip64Threshold?: number;
}

/** The torch file name stem for a path: 'out/model_final.pth' -> 'model_final'. */
export function stemOf(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? '';
  const dot = base.lastIndexOf('.');
  const stem = (dot > 0 ? base.slice(0, dot) : base).replace(/[^A-Za-z0-9_.-]/g, '_');
  return stem || 'archive';
}

/** The file as parts to write in order; tensor data parts are views of the tensors (no copy). */
export function writePth(root: PyValue, opts: PthWriteOptions = {}): Uint8Array[] {
  const stem = opts.stem ?? 'archive';
  const storages: { key: string; data: Uint8Array }[] = [];
  const keys = new Map<RawTensor, string>();
  const pkl = pickleForTorch(root, (t) => {
    let key = keys.get(t);
    if (key === undefined) {
      key = String(storages.length);
      keys.set(t, key);
      storages.push({ key, data: tensorBytes(t) });
    }
    return key;
  });
  const text = (s: string) => new TextEncoder().encode(s);
  return writeZip(
    [
      { name: `${stem}/data.pkl`, data: pkl },
      { name: `${stem}/byteorder`, data: text('little') },
      ...storages.map((s) => ({ name: `${stem}/data/${s.key}`, data: s.data })),
      { name: `${stem}/version`, data: text('3\n') },
    ],
    { align: 64, zip64Threshold: opts.zip64Threshold },
  );
}
