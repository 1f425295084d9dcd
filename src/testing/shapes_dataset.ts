/**
 * Writes a synthetic-shapes COCO dataset (src/data/synthetic_shapes.ts) to a folder for tests:
 * PNG images and annotations.json, images of minSize..maxSize pixels a side.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { makeSyntheticShapes, syntheticCocoJson, type SyntheticOptions } from '../data/synthetic_shapes';

export function writeShapesDataset(dir: string, o: SyntheticOptions): string {
  mkdirSync(dir, { recursive: true });
  const images = makeSyntheticShapes(o);
  for (const im of images) {
    const { width, height, data } = im.image;
    const png = new PNG({ width, height, colorType: 2 });
    for (let i = 0; i < width * height; i++) {
      png.data[i * 4] = data[i * 3];
      png.data[i * 4 + 1] = data[i * 3 + 1];
      png.data[i * 4 + 2] = data[i * 3 + 2];
      png.data[i * 4 + 3] = 255;
    }
    writeFileSync(join(dir, im.file_name), PNG.sync.write(png, { colorType: 2 }));
  }
  writeFileSync(join(dir, 'annotations.json'), JSON.stringify(syntheticCocoJson(images)));
  return dir;
}
