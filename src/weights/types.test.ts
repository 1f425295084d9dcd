import { describe, expect, it } from 'vitest';
import { checkTensor, toFloat32, typedView } from './types';

describe('toFloat32', () => {
  it('widens float16 exactly, including subnormals, infinities and NaN', () => {
    // 0x3c00 = 1, 0xc000 = -2, 0x0001 = 2^-24 (smallest subnormal), 0x7bff = 65504 (max), 0x7c00 = inf, 0x7e00 = NaN
    const out = toFloat32({ dtype: 'float16', shape: [6], data: Uint16Array.of(0x3c00, 0xc000, 0x0001, 0x7bff, 0x7c00, 0x7e00) });
    expect(Array.from(out)).toEqual([1, -2, 2 ** -24, 65504, Infinity, NaN]);
  });

  it('widens bfloat16 (the top 16 bits of a float32) and int64, narrows float64', () => {
    expect(Array.from(toFloat32({ dtype: 'bfloat16', shape: [2], data: Uint16Array.of(0x3f80, 0xc0a0) }))).toEqual([1, -5]);
    expect(Array.from(toFloat32({ dtype: 'int64', shape: [2], data: BigInt64Array.of(-3n, 2n ** 40n) }))).toEqual([-3, 2 ** 40]);
    expect(Array.from(toFloat32({ dtype: 'float64', shape: [1], data: Float64Array.of(0.1) }))).toEqual([Math.fround(0.1)]);
    expect(Array.from(toFloat32({ dtype: 'bool', shape: [2], data: Uint8Array.of(1, 0) }))).toEqual([1, 0]);
  });
});

describe('typedView', () => {
  it('views aligned bytes without copying and copies misaligned ones', () => {
    const bytes = new Uint8Array(16);
    new Float32Array(bytes.buffer).set([1, 2, 3, 4]);
    expect(typedView('float32', bytes, 4, 2).buffer).toBe(bytes.buffer);
    const odd = new Uint8Array(17);
    odd.set(bytes, 1);
    const v = typedView('float32', odd, 1, 4);
    expect(v.buffer).not.toBe(odd.buffer);
    expect(Array.from(v as Float32Array)).toEqual([1, 2, 3, 4]);
  });

  it('checkTensor names the tensor and the mismatch', () => {
    expect(() => checkTensor({ dtype: 'float32', shape: [2, 2], data: new Float32Array(3) }, 'w')).toThrow('w: shape [2,2] needs 4 elements, data has 3');
    expect(() => checkTensor({ dtype: 'int64', shape: [1], data: new Int32Array(1) }, 'w')).toThrow('w: int64 data must be a BigInt64Array');
  });
});
