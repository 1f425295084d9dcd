/**
 * Node's dataset sources: a folder (walked recursively; '/'-separated relative paths; any file names,
 * spaces and Unicode included), a .zip (read through a file handle, one entry at a time), and
 * `openDataset(path, split?)`, which accepts a folder, a .zip, or the annotations .json itself.
 */
import { open, readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { findAnnotations, type SplitName } from '../../data/discover';
import { loadDataset, type Dataset } from '../../data/dataset';
import { DatasetError } from '../../data/errors';
import type { DatasetSource, RandomAccessFile } from '../../data/ports';
import { ZipSource } from '../../data/zip_source';

const SKIP_DIRS = new Set(['__MACOSX', 'node_modules']);

export class FolderSource implements DatasetSource {
  readonly name: string;
  private readonly root: string;
  private listing: Promise<string[]> | null = null;

  constructor(root: string) {
    this.root = resolve(root);
    this.name = root;
  }

  list(): Promise<string[]> {
    this.listing ??= this.walk();
    return this.listing;
  }

  private async walk(): Promise<string[]> {
    const out: string[] = [];
    const walk = async (dir: string) => {
      const items = await readdir(dir, { withFileTypes: true });
      for (const it of items) {
        if (it.name.startsWith('.')) continue;
        const full = join(dir, it.name);
        if (it.isDirectory()) {
          if (!SKIP_DIRS.has(it.name)) await walk(full);
        } else if (it.isFile() || it.isSymbolicLink()) {
          out.push(relative(this.root, full).split(sep).join('/'));
        }
      }
    };
    await walk(this.root);
    return out.sort();
  }

  async read(path: string): Promise<Uint8Array> {
    try {
      const b = await readFile(join(this.root, ...path.split('/')));
      return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new DatasetError(`${path}: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
    }
  }
}

/** Random access to a file on disk (for zips); the handle stays open until `close()`. */
export async function nodeFile(path: string): Promise<RandomAccessFile> {
  const fh = await open(path, 'r');
  const { size } = await fh.stat();
  return {
    size,
    read: async (offset, length) => {
      const n = Math.max(0, Math.min(length, size - offset));
      const buf = new Uint8Array(n);
      let got = 0;
      while (got < n) {
        const { bytesRead } = await fh.read(buf, got, n - got, offset + got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      return got === n ? buf : buf.subarray(0, got);
    },
    close: () => fh.close(),
  };
}

export interface OpenedDataset {
  source: DatasetSource;
  /** The annotations file, as a path of `source`. */
  annotations: string;
  split: SplitName | null;
  splits: Partial<Record<SplitName, string>>;
}

/**
 * Opens a dataset given as a folder, a .zip or an annotations .json (whose folder is the root; when
 * that folder is named "annotations", as in official COCO, its parent is). `split` picks train/val/test
 * in a Roboflow-style export; without it the train split (or the only annotations file) is used.
 */
export async function openDataset(path: string, split?: string): Promise<OpenedDataset> {
  let st;
  try {
    st = await stat(path);
  } catch {
    throw new DatasetError(`${path}: no such file or folder`);
  }
  let source: DatasetSource;
  let annotations: string | null = null;
  if (st.isDirectory()) {
    source = new FolderSource(path);
  } else if (/\.zip$/i.test(path)) {
    source = new ZipSource(path, await nodeFile(path));
  } else if (/\.json$/i.test(path)) {
    let root = dirname(path);
    if (basename(root).toLowerCase() === 'annotations') root = dirname(root);
    source = new FolderSource(root);
    annotations = relative(resolve(root), resolve(path)).split(sep).join('/');
  } else {
    throw new DatasetError(`${path}: expected a dataset folder, a .zip or an annotations .json`);
  }
  try {
    if (annotations !== null) {
      if (split !== undefined) throw new DatasetError(`${path}: a split cannot be chosen when the annotations file is given`);
      return { source, annotations, split: null, splits: {} };
    }
    return { source, ...findAnnotations(await source.list(), path, split) };
  } catch (e) {
    await source.close?.();
    throw e;
  }
}

/** openDataset + loadDataset: the parsed dataset with its image files resolved. */
export async function loadNodeDataset(path: string, split?: string): Promise<Dataset> {
  const opened = await openDataset(path, split);
  try {
    const ds = await loadDataset(opened.source, { annotations: opened.annotations });
    return { ...ds, split: opened.split };
  } catch (e) {
    await opened.source.close?.();
    throw e;
  }
}
