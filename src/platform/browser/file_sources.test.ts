/**
 * The page's FileListSource and zip opening, run in Node (File is a Node global): a dataset given as
 * picked files (with or without their folders) or as a zip Blob loads and validates exactly as the
 * CLI's FolderSource reads the same folder.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../data/dataset';
import type { DatasetSource } from '../../data/ports';
import { validateDataset } from '../../data/validate';
import { makeJpeg, makePng, tempDir, writeDataset } from '../../testing/make_dataset';
import { FolderSource } from '../node/dataset_source';
import { FileListSource, openPickedFiles, type PickedFile } from './file_sources';

function picked(root: string, files: Record<string, Uint8Array>, prefix: string | null): PickedFile[] {
  return Object.keys(files).map((p) => ({ file: new File([readFileSync(join(root, p))], p.split('/').pop()!), path: prefix === null ? '' : `${prefix}/${p}` }));
}

async function report(source: DatasetSource) {
  const v = await validateDataset(await loadDataset(source));
  return { images: v.images.map((i) => i.file_name), boxes: v.trainingBoxes, warnings: v.warnings.map((w) => w.message) };
}

describe('FileListSource', () => {
  const root = tempDir('file-sources-');
  const files = writeDataset(root, {
    annotationsPath: 'my data/annotations.json',
    imageDir: 'my data',
    images: [
      { id: 0, file_name: 'sub dir/ünï 0.png', width: 20, height: 10, bytes: makePng(20, 10, 1) },
      { id: 1, file_name: 'b.jpg', width: 99, height: 10, bytes: makeJpeg(20, 10, 2) },
      { id: 2, file_name: 'gone.png', width: 5, height: 5 },
    ],
    annotations: [
      { id: 1, image_id: 0, category_id: 1, bbox: [1, 1, 4, 4], area: 16 },
      { id: 2, image_id: 1, category_id: 2, bbox: [50, 1, 4, 4], area: 16 },
    ],
  });

  it('loose files are named after their annotations JSON', () => {
    const f = (name: string): PickedFile => ({ file: new File([new Uint8Array(1)], name), path: '' });
    expect(new FileListSource([f('annotations.json'), f('a.png'), f('b.png')]).name).toBe('annotations.json + 2 files');
    expect(new FileListSource([f('a.png'), f('b.png')]).name).toBe('2 files');
    expect(new FileListSource([f('data.zip')]).name).toBe('data.zip');
  });

  it('a picked folder (paths with its top folder) reads as the CLI reads that folder', async () => {
    const cli = await report(new FolderSource(join(root, 'my data')));
    const src = new FileListSource(picked(join(root, 'my data'), Object.fromEntries(Object.entries(files).map(([p, b]) => [p.replace(/^my data\//, ''), b])), 'my data'));
    expect(src.name).toBe('my data');
    expect(src.flat).toBe(false);
    expect(await src.list()).toEqual(['annotations.json', 'b.jpg', 'sub dir/ünï 0.png']);
    expect(await report(src)).toEqual(cli);
    expect(cli.warnings).toHaveLength(3); // missing file, size mismatch, box outside
  });

  it('files picked without their folders match file_names with folders by base name', async () => {
    const flat = new FileListSource(picked(join(root, 'my data'), Object.fromEntries(Object.entries(files).map(([p, b]) => [p.replace(/^my data\//, ''), b])), null));
    expect(flat.flat).toBe(true);
    const r = await report(flat);
    expect(r.images).toEqual(['sub dir/ünï 0.png', 'b.jpg']);
  });

  it('a zip alone opens as a ZipSource; a zip among other files is refused, naming it', async () => {
    const zip = zipSync({ 'annotations.json': files['my data/annotations.json'] });
    const z = openPickedFiles([{ file: new File([zip], 'd.zip'), path: '' }]);
    expect(await z.list()).toEqual(['annotations.json']);
    expect(() => openPickedFiles([{ file: new File([zip], 'd.zip'), path: '' }, { file: new File(['{}'], 'a.json'), path: '' }])).toThrow(/^d\.zip: give one \.zip on its own/);
    expect(() => openPickedFiles([])).toThrow(/no files were given/);
  });
});
