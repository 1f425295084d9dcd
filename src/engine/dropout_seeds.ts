/**
 * The source of dropout seeds for training forwards: seed_k = hash(base seed, k) for the k-th dropout
 * call of the run. Counter-based, so its whole state is one integer and a resumed run draws exactly
 * the masks the uninterrupted run would have drawn (tf.dropout is deterministic given its seed).
 */

export interface DropoutSeedsState {
  seed: number;
  counter: number;
}

/** A 32-bit integer hash of (seed, counter): two rounds of the murmur3 finaliser. */
function mix(seed: number, counter: number): number {
  let h = (seed ^ Math.imul(counter + 1, 0x9e3779b9)) >>> 0;
  for (let r = 0; r < 2; r++) {
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
    h = (h ^ (h >>> 16)) >>> 0;
  }
  return h;
}

export class DropoutSeeds {
  private counter = 0;
  constructor(private seed: number) {}

  next(): number {
    return mix(this.seed, this.counter++);
  }

  stateDict(): DropoutSeedsState {
    return { seed: this.seed, counter: this.counter };
  }

  loadStateDict(s: DropoutSeedsState): void {
    if (!Number.isInteger(s?.seed) || !Number.isInteger(s?.counter) || s.counter < 0) {
      throw new Error(`dropout seed state must be {seed, counter} integers, got ${JSON.stringify(s)}`);
    }
    this.seed = s.seed;
    this.counter = s.counter;
  }
}
