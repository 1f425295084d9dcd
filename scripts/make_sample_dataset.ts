/**
 * Writes the page's sample dataset: public/sample/{train,val}/ with PNGs and annotations.json.
 *   node bin/run-ts.js scripts/make_sample_dataset.ts [outDir]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { PNG } from 'pngjs';
import { makeSyntheticShapes, syntheticCocoJson } from '../src/data/synthetic_shapes';

const out = resolve(process.argv[2] ?? 'public/sample');
const splits = [
  { name: 'train', count: 48, seed: 11, firstId: 1 },
  { name: 'val', count: 12, seed: 23, firstId: 1001 },
];
for (const s of splits) {
  const dir = resolve(out, s.name);
  mkdirSync(dir, { recursive: true });
  const images = makeSyntheticShapes({ count: s.count, seed: s.seed, firstId: s.firstId, prefix: s.name });
  for (const im of images) {
    const png = new PNG({ width: im.image.width, height: im.image.height, colorType: 2 });
    for (let i = 0; i < im.image.width * im.image.height; i++) {
      png.data[i * 4] = im.image.data[i * 3];
      png.data[i * 4 + 1] = im.image.data[i * 3 + 1];
      png.data[i * 4 + 2] = im.image.data[i * 3 + 2];
      png.data[i * 4 + 3] = 255;
    }
    writeFileSync(resolve(dir, im.file_name), PNG.sync.write(png, { colorType: 2 }));
  }
  writeFileSync(resolve(dir, 'annotations.json'), JSON.stringify(syntheticCocoJson(images), null, 1));
  console.log(`${dir}: ${images.length} images`);
}
