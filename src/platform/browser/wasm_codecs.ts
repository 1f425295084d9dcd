/**
 * The WebAssembly image codecs for the page (inside the worker): @jsquash/jpeg (MozJPEG) and
 * @jsquash/webp (libwebp), the same builds Node uses, so page and CLI decode to the same pixels. The
 * .wasm binaries are served by Vite from this origin (`?url` imports), never from another host; each
 * is fetched and compiled on first use.
 */
import jpegWasmUrl from '@jsquash/jpeg/codec/dec/mozjpeg_dec.wasm?url';
import webpWasmUrl from '@jsquash/webp/codec/dec/webp_dec.wasm?url';
import type { RgbaImage, WasmCodecs, WasmDecode } from '../../data/image_decode';

interface CodecModule {
  init(module: WebAssembly.Module): Promise<void>;
  default(buffer: ArrayBuffer, options?: { preserveOrientation?: boolean }): Promise<RgbaImage>;
}

async function compile(url: string): Promise<WebAssembly.Module> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return WebAssembly.compile(await res.arrayBuffer());
}

/** The bytes as an ArrayBuffer of their own (the codecs take whole buffers). */
function ownBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
    ? (bytes.buffer as ArrayBuffer)
    : (bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
}

async function load(mod: Promise<CodecModule>, wasmUrl: string, options?: { preserveOrientation: boolean }): Promise<WasmDecode | null> {
  try {
    const m = await mod;
    await m.init(await compile(wasmUrl));
    return (bytes) => m.default(ownBuffer(bytes), options);
  } catch (e) {
    console.warn(`image codec ${wasmUrl} could not be loaded: ${(e as Error).message}`);
    return null;
  }
}

let codecs: Promise<WasmCodecs> | null = null;

/** Both codecs, loaded once per worker; a codec that fails to load is null (the decoder says so). */
export function loadBrowserCodecs(): Promise<WasmCodecs> {
  codecs ??= (async () => {
    const [jpeg, webp] = await Promise.all([
      load(import('@jsquash/jpeg/decode.js') as Promise<unknown> as Promise<CodecModule>, jpegWasmUrl, { preserveOrientation: false }),
      load(import('@jsquash/webp/decode.js') as Promise<unknown> as Promise<CodecModule>, webpWasmUrl),
    ]);
    return { jpeg, webp };
  })();
  return codecs;
}
