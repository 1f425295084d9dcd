/**
 * Reference runs of Debian's PIL (/usr/bin/python3 + python3-pil) for the data pipeline's tests:
 * raw RGB bytes in and out through stdin/stdout, so no temporary image files are needed.
 */
import { execFileSync } from 'node:child_process';
import { SYSTEM_PYTHON, hasPython } from './paths';

export function hasPil(): boolean {
  return hasPython(['PIL', 'numpy']);
}

/** Runs a python snippet with `data` on stdin (bytes) and returns stdout bytes. */
export function runPython(script: string, data: Uint8Array = new Uint8Array(0), args: string[] = []): Uint8Array {
  const out = execFileSync(SYSTEM_PYTHON, ['-c', script, ...args], { input: data, maxBuffer: 1 << 30 });
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/** PIL `Image.frombytes('RGB', (w, h), data).resize((outW, outH), Image.BILINEAR)` -> RGB bytes. */
export function pilResizeBilinear(data: Uint8Array, w: number, h: number, outW: number, outH: number): Uint8Array {
  const script = [
    'import sys',
    'from PIL import Image',
    'w, h, ow, oh = map(int, sys.argv[1:5])',
    "im = Image.frombytes('RGB', (w, h), sys.stdin.buffer.read())",
    'sys.stdout.buffer.write(im.resize((ow, oh), Image.BILINEAR).tobytes())',
  ].join('\n');
  return runPython(script, data, [w, h, outW, outH].map(String));
}

/** PIL `Image.open(file).convert('RGB')` on encoded image bytes -> {width, height, data}. */
export function pilDecodeRgb(encoded: Uint8Array): { width: number; height: number; data: Uint8Array } {
  const script = [
    'import sys, io, struct',
    'from PIL import Image',
    "im = Image.open(io.BytesIO(sys.stdin.buffer.read())).convert('RGB')",
    "sys.stdout.buffer.write(struct.pack('<II', im.width, im.height) + im.tobytes())",
  ].join('\n');
  const out = runPython(script, encoded);
  const view = new DataView(out.buffer, out.byteOffset, 8);
  return { width: view.getUint32(0, true), height: view.getUint32(4, true), data: out.slice(8) };
}
