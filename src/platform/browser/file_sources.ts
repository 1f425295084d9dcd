/**
 * The page's DatasetSources (the data pipeline's port, src/data/ports.ts):
 *  - FileListSource: files from an <input> (several files, or a folder with `webkitdirectory`) or a
 *    drop (folders walked by the UI); paths from `webkitRelativePath` or given with the files. When
 *    every path shares one top folder it is the root (as `detr-studio inspect --data that-folder`);
 *  - a .zip: the shared ZipSource over the Blob (central directory first, one entry at a time);
 *  - HttpSource: a dataset served by this origin (the sample data), listed from its annotations file.
 * Discovery (which JSON, which split, which file is which image) is src/data/discover.ts, as in Node.
 */
import { normalizePath } from '../../data/discover';
import { DatasetError } from '../../data/errors';
import type { DatasetSource } from '../../data/ports';
import { blobFile, ZipSource } from '../../data/zip_source';

/** A file and its path relative to what the user chose ('' when unknown: the name is used). */
export interface PickedFile {
  file: File;
  path: string;
}

/** Loose files (no folder): named after their one annotations JSON, e.g. "annotations.json + 48 files". */
function looseFilesName(picked: readonly PickedFile[]): string {
  if (picked.length === 1) return picked[0].file.name;
  const json = picked.filter((p) => p.file.name.toLowerCase().endsWith('.json'));
  return json.length === 1 ? `${json[0].file.name} + ${picked.length - 1} files` : `${picked.length} files`;
}

/** The source's files, by path; each File is read only when asked. */
export class FileListSource implements DatasetSource {
  readonly name: string;
  readonly flat: boolean;
  private readonly files = new Map<string, File>();

  constructor(picked: readonly PickedFile[], name?: string) {
    let paths = picked.map((p) => normalizePath(p.path || p.file.name));
    // Without any folder in any path, the folders are unknown (not absent): match by base name.
    this.flat = paths.every((p) => !p.includes('/'));
    const top = commonTopFolder(paths);
    if (top) paths = paths.map((p) => p.slice(top.length + 1));
    paths.forEach((p, i) => {
      if (p && !this.files.has(p)) this.files.set(p, picked[i].file);
    });
    this.name = name ?? top ?? looseFilesName(picked);
  }

  async list(): Promise<string[]> {
    return [...this.files.keys()].sort();
  }

  async read(path: string): Promise<Uint8Array> {
    return new Uint8Array(await this.file(path).arrayBuffer());
  }

  async size(path: string): Promise<number | null> {
    return this.files.get(path)?.size ?? null;
  }

  /** The File itself (stored as it is, without a copy through JS memory). */
  file(path: string): File {
    const f = this.files.get(path);
    if (!f) throw new DatasetError(`${path}: no such file among the ${this.files.size} given`);
    return f;
  }
}

function commonTopFolder(paths: string[]): string | null {
  if (paths.length === 0 || !paths[0].includes('/')) return null;
  const top = paths[0].slice(0, paths[0].indexOf('/'));
  return paths.every((p) => p.startsWith(`${top}/`)) ? top : null;
}

const isZip = (f: File) => /\.zip$/i.test(f.name) || f.type === 'application/zip' || f.type === 'application/x-zip-compressed';

/**
 * The source for what the user gave: one .zip, or files (an annotations JSON with its images, a
 * folder, a Roboflow export). A zip among other files is refused: which one was meant is unclear.
 */
export function openPickedFiles(picked: readonly PickedFile[]): DatasetSource {
  if (picked.length === 0) throw new DatasetError('no files were given: choose a COCO annotations .json with its images, a folder, or one .zip');
  const zips = picked.filter((p) => isZip(p.file));
  if (zips.length > 0) {
    if (picked.length > 1) {
      const names = zips.slice(0, 3).map((z) => z.file.name).join(', ');
      throw new DatasetError(`${names}: give one .zip on its own, or the annotations .json with its images (not both, and not several zips)`);
    }
    return new ZipSource(picked[0].file.name, blobFile(picked[0].file));
  }
  return new FileListSource(picked);
}

/**
 * A dataset served over HTTP by this origin: `base` + path. Listed from the annotations file at
 * `annotationsPath` (its images' file_names), since HTTP has no directory listing.
 */
export class HttpSource implements DatasetSource {
  private paths: string[] | null = null;

  constructor(
    readonly name: string,
    private readonly base: string,
    private readonly annotationsPath: string,
  ) {}

  async list(): Promise<string[]> {
    if (!this.paths) {
      const text = new TextDecoder().decode(await this.read(this.annotationsPath));
      let images: unknown = [];
      try {
        images = (JSON.parse(text) as { images?: unknown }).images;
      } catch {
        // Parsing reports the problem properly later (coco_json.ts); list the JSON alone.
      }
      const names = Array.isArray(images) ? images.map((im) => (im as { file_name?: unknown })?.file_name).filter((n): n is string => typeof n === 'string') : [];
      const dir = this.annotationsPath.includes('/') ? this.annotationsPath.slice(0, this.annotationsPath.lastIndexOf('/') + 1) : '';
      this.paths = [...new Set([this.annotationsPath, ...names.map((n) => normalizePath(dir + n))])];
    }
    return this.paths;
  }

  async read(path: string): Promise<Uint8Array> {
    const url = new URL(path.split('/').map(encodeURIComponent).join('/'), new URL(this.base, self.location.href));
    const res = await fetch(url);
    if (!res.ok) throw new DatasetError(`${path}: HTTP ${res.status} from ${url.pathname}`);
    return new Uint8Array(await res.arrayBuffer());
  }
}
