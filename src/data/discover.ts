/**
 * Finding the annotations file and the image files in a dataset's file list (a folder, a zip or a
 * dropped FileList: the same rules everywhere).
 *
 * Layouts understood:
 *  - one COCO .json anywhere with its images (`file_name` relative to the JSON's folder, to the root,
 *    or found as a unique path suffix, e.g. official COCO's annotations/instances_val2017.json with
 *    val2017/*.jpg);
 *  - Roboflow's `train/ valid/ test/` folders, each with its own `_annotations.coco.json`: splits
 *    'train', 'val' (valid, validation) and 'test';
 *  - official COCO's annotations/instances_{train,val}2017.json: splits from the file names.
 */
import { DatasetError } from './errors';

export type SplitName = 'train' | 'val' | 'test';

const SPLIT_ALIASES: Record<string, SplitName> = {
  train: 'train',
  training: 'train',
  val: 'val',
  valid: 'val',
  validation: 'val',
  test: 'test',
  testing: 'test',
};

/** 'valid' -> 'val' etc.; throws for an unknown split name. */
export function splitName(s: string): SplitName {
  const n = SPLIT_ALIASES[s.toLowerCase()];
  if (!n) throw new DatasetError(`unknown split "${s}" (use train, val or test)`);
  return n;
}

/** '/'-separated, no '.', no leading '/', '..' resolved, Unicode NFC (zips from macOS store NFD). */
export function normalizePath(p: string): string {
  const parts: string[] = [];
  for (const seg of p.replace(/\\/g, '/').normalize('NFC').split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') parts.pop();
    else parts.push(seg);
  }
  return parts.join('/');
}

export function dirname(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? '' : p.slice(0, i);
}

const IGNORED = /(^|\/)(__MACOSX|\.[^/]*)(\/|$)/;

export interface Discovered {
  /** The chosen annotations file (a path of the list). */
  annotations: string;
  split: SplitName | null;
  /** Every split found (empty for a single-JSON dataset). */
  splits: Partial<Record<SplitName, string>>;
}

function splitOf(path: string): SplitName | null {
  const dir = dirname(path).split('/').pop() ?? '';
  if (SPLIT_ALIASES[dir.toLowerCase()]) return SPLIT_ALIASES[dir.toLowerCase()];
  const m = /(?:^|[^a-z])(train|val|valid|validation|test)(?:[^a-z]|$)/i.exec(path.split('/').pop()!.replace(/\.json$/i, ''));
  return m ? SPLIT_ALIASES[m[1].toLowerCase()] : null;
}

/** Chooses the annotations JSON in `files` (paths as DatasetSource.list gives them). */
export function findAnnotations(files: string[], sourceName: string, split?: string): Discovered {
  const jsons = files.filter((f) => /\.json$/i.test(f) && !IGNORED.test(f)).sort();
  if (jsons.length === 0) {
    throw new DatasetError(`${sourceName}: no annotations file (.json) found; a COCO dataset is a folder or .zip with one annotations .json and its images`);
  }
  const splits: Partial<Record<SplitName, string>> = {};
  let splitsValid = true;
  for (const j of jsons) {
    const s = splitOf(j);
    if (!s) continue;
    if (splits[s]) splitsValid = false; // two candidates for one split: not a split layout we can trust
    splits[s] = j;
  }
  const hasSplits = splitsValid && Object.keys(splits).length > 0;
  if (split !== undefined) {
    const want = splitName(split);
    if (!hasSplits || !splits[want]) {
      const found = hasSplits ? Object.keys(splits).join(', ') : 'none';
      throw new DatasetError(`${sourceName}: no "${want}" split (splits found: ${found})`);
    }
    return { annotations: splits[want]!, split: want, splits };
  }
  if (jsons.length === 1) return { annotations: jsons[0], split: hasSplits ? splitOf(jsons[0]) : null, splits: hasSplits ? splits : {} };
  if (hasSplits && splits.train) return { annotations: splits.train, split: 'train', splits };
  const named = jsons.filter((j) => /annotation|instances|coco/i.test(j.split('/').pop()!));
  if (named.length === 1) return { annotations: named[0], split: null, splits: {} };
  const shown = jsons.slice(0, 5).join(', ') + (jsons.length > 5 ? `, ... (${jsons.length})` : '');
  throw new DatasetError(`${sourceName}: ${jsons.length} .json files (${shown}) and no way to tell which holds the annotations: point --data at the annotations file`);
}

/**
 * Resolves COCO `file_name`s to paths of the list: next to the annotations file, then from the root,
 * then a unique path ending in "/file_name" (preferring the annotations file's folder); with
 * `byBaseName` (files picked without their folders) last a unique file of the same base name.
 * Returns a path, or a string starting with '!' that explains why none was chosen.
 */
export function makeResolver(files: string[], annotationsPath: string, opts: { byBaseName?: boolean } = {}): (fileName: string) => string {
  const byPath = new Map<string, string>();
  const bySuffix = new Map<string, string[]>();
  for (const f of files) {
    const n = normalizePath(f);
    byPath.set(n, f);
    const base = n.split('/').pop()!;
    if (!bySuffix.has(base)) bySuffix.set(base, []);
    bySuffix.get(base)!.push(n);
  }
  const base = dirname(normalizePath(annotationsPath));
  return (fileName: string) => {
    const f = normalizePath(fileName);
    if (f === '') return '!an empty file_name';
    for (const cand of [base ? `${base}/${f}` : f, f]) {
      const hit = byPath.get(normalizePath(cand));
      if (hit !== undefined) return hit;
    }
    const matches = (bySuffix.get(f.split('/').pop()!) ?? []).filter((p) => p === f || p.endsWith(`/${f}`));
    if (matches.length === 1) return byPath.get(matches[0])!;
    if (matches.length > 1) {
      const near = matches.filter((p) => base === '' || p.startsWith(`${base}/`));
      if (near.length === 1) return byPath.get(near[0])!;
      return `!ambiguous: ${matches.slice(0, 3).join(', ')}${matches.length > 3 ? ', ...' : ''} all match`;
    }
    if (opts.byBaseName) {
      const same = bySuffix.get(f.split('/').pop()!) ?? [];
      if (same.length === 1) return byPath.get(same[0])!;
    }
    return '!not found';
  };
}
