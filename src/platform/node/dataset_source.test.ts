/**
 * Opening datasets from disk: folders (nested, spaces, Unicode), zips (stored and deflated, through a
 * file handle and a Blob), Roboflow train/valid/test exports, official COCO layout, and validation of
 * every image (missing, corrupt, truncated, size mismatches, EXIF orientation, quirky formats).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { blobFile, ZipSource } from '../../data/zip_source';
import { loadDataset } from '../../data/dataset';
import { validateDataset } from '../../data/validate';
import { DatasetError } from '../../data/errors';
import { loadNodeDataset, openDataset } from './dataset_source';
import { NodeImageDecoder } from './image_decoder';
import { makeJpeg, makePng, tempDir, writeDataset, writeZip, type DatasetSpec } from '../../testing/make_dataset';

const box = (id: number, image_id: number, bbox: number[], category_id = 1, extra = {}) => ({ id, image_id, category_id, bbox, area: bbox[2] * bbox[3], iscrowd: 0, ...extra });

/** Three images in nested folders with awkward names; 4 usable boxes. */
function cleanSpec(): DatasetSpec {
  return {
    images: [
      { id: 0, file_name: 'photos/a b/ünï cødé.png', width: 40, height: 30, bytes: makePng(40, 30, 1) },
      { id: 5, file_name: 'b.jpg', width: 32, height: 48, bytes: makeJpeg(32, 48, 2) },
      { id: 2, file_name: 'photos/c.png', width: 50, height: 20, bytes: makePng(50, 20, 3, { colorType: 0 }) },
    ],
    annotations: [box(1, 0, [1, 2, 10, 10]), box(2, 5, [0, 0, 32, 48], 2), box(3, 2, [5, 5, 5, 5]), box(4, 2, [40, 1, 20, 10])],
  };
}

describe('openDataset / loadNodeDataset', () => {
  it('reads a clean folder: ids ascending, nested/Unicode/space file names resolved', async () => {
    const dir = tempDir();
    writeDataset(dir, cleanSpec());
    const ds = await loadNodeDataset(dir);
    expect(ds.images.map((i) => [i.id, i.path])).toEqual([[0, 'photos/a b/ünï cødé.png'], [2, 'photos/c.png'], [5, 'b.jpg']]);
    expect(ds.warnings).toEqual([]);
    const v = await validateDataset(ds, { decoder: new NodeImageDecoder() });
    expect([v.images.length, v.trainingBoxes, v.categories.length, v.warnings]).toEqual([3, 4, 2, []]);
  });

  it('reads the same dataset from a zip (deflated and stored), via a file handle and a Blob', async () => {
    const dir = tempDir();
    const files = writeDataset(join(dir, 'src'), cleanSpec());
    for (const level of [6, 0] as const) {
      const zip = join(dir, `ds${level}.zip`);
      writeZip(zip, Object.fromEntries(Object.entries(files).map(([k, v]) => [`my dataset/${k}`, v])), level);
      const ds = await loadNodeDataset(zip);
      expect(ds.annotationsPath).toBe('my dataset/annotations.json');
      const v = await validateDataset(ds, { decoder: new NodeImageDecoder() });
      expect([v.images.length, v.trainingBoxes]).toEqual([3, 4]);
      await ds.source.close?.();
      const viaBlob = new ZipSource('blob.zip', blobFile(new Blob([readFileSync(zip)])));
      expect(await viaBlob.read('my dataset/b.jpg')).toEqual(files['b.jpg']);
    }
  });

  it('refuses a corrupt or truncated zip with a clear message', async () => {
    const dir = tempDir();
    const zip = join(dir, 'ds.zip');
    writeZip(zip, writeDataset(join(dir, 'src'), cleanSpec()));
    const bytes = readFileSync(zip);
    writeFileSync(join(dir, 'cut.zip'), bytes.subarray(0, bytes.length - 30));
    await expect(openDataset(join(dir, 'cut.zip'))).rejects.toThrow(/not a zip archive \(or it is truncated/);
    const bad = Buffer.from(bytes);
    bad[60] ^= 0xff; // inside the first entry's data
    writeFileSync(join(dir, 'bad.zip'), bad);
    const opened = await openDataset(join(dir, 'bad.zip'));
    const first = (await opened.source.list())[0];
    await expect(opened.source.read(first)).rejects.toThrow(/corrupt/);
    await opened.source.close?.();
  });

  it('offers Roboflow train/valid/test folders as splits', async () => {
    const dir = tempDir();
    for (const [split, n] of [['train', 3], ['valid', 2], ['test', 1]] as const) {
      writeDataset(dir, {
        annotationsPath: `${split}/_annotations.coco.json`,
        images: Array.from({ length: n }, (_, i) => ({ id: i, file_name: `${split}_${i}.jpg`, width: 16, height: 16, bytes: makeJpeg(16, 16, i) })),
        annotations: [box(0, 0, [1, 1, 5, 5], 0)],
        categories: [{ id: 0, name: 'objects' }, { id: 1, name: 'x' }],
      });
    }
    const opened = await openDataset(dir);
    expect(opened.split).toBe('train');
    expect(opened.splits).toEqual({ train: 'train/_annotations.coco.json', val: 'valid/_annotations.coco.json', test: 'test/_annotations.coco.json' });
    expect((await loadNodeDataset(dir)).images.length).toBe(3);
    expect((await loadNodeDataset(dir, 'valid')).images.map((i) => i.path)).toEqual(['valid/valid_0.jpg', 'valid/valid_1.jpg']);
    expect((await loadNodeDataset(dir, 'test')).images.length).toBe(1);
    await expect(loadNodeDataset(dir, 'holdout')).rejects.toThrow(/unknown split "holdout"/);
  });

  it('finds images of the official COCO layout (annotations/ + val2017/), also from the .json path', async () => {
    const dir = tempDir();
    writeDataset(dir, { ...cleanSpec(), annotationsPath: 'annotations/instances_val2017.json', imageDir: 'val2017' });
    const ds = await loadNodeDataset(dir);
    expect(ds.images.map((i) => i.path)).toEqual(['val2017/photos/a b/ünï cødé.png', 'val2017/photos/c.png', 'val2017/b.jpg']);
    const direct = await loadNodeDataset(join(dir, 'annotations/instances_val2017.json'));
    expect(direct.images.length).toBe(3);
  });

  it('refuses folders without annotations, with ambiguous JSONs, or with no image found', async () => {
    const empty = tempDir();
    writeFileSync(join(empty, 'x.png'), makePng(2, 2));
    await expect(openDataset(empty)).rejects.toThrow(/no annotations file \(\.json\) found/);
    const two = tempDir();
    writeFileSync(join(two, 'a.json'), '{}');
    writeFileSync(join(two, 'b.json'), '{}');
    await expect(openDataset(two)).rejects.toThrow(/2 \.json files \(a\.json, b\.json\)/);
    const none = tempDir();
    writeDataset(none, { images: [{ id: 1, file_name: 'gone.png', width: 2, height: 2 }], annotations: [] });
    await expect(loadNodeDataset(none)).rejects.toThrow(/no usable image: none of the 1 image files .* "gone\.png"/);
    await expect(openDataset(join(none, 'nothing-here'))).rejects.toBeInstanceOf(DatasetError);
  });
});

describe('validateDataset', () => {
  it('skips missing, corrupt, truncated and unsupported files and warns about each, naming it', async () => {
    const dir = tempDir();
    const png = makePng(20, 20, 1);
    const jpg = makeJpeg(20, 20, 2);
    writeDataset(dir, {
      images: [
        { id: 1, file_name: 'ok.png', width: 20, height: 20, bytes: png },
        { id: 2, file_name: 'missing.png', width: 20, height: 20 },
        { id: 3, file_name: 'cut.png', width: 20, height: 20, bytes: png.subarray(0, png.length - 30) },
        { id: 4, file_name: 'cut.jpg', width: 20, height: 20, bytes: jpg.subarray(0, jpg.length - 40) },
        { id: 5, file_name: 'text.jpg', width: 20, height: 20, bytes: new TextEncoder().encode('not an image') },
        { id: 6, file_name: 'anim.gif', width: 20, height: 20, bytes: new TextEncoder().encode('GIF89a\x14\x00\x14\x00') },
        { id: 7, file_name: 'empty.png', width: 20, height: 20, bytes: new Uint8Array(0) },
        { id: 8, file_name: 'wrong size.png', width: 30, height: 20, bytes: png },
        { id: 9, file_name: 'rotated.jpg', width: 20, height: 20, bytes: makeJpeg(20, 20, 3, 6) },
        { id: 10, file_name: 'grey16.png', width: 20, height: 20, bytes: makePng(20, 20, 4, { colorType: 0, bitDepth: 16 }) },
      ],
      annotations: [box(1, 1, [1, 1, 5, 5]), box(2, 2, [1, 1, 5, 5]), box(3, 8, [25, 1, 5, 5]), box(4, 9, [1, 1, 5, 5])],
    });
    const ds = await loadDataset(new (await import('./dataset_source')).FolderSource(dir));
    expect(ds.warnings.map((w) => w.code)).toEqual(['missing-file']);
    const v = await validateDataset(ds);
    const msgs = v.warnings.map((w) => `${w.code}: ${w.message}`);
    expect(v.images.map((i) => i.id)).toEqual([1, 8, 9, 10]);
    expect(v.trainingBoxes).toBe(2); // box 3 lies right of the stored 20-px-wide image
    const expected = [
      /^missing-file: missing.png: image file not found/,
      /^corrupt-image: cut.png: truncated PNG/,
      /^corrupt-image: cut.jpg: truncated JPEG/,
      /^corrupt-image: text.jpg: not an image/,
      /^corrupt-image: anim.gif: GIF images are not supported/,
      /^corrupt-image: empty.png: the file is empty/,
      /^image-size-mismatch: wrong size.png: stored image is 20x20 but the annotations say 30x20/,
      /^exif-orientation: rotated.jpg: EXIF orientation 6 is ignored/,
      /^image-read-as-pil-does: grey16.png: 16-bit greyscale PNG/,
      /^box-outside-image: annotation id 3 \(wrong size.png\): bbox lies outside the 20x20 image/,
    ];
    expect(msgs.length).toBe(expected.length);
    expected.forEach((re) => expect(msgs.some((m) => re.test(m)), String(re)).toBe(true));
  });

  it('finds corruption inside pixel data only when decoding', async () => {
    const dir = tempDir();
    const png = makePng(30, 30, 1);
    const bad = png.slice();
    bad[60] ^= 0xff; // inside IDAT: the structure is intact, the CRC and inflate are not
    writeDataset(dir, {
      images: [
        { id: 1, file_name: 'ok.png', width: 30, height: 30, bytes: png },
        { id: 2, file_name: 'bad.png', width: 30, height: 30, bytes: bad },
      ],
      annotations: [],
    });
    const ds = await loadNodeDataset(dir);
    expect((await validateDataset(ds)).images.length).toBe(2);
    const v = await validateDataset(ds, { decoder: new NodeImageDecoder() });
    expect(v.images.map((i) => i.id)).toEqual([1]);
    expect(v.warnings[0].message).toMatch(/^bad\.png: cannot decode the PNG image/);
  });
});
