/**
 * A seeded, serialisable random number generator: xoshiro128** (Blackman & Vigna), 32-bit state words
 * only, so it is fast in JS without BigInt. It replaces Python's `random` and torch's generator in the
 * data pipeline (flip, RandomSelect, RandomResize, RandomSizeCrop, the epoch shuffle): the draws have
 * the same distributions as DETR's, not the same values (no implementation can reproduce torch's stream).
 *
 * `state()` / `setState()` capture and restore the exact position in the stream, so a resumed training
 * run continues with the same augmentations it would have drawn without the interruption.
 */

export type RngState = [number, number, number, number];

/** splitmix32: spreads a small integer seed over the 128-bit state (the xoshiro authors' advice). */
function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export class Rng {
  private s: Uint32Array = new Uint32Array(4);

  /** `seed` is any integer (taken modulo 2^32) or a saved state. */
  constructor(seed: number | RngState = 0) {
    if (Array.isArray(seed)) {
      this.setState(seed);
    } else {
      if (!Number.isFinite(seed)) throw new Error(`Rng: seed must be a finite number, got ${seed}`);
      const next = splitmix32(Math.floor(seed) % 2 ** 32);
      for (let i = 0; i < 4; i++) this.s[i] = next();
    }
  }

  /** The full generator state: four unsigned 32-bit integers (JSON-serialisable). */
  state(): RngState {
    return [this.s[0], this.s[1], this.s[2], this.s[3]];
  }

  setState(state: RngState): void {
    if (!Array.isArray(state) || state.length !== 4 || !state.every((v) => Number.isInteger(v) && v >= 0 && v < 2 ** 32)) {
      throw new Error(`Rng: a state is four unsigned 32-bit integers, got ${JSON.stringify(state)}`);
    }
    if (state.every((v) => v === 0)) throw new Error('Rng: the all-zero state is invalid for xoshiro128**');
    this.s.set(state);
  }

  /** The next unsigned 32-bit integer. */
  nextUint32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** Uniform in [0, 1) with 53 random bits, as Python's `random.random()`. */
  uniform(): number {
    const a = this.nextUint32() >>> 5; // 27 bits
    const b = this.nextUint32() >>> 6; // 26 bits
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** Uniform integer in [lo, hi] inclusive, as Python's `random.randint` (unbiased, by rejection). */
  randint(lo: number, hi: number): number {
    if (!Number.isInteger(lo) || !Number.isInteger(hi) || hi < lo) {
      throw new Error(`Rng.randint: empty range [${lo}, ${hi}]`);
    }
    const n = hi - lo + 1;
    if (n > 2 ** 32) throw new Error(`Rng.randint: range [${lo}, ${hi}] is wider than 2^32`);
    if (n === 2 ** 32) return lo + this.nextUint32();
    // Reject the top partial block so that every residue is equally likely.
    const limit = 2 ** 32 - (2 ** 32 % n);
    let r: number;
    do {
      r = this.nextUint32();
    } while (r >= limit);
    return lo + (r % n);
  }

  /** One element drawn uniformly, as Python's `random.choice`. */
  choice<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('Rng.choice: empty list');
    return items[this.randint(0, items.length - 1)];
  }

  /** Fisher-Yates shuffle in place (every permutation equally likely); returns the array. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.randint(0, i);
      const tmp = items[i];
      items[i] = items[j];
      items[j] = tmp;
    }
    return items;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/**
 * Mulberry32: a tiny seeded uniform [0, 1) generator for deterministic test data, synthetic images
 * and parameter initialisation (not serialisable; training randomness uses Rng above).
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
