/**
 * The page's ImageDecoder (used in the worker): the decoder Node uses (src/data/image_decode.ts) with
 * the wasm codecs fetched from this origin. Never createImageBitmap for the pixels the model sees: it
 * applies EXIF orientation even with imageOrientation 'none' (Chromium), and premultiplies alpha.
 */
import { CodecImageDecoder } from '../../data/image_decode';
import { loadBrowserCodecs } from './wasm_codecs';

export class BrowserImageDecoder extends CodecImageDecoder {
  constructor() {
    super(loadBrowserCodecs);
  }
}
