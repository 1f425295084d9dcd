/**
 * Optional WebAssembly codecs for Node: @jsquash/jpeg (MozJPEG, i.e. libjpeg-turbo's decoder: islow IDCT,
 * fancy upsampling, the same YCbCr tables) and @jsquash/webp (libwebp). Measured bit-exact with PIL 9.4's
 * `convert('RGB')` (libjpeg-turbo 2.1.5, libwebp 1.2.4) on 4:2:0, 4:2:2, 4:4:4, progressive and greyscale
 * JPEGs and on lossy/lossless WebP with and without alpha (image_decoder.test.ts). EXIF orientation is not
 * applied (preserveOrientation: false), as in DETR.
 *
 * They are loaded on first use through a computed specifier, so the project builds and runs without
 * them (the decoder then falls back to jpeg-js for JPEG and refuses WebP).
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { RgbaImage, WasmCodecs } from '../../data/image_decode';

interface CodecModule {
  init(module: WebAssembly.Module): Promise<void>;
  default(buffer: ArrayBuffer, options?: { preserveOrientation?: boolean }): Promise<RgbaImage>;
}

async function load(pkg: string, entry: string, wasm: string): Promise<CodecModule | null> {
  try {
    const require = createRequire(import.meta.url);
    const root = dirname(require.resolve(`${pkg}/package.json`));
    const specifier = `${pkg}/${entry}`;
    const mod = (await import(/* @vite-ignore */ specifier)) as CodecModule;
    await mod.init(await WebAssembly.compile(await readFile(join(root, wasm))));
    return mod;
  } catch {
    return null;
  }
}

function arrayBufferOf(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

let codecs: Promise<WasmCodecs> | null = null;

/** Loads both codecs once per process; each is null when its package is absent. */
export function loadWasmCodecs(): Promise<WasmCodecs> {
  codecs ??= (async () => {
    const [jpeg, webp] = await Promise.all([
      load('@jsquash/jpeg', 'decode.js', 'codec/dec/mozjpeg_dec.wasm'),
      load('@jsquash/webp', 'decode.js', 'codec/dec/webp_dec.wasm'),
    ]);
    return {
      jpeg: jpeg ? (b) => jpeg.default(arrayBufferOf(b), { preserveOrientation: false }) : null,
      webp: webp ? (b) => webp.default(arrayBufferOf(b)) : null,
    };
  })();
  return codecs;
}
