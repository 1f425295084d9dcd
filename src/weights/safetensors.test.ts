import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TINY_FIXTURE, hasTinyFixture, skipReason } from '../testing/paths';
import { concatParts, readSafetensors, writeSafetensors } from './safetensors';
import type { TensorMap } from './types';

/** A safetensors file from a header object and a data region (for malformed cases). */
function raw(header: object, data: Uint8Array, lengthOverride?: number): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(lengthOverride ?? json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

const hasFixture = hasTinyFixture();
if (!hasFixture) skipReason('safetensors fixture tests', 'the shared fixtures are absent');

describe('safetensors', () => {
  it.skipIf(!hasFixture)('rewrites every fixture file byte for byte (header JSON, padding, order, metadata)', () => {
    for (const name of ['weights', 'intermediates', 'grads_step1', 'after_step1']) {
      const bytes = readFileSync(join(TINY_FIXTURE, `${name}.safetensors`));
      const f = readSafetensors(bytes, name);
      expect(f.tensors.size, name).toBeGreaterThan(10);
      expect(Buffer.from(concatParts(writeSafetensors(f.tensors, f.metadata))).equals(bytes), name).toBe(true);
    }
  });

  it.skipIf(!hasFixture)('reads zero-copy views into the input in file order', () => {
    const bytes = readFileSync(join(TINY_FIXTURE, 'weights.safetensors'));
    const f = readSafetensors(bytes);
    expect(f.metadata).toEqual({ format: 'pt', source: 'detr-oracle tiny-r18-sine' });
    const first = [...f.tensors][0];
    expect(first[0]).toBe('transformer.encoder.layers.0.self_attn.in_proj_weight');
    expect(first[1].shape).toEqual([192, 64]);
    expect(first[1].data.buffer).toBe(bytes.buffer);
  });

  it('round-trips every dtype, scalars, empty tensors, and copies misaligned data', () => {
    const tensors: TensorMap = new Map([
      ['u8', { dtype: 'uint8', shape: [3], data: Uint8Array.of(1, 2, 3) }],
      ['f64', { dtype: 'float64', shape: [2], data: Float64Array.of(Math.PI, -0) }], // starts at byte 3: misaligned
      ['f16', { dtype: 'float16', shape: [1], data: Uint16Array.of(0x3c00) }],
      ['bf16', { dtype: 'bfloat16', shape: [1], data: Uint16Array.of(0x3f80) }],
      ['i64', { dtype: 'int64', shape: [2], data: BigInt64Array.of(-(2n ** 62n), 5n) }],
      ['i32', { dtype: 'int32', shape: [1, 1], data: Int32Array.of(-7) }],
      ['i16', { dtype: 'int16', shape: [], data: Int16Array.of(-300) }],
      ['i8', { dtype: 'int8', shape: [1], data: Int8Array.of(-128) }],
      ['bool', { dtype: 'bool', shape: [2], data: Uint8Array.of(1, 0) }],
      ['empty', { dtype: 'float32', shape: [0, 4], data: new Float32Array(0) }],
    ]);
    const bytes = concatParts(writeSafetensors(tensors, { k: 'v' }));
    expect(Number(new DataView(bytes.buffer).getBigUint64(0, true)) % 8).toBe(0);
    const back = readSafetensors(bytes);
    expect([...back.tensors.keys()]).toEqual([...tensors.keys()]);
    for (const [k, t] of tensors) expect(back.tensors.get(k), k).toEqual(t);
    expect(back.metadata).toEqual({ k: 'v' });
  });

  const ok = { dtype: 'F32', shape: [2], data_offsets: [0, 8] };
  const eight = new Uint8Array(8);
  const cases: [string, Uint8Array, string][] = [
    ['too short', new Uint8Array(5), 'shorter than the 8-byte header length'],
    ['header length past the end', raw({ a: ok }, eight, 1e6), 'runs past the end of the file'],
    ['not JSON', raw({}, eight).fill(0x41, 8, 10), 'header is not valid UTF-8 JSON'],
    ['unknown dtype', raw({ a: { ...ok, dtype: 'F8_E4M3' } }, eight), 'tensor "a": unknown dtype "F8_E4M3"'],
    ['bad shape', raw({ a: { ...ok, shape: [-2] } }, eight), 'tensor "a": shape must be a list of non-negative integers'],
    ['offsets outside', raw({ a: { ...ok, data_offsets: [0, 16] } }, eight), 'tensor "a": data_offsets [0, 16] lie outside the data region (8 bytes)'],
    ['count mismatch', raw({ a: { ...ok, shape: [3] } }, eight), 'tensor "a": shape [3] of F32 needs 12 bytes, data_offsets span 8'],
    ['overlap', raw({ a: ok, b: { ...ok, shape: [1], data_offsets: [4, 8] } }, eight), 'overlaps the previous tensor'],
    ['hole', raw({ b: { ...ok, shape: [1], data_offsets: [4, 8] } }, eight), 'tensor "b" (data_offsets [4, 8]) leaves a hole of 4 bytes before it'],
    ['trailing bytes', raw({ a: ok }, new Uint8Array(12)), 'the tensors cover 8 bytes of data but the file holds 12'],
    ['metadata not strings', raw({ __metadata__: { a: 1 }, a: ok }, eight), '__metadata__["a"] must be a string'],
  ];
  for (const [what, bytes, message] of cases) {
    it(`refuses a malformed file (${what}) naming the problem`, () => {
      expect(() => readSafetensors(bytes, 'w.safetensors')).toThrow(message);
      expect(() => readSafetensors(bytes, 'w.safetensors')).toThrow(/^w\.safetensors: /);
    });
  }

  it('refuses to write a tensor whose data does not match its shape', () => {
    const bad: TensorMap = new Map([['w', { dtype: 'float32', shape: [3], data: new Float32Array(2) }]]);
    expect(() => writeSafetensors(bad)).toThrow('tensor "w": shape [3] needs 3 elements, data has 2');
  });
});
