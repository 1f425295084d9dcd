/**
 * Node's ImageDecoder: the shared decoder (src/data/image_decode.ts: PNG in TypeScript, JPEG and WebP
 * through the WebAssembly codecs, jpeg-js for CMYK) with the codecs read from disk (wasm_codecs.ts).
 * The page runs the same decoder with the codecs fetched from its origin, so page and CLI see the same
 * pixels. What each format gives, and how it compares with PIL, is in docs/datasets.md.
 */
import { CodecImageDecoder, decodeImageSync } from '../../data/image_decode';
import { loadWasmCodecs } from './wasm_codecs';

export class NodeImageDecoder extends CodecImageDecoder {
  constructor() {
    super(loadWasmCodecs);
  }
}

export { decodeImageSync };
