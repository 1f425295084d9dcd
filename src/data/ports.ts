/**
 * What the data pipeline needs from the outside world, as small interfaces. Node implements them in
 * src/platform/node (a folder, fs reads, pngjs/jpeg-js decoding); the page will implement them in
 * src/platform/browser (a FileList with webkitRelativePath, a Blob for zips, IndexedDB storage,
 * createImageBitmap decoding). The zip reader (zip_source.ts) is shared: it only needs RandomAccessFile.
 */
import type { RgbImage } from './types';

/** A set of files under one root (a folder, a zip, a dropped FileList). */
export interface DatasetSource {
  /** For messages: the folder or archive the user gave. */
  readonly name: string;
  /** Every file, as a '/'-separated path relative to the root (no leading './' or '/'). */
  list(): Promise<string[]>;
  /** One file's bytes; rejects with an Error naming the path when it cannot be read. */
  read(path: string): Promise<Uint8Array>;
  /** Releases what the source holds open (a zip's file handle); optional. */
  close?(): Promise<void>;
  /** One file's size in bytes without reading it (for progress), when the source knows it. */
  size?(path: string): Promise<number | null>;
  /**
   * True when the files came without their folders (several files picked at once in a browser):
   * a `file_name` with folders is then matched by its base name (discover.ts makeResolver).
   */
  readonly flat?: boolean;
}

/**
 * Decodes one encoded image (PNG, JPEG, ...) to 8-bit RGB exactly as PIL's
 * `Image.open(f).convert('RGB')`: stored pixels, alpha dropped (not composited), EXIF orientation NOT
 * applied. Rejects with a DatasetError whose message names `fileName`.
 */
export interface ImageDecoder {
  decode(bytes: Uint8Array, fileName: string): Promise<RgbImage>;
}

/** Random access to one large file (a zip), so only the needed byte ranges are read. */
export interface RandomAccessFile {
  readonly size: number;
  /** Exactly `length` bytes from `offset` (fewer only at the end of the file). */
  read(offset: number, length: number): Promise<Uint8Array>;
  close?(): Promise<void>;
}
