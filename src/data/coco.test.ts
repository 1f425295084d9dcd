import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCocoText, type CocoDataset } from './coco';
import { DatasetError, type WarningCode } from './errors';
import { prepareTarget } from './target';
import { TINY_FIXTURE, hasTinyFixture } from '../testing/paths';

const codes = (ds: CocoDataset) => ds.warnings.map((w) => w.code);
const parse = (obj: unknown) => parseCocoText(JSON.stringify(obj), 'ann.json');
const refuse = (text: string) => {
  try {
    parseCocoText(text, 'ann.json');
  } catch (e) {
    expect(e).toBeInstanceOf(DatasetError);
    return (e as Error).message;
  }
  throw new Error('expected a DatasetError');
};

const img = (id: number, file_name = `im${id}.png`, width = 100, height = 80) => ({ id, file_name, width, height });
const ann = (id: number, image_id: number, bbox: unknown, extra: object = {}) => ({ id, image_id, category_id: 1, bbox, area: 10, iscrowd: 0, ...extra });
const cats = [{ id: 0, name: 'objects' }, { id: 1, name: 'cat' }];

describe('parseCoco', () => {
  it.skipIf(!hasTinyFixture())('reads the fixture: images by ascending id, annotations in file order', () => {
    const ds = parseCocoText(readFileSync(resolve(TINY_FIXTURE, 'data/annotations.json'), 'utf8'), 'annotations.json');
    expect(ds.images.map((i) => i.id)).toEqual([7, 12, 30, 41]);
    expect(ds.annotations.get(7)!.map((a) => a.id)).toEqual([101, 103, 104]);
    expect(ds.annotations.get(12)!.map((a) => a.id)).toEqual([102, 105, 106]);
    expect(ds.numClasses).toBe(5); // max category id 4 + 1
    expect(codes(ds)).toEqual(['zero-area-box']);
    expect(ds.warnings[0].annotation_id).toBe(105);
    expect(ds.warnings[0].message).toContain('img_b.png');
  });

  it('sorts images by id and treats id 0 as a real id (Roboflow)', () => {
    const ds = parse({ images: [img(2), img(0), img(1)], annotations: [ann(0, 0, [1, 2, 3, 4], { category_id: 0 })], categories: cats });
    expect(ds.images.map((i) => i.id)).toEqual([0, 1, 2]);
    expect(ds.annotations.get(0)![0]).toMatchObject({ id: 0, category_id: 0, bbox: [1, 2, 3, 4] });
    expect(ds.numClasses).toBe(2);
    expect(ds.warnings).toEqual([]);
  });

  it.each([
    ['', 'the file is empty'],
    ['  \n', 'the file is empty'],
    ['{"images": [', 'not valid JSON'],
    ['{"images": []\n "x": 1}', 'line 2'],
    ['[1, 2]', 'not a COCO annotations file'],
    ['[{"image_id": 1, "bbox": [1,2,3,4], "score": 0.9}]', 'a COCO results file'],
    ['{"backbone": "resnet50", "hidden_dim": 256}', 'a DETR config'],
    ['{"annotations": []}', 'got an object with keys "annotations"'],
    ['"hello"', 'got a string'],
    ['{"images": [], "annotations": []}', 'no usable image'],
    ['{"images": [{"file_name": "a.png"}, {"id": 3}]}', 'no usable image'],
  ])('refuses %j with a clear message', (text, expected) => {
    const msg = refuse(text);
    expect(msg).toContain('ann.json');
    expect(msg).toContain(expected);
    expect(msg.split('\n')).toHaveLength(1);
  });

  it('warns about each broken entry, naming the file or annotation id', () => {
    const text = `{"images": [${JSON.stringify(img(1))}, ${JSON.stringify(img(2, 'sub dir/ü 2.jpg'))}, ${JSON.stringify(img(1, 'dup.png'))},
       {"id": "x", "file_name": "bad.png"}],
     "categories": ${JSON.stringify(cats)},
     "annotations": [
       ${JSON.stringify(ann(10, 1, [1, 2, 3, 4]))},
       {"id": 11, "image_id": 1, "category_id": 1, "bbox": [NaN, 2, 3, 4], "area": 1, "iscrowd": 0},
       ${JSON.stringify(ann(12, 1, null))},
       ${JSON.stringify({ id: 13, image_id: 1, category_id: 1 })},
       ${JSON.stringify(ann(14, 1, [1, 2, -3, 4]))},
       ${JSON.stringify(ann(15, 2, [1, 2, 0, 4]))},
       ${JSON.stringify(ann(16, 2, [1, 2, 3, 4], { category_id: 9 }))},
       ${JSON.stringify(ann(17, 99, [1, 2, 3, 4]))},
       ${JSON.stringify(ann(10, 2, [1, 2, 3, 4]))},
       ${JSON.stringify(ann(18, 2, [1, 2, 3], {}))},
       ${JSON.stringify(ann(19, 2, [1, 2, 3, 4], { category_id: -1 }))},
       ${JSON.stringify(ann(20, 2, [1, 2, 3, 4], { iscrowd: 2 }))},
       ${JSON.stringify({ id: 21, image_id: 2, category_id: 1, bbox: [0, 0, 5, 6] })},
       ${JSON.stringify(ann(22, 2, [1, 2, 3, '4']))}
     ]}`;
    const ds = parseCocoText(text, 'ann.json');
    const byCode = (c: WarningCode) => ds.warnings.filter((w) => w.code === c);
    expect(byCode('duplicate-image-id')[0].message).toContain('dup.png');
    expect(byCode('bad-image-entry')[0].message).toContain('bad.png');
    expect(byCode('bad-box').map((w) => w.annotation_id)).toEqual([11, 12, 13, 18, 22]);
    expect(byCode('bad-box')[0].message).toMatch(/annotation id 11 \(im1\.png\): bbox holds NaN/);
    expect(byCode('negative-size-box').map((w) => w.annotation_id)).toEqual([14]);
    expect(byCode('zero-area-box')[0]).toMatchObject({ annotation_id: 15, file_name: 'sub dir/ü 2.jpg' });
    expect(byCode('unknown-category').map((w) => w.annotation_id)).toEqual([16]);
    expect(byCode('annotation-unknown-image').map((w) => w.annotation_id)).toEqual([17]);
    expect(byCode('duplicate-annotation-id').map((w) => w.annotation_id)).toEqual([10]);
    expect(byCode('bad-category-id').map((w) => w.annotation_id)).toEqual([19]);
    expect(byCode('bad-iscrowd').map((w) => w.annotation_id)).toEqual([20]);
    expect(byCode('missing-area')[0]).toMatchObject({ annotation_id: 21 });
    // Kept: 10, 14 on image 1; 15, 16, 20, 21 on image 2 (unknown categories and crowd stay; DETR decides later).
    expect(ds.annotations.get(1)!.map((a) => a.id)).toEqual([10, 14]);
    expect(ds.annotations.get(2)!.map((a) => a.id)).toEqual([15, 16, 20, 21]);
    expect(ds.annotations.get(2)!.find((a) => a.id === 21)!).toMatchObject({ area: 30, iscrowd: 0 });
    expect(ds.numClasses).toBe(10); // the unknown category 9 is a class index too
    for (const w of ds.warnings) expect(w.message).toMatch(/annotation id \d+|\.png|\.jpg|image/);
  });

  it('accepts a file without annotations or categories, with warnings', () => {
    const ds = parse({ images: [img(5)] });
    expect(codes(ds)).toEqual(['no-categories', 'no-annotations']);
    expect(ds.annotations.get(5)).toEqual([]);
    expect(ds.numClasses).toBe(0);
  });
});

describe('prepareTarget (ConvertCocoPolysToMask)', () => {
  it('drops crowd, converts to xyxy, clamps to the decoded size, drops empty boxes', () => {
    const ds = parse({
      images: [img(1, 'a.png', 999, 999)],
      categories: cats,
      annotations: [
        ann(1, 1, [10, 20, 30, 40]),
        ann(2, 1, [-5, -5, 20, 10], { category_id: 0 }),
        ann(3, 1, [50, 50, 10, 10], { iscrowd: 1 }),
        ann(4, 1, [120, 10, 10, 10]), // fully right of a 100-wide image: empty after clamping
        ann(5, 1, [90, 70, 30.3, 20]),
        ann(6, 1, [5, 5, 0, 5]),
      ],
    });
    // The decoded size (100 x 80) is used, not the JSON's 999 x 999 (DETR uses image.size).
    const { target, dropped } = prepareTarget(1, ds.annotations.get(1)!, 100, 80);
    expect(Array.from(target.labels)).toEqual([1, 0, 1]);
    expect(Array.from(target.boxes)).toEqual([10, 20, 40, 60, 0, 0, 15, 5, 90, 70, 100, 80]);
    expect(Array.from(target.area)).toEqual([10, 10, 10]);
    expect(target.orig_size).toEqual([80, 100]);
    expect(dropped).toEqual([4, 6]);
  });

  it('computes x + w in float32 as torch does', () => {
    const ds = parse({ images: [img(1)], categories: cats, annotations: [ann(1, 1, [0.1, 0.2, 0.3, 0.4])] });
    const { target } = prepareTarget(1, ds.annotations.get(1)!, 100, 80);
    expect(target.boxes[2]).toBe(Math.fround(Math.fround(0.1) + Math.fround(0.3)));
  });
});
