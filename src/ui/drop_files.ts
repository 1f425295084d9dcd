/**
 * Files from a drop: plain files, and the files inside dropped folders (a COCO folder with its
 * annotations JSON and images/), read recursively through the entries API.
 */

const WEIGHTS_FILE = /\.(safetensors|pth|pt)$/i;

/** True when every file is a weights file (a drop of weights, not of a dataset). */
export function isWeightsDrop(files: readonly { name: string }[]): boolean {
  return files.length > 0 && files.every((f) => WEIGHTS_FILE.test(f.name));
}

function readAll(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  return new Promise((resolve, reject) => {
    const out: FileSystemEntry[] = [];
    const next = () =>
      reader.readEntries((batch) => {
        if (batch.length === 0) resolve(out);
        else (out.push(...batch), next());
      }, reject);
    next();
  });
}

/** A dropped entry's files with their paths from the drop (a folder's name included). */
async function filesOf(entry: FileSystemEntry): Promise<DroppedFile[]> {
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    return [{ file, path: entry.fullPath.replace(/^\/+/, '') || file.name }];
  }
  if (entry.isDirectory) {
    const children = await readAll((entry as FileSystemDirectoryEntry).createReader());
    return (await Promise.all(children.map(filesOf))).flat();
  }
  return [];
}

export interface DroppedFile {
  file: File;
  /** Path inside what was dropped ("coco/images/a.jpg"), so nested folders keep their layout. */
  path: string;
}

export async function filesFromDrop(data: DataTransfer): Promise<DroppedFile[]> {
  const entries = Array.from(data.items)
    .map((item) => (item.kind === 'file' ? item.webkitGetAsEntry?.() : null))
    .filter((e): e is FileSystemEntry => !!e);
  if (entries.length === 0) return Array.from(data.files, (file) => ({ file, path: file.webkitRelativePath || file.name }));
  return (await Promise.all(entries.map(filesOf))).flat();
}
