/**
 * Reads every image of a dataset once to find what the annotations file cannot tell: missing,
 * unreadable, truncated or unsupported files, stored sizes that differ from the JSON's width/height,
 * EXIF orientations (which DETR ignores), and boxes that lie wholly outside their image. The result
 * counts what training will use: images that can be read, and boxes that survive DETR's target
 * preparation (no crowd, clamped, non-empty).
 *
 * By default only headers are parsed (image_probe.ts); with a decoder every image is fully decoded too.
 */
import type { Dataset, DatasetImage } from './dataset';
import { DatasetError, type DatasetWarning } from './errors';
import { probeImage, type ImageFormat } from './image_probe';
import type { ImageDecoder } from './ports';
import { prepareTarget } from './target';

export interface ValidatedDataset extends Dataset {
  /** Boxes that DETR trains on (after ConvertCocoPolysToMask on the stored image sizes). */
  trainingBoxes: number;
  /** image id -> stored [width, height]. */
  storedSize: Map<number, [number, number]>;
}

export interface ValidateOptions {
  /** Fully decode every image (finds corruption inside the pixel data). */
  decoder?: ImageDecoder;
  /** Whether the decoder that training will use reads this format (default: all that the probe parses). */
  supports?: (format: ImageFormat) => boolean;
  /** Images read at once. */
  concurrency?: number;
  onProgress?: (done: number, total: number) => void;
}

interface Checked {
  image: DatasetImage;
  size: [number, number] | null;
  warnings: DatasetWarning[];
}

async function checkImage(ds: Dataset, im: DatasetImage, opts: ValidateOptions): Promise<Checked> {
  const decoder = opts.decoder;
  const at = { file_name: im.file_name, image_id: im.id };
  const fail = (code: 'missing-file' | 'corrupt-image', why: string): Checked => ({
    image: im,
    size: null,
    warnings: [{ code, message: `${im.file_name}: ${why}: skipped`, ...at }],
  });
  let bytes: Uint8Array;
  try {
    bytes = await ds.source.read(im.path);
  } catch (e) {
    return fail('missing-file', `cannot be read (${(e as Error).message})`);
  }
  const probe = probeImage(bytes);
  if (probe.problem) return fail('corrupt-image', probe.problem);
  if (opts.supports && !opts.supports(probe.format)) return fail('corrupt-image', `${probe.format.toUpperCase()} images cannot be decoded here`);
  let { width, height } = probe;
  if (decoder) {
    try {
      ({ width, height } = await decoder.decode(bytes, im.file_name));
    } catch (e) {
      return fail('corrupt-image', (e as Error).message.replace(`${im.file_name}: `, ''));
    }
  }
  const warnings: DatasetWarning[] = [];
  if ((im.width !== null && im.width !== width) || (im.height !== null && im.height !== height)) {
    warnings.push({
      code: 'image-size-mismatch',
      message: `${im.file_name}: stored image is ${width}x${height} but the annotations say ${im.width}x${im.height} (the stored size is used, as DETR does)`,
      ...at,
    });
  }
  if (probe.note) {
    warnings.push({ code: 'image-read-as-pil-does', message: `${im.file_name}: ${probe.note}`, ...at });
  }
  if (probe.orientation !== 1) {
    warnings.push({
      code: 'exif-orientation',
      message: `${im.file_name}: EXIF orientation ${probe.orientation} is ignored (as DETR does): boxes refer to the stored pixels; viewers that rotate the image will show them misplaced`,
      ...at,
    });
  }
  return { image: im, size: [width, height], warnings };
}

export async function validateDataset(ds: Dataset, opts: ValidateOptions = {}): Promise<ValidatedDataset> {
  const total = ds.images.length;
  const results: Checked[] = new Array(total);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < total) {
      const i = next++;
      results[i] = await checkImage(ds, ds.images[i], opts);
      opts.onProgress?.(++done, total);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.concurrency ?? 8, total)) }, worker));

  const warned = new Set(ds.warnings.filter((w) => w.code === 'zero-area-box' || w.code === 'negative-size-box').map((w) => w.annotation_id));
  const warnings = [...ds.warnings];
  const images: DatasetImage[] = [];
  const storedSize = new Map<number, [number, number]>();
  let trainingBoxes = 0;
  for (const r of results) {
    warnings.push(...r.warnings);
    if (!r.size) continue;
    images.push(r.image);
    storedSize.set(r.image.id, r.size);
    const { target, dropped } = prepareTarget(r.image.id, ds.annotations.get(r.image.id) ?? [], r.size[0], r.size[1]);
    trainingBoxes += target.labels.length;
    for (const id of dropped) {
      if (warned.has(id)) continue;
      warnings.push({
        code: 'box-outside-image',
        message: `annotation id ${id} (${r.image.file_name}): bbox lies outside the ${r.size[0]}x${r.size[1]} image: never a training target`,
        annotation_id: id,
        image_id: r.image.id,
        file_name: r.image.file_name,
      });
    }
  }
  if (images.length === 0) {
    throw new DatasetError(`${ds.name}: no usable image: all ${total} image files are missing, unreadable or unsupported (first: ${results[0]?.warnings[0]?.message ?? 'none'})`);
  }
  const annotations = new Map(images.map((im) => [im.id, ds.annotations.get(im.id) ?? []]));
  return { ...ds, images, annotations, warnings, trainingBoxes, storedSize };
}
