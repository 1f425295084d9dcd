import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { linearSumAssignment } from './linear_sum_assignment';
import { hasPython, skipReason, SYSTEM_PYTHON } from '../testing/paths';
import { mulberry32 } from './rng';


interface Case {
  name: string;
  nr: number;
  nc: number;
  cost: Float64Array | Float32Array;
}

function totalCost(c: ArrayLike<number>, nc: number, rows: ArrayLike<number>, cols: ArrayLike<number>): number {
  let s = 0;
  for (let k = 0; k < rows.length; k++) s += c[rows[k] * nc + cols[k]];
  return s;
}

function makeCases(): Case[] {
  const cases: Case[] = [];
  const r = mulberry32(1234);
  const shapes: [number, number, number][] = [
    [10, 3, 20], [3, 10, 20], [100, 20, 20], [20, 100, 10], [300, 100, 5], [50, 50, 10], [1, 1, 3], [1, 7, 3], [7, 1, 3],
  ];
  for (const [nr, nc, reps] of shapes) {
    for (let k = 0; k < reps; k++) {
      const f = new Float32Array(nr * nc);
      for (let i = 0; i < f.length; i++) f[i] = r() * 4 - 1; // DETR-like: mixed-sign costs
      cases.push({ name: `float32 ${nr}x${nc} #${k}`, nr, nc, cost: f });
    }
  }
  // integer costs with many ties
  for (const [nr, nc, hi] of [[10, 10, 3], [30, 10, 5], [10, 30, 5], [50, 50, 4], [100, 20, 2], [6, 6, 1]] as const) {
    for (let k = 0; k < 10; k++) {
      const d = new Float64Array(nr * nc);
      for (let i = 0; i < d.length; i++) d[i] = Math.floor(r() * (hi + 1));
      cases.push({ name: `int[0..${hi}] ${nr}x${nc} #${k}`, nr, nc, cost: d });
    }
  }
  // +inf entries (forbidden pairs), still feasible: each row keeps a finite diagonal-ish entry
  for (const [nr, nc] of [[8, 8], [20, 12], [12, 20]] as const) {
    for (let k = 0; k < 5; k++) {
      const d = new Float64Array(nr * nc);
      for (let i = 0; i < nr; i++) {
        for (let j = 0; j < nc; j++) d[i * nc + j] = r() < 0.4 && (i % nc) !== j && (j % nr) !== i ? Infinity : r() * 10;
      }
      cases.push({ name: `+inf ${nr}x${nc} #${k}`, nr, nc, cost: d });
    }
  }
  return cases;
}

const SCIPY_SCRIPT = `
import sys, json, numpy as np
from scipy.optimize import linear_sum_assignment
out = []
for c in json.load(sys.stdin):
    m = np.array([float(x) for x in c['cost']], dtype=np.float64).reshape(c['nr'], c['nc'])
    try:
        r, k = linear_sum_assignment(m)
        out.append({'rows': r.tolist(), 'cols': k.tolist()})
    except ValueError as e:
        out.append({'error': str(e)})
json.dump(out, sys.stdout)
`;

function runScipy(cases: Case[]): ({ rows: number[]; cols: number[] } | { error: string })[] {
  // JSON cannot carry Infinity; send numbers as strings that Python's float() reads back exactly
  const payload = JSON.stringify(cases.map((c) => ({ nr: c.nr, nc: c.nc, cost: Array.from(c.cost, (x) => String(x)) })))
    .replace(/"Infinity"/g, '"inf"');
  const out = execFileSync(SYSTEM_PYTHON, ['-c', SCIPY_SCRIPT], { input: payload, maxBuffer: 1 << 28 });
  return JSON.parse(out.toString());
}

const haveScipy = hasPython(['scipy', 'numpy']);

describe.skipIf(!haveScipy)('linearSumAssignment vs scipy.optimize.linear_sum_assignment', () => {
  it('matches the optimum total on every case, and the exact assignment as often as possible', () => {
    const cases = makeCases();
    const ref = runScipy(cases);
    let same = 0;
    const differing: string[] = [];
    for (let n = 0; n < cases.length; n++) {
      const c = cases[n];
      const e = ref[n];
      if ('error' in e) throw new Error(`scipy failed on ${c.name}: ${e.error}`);
      const got = linearSumAssignment(c.cost, c.nr, c.nc);
      expect(got.rows.length, c.name).toBe(Math.min(c.nr, c.nc));
      const ours = totalCost(c.cost, c.nc, got.rows, got.cols);
      const theirs = totalCost(c.cost, c.nc, e.rows, e.cols);
      expect(Math.abs(ours - theirs), `${c.name}: ours ${ours}, scipy ${theirs}`).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(theirs)));
      const identical = Array.from(got.rows).join() === e.rows.join() && Array.from(got.cols).join() === e.cols.join();
      if (identical) same++;
      else differing.push(c.name);
    }
    console.log(`linear_sum_assignment: ${same}/${cases.length} assignments identical to scipy's${differing.length ? `; differ: ${differing.join(', ')}` : ''}`);
    // A step-for-step port in float64 resolves ties exactly as scipy does.
    expect(differing).toEqual([]);
  });

  it('reports an infeasible matrix like scipy does', () => {
    const d = new Float64Array([1, Infinity, 2, Infinity]); // column 1 all +inf, 2x2 needs both columns
    const ref = runScipy([{ name: 'infeasible', nr: 2, nc: 2, cost: d }])[0];
    expect('error' in ref && ref.error).toMatch(/infeasible/);
    expect(() => linearSumAssignment(d, 2, 2)).toThrow(/infeasible/);
  });
});

if (!haveScipy) {
  describe('linearSumAssignment vs scipy', () => {
    it.skip(skipReason('scipy comparison', `${SYSTEM_PYTHON} cannot import scipy (apt-get install python3-scipy)`), () => {});
  });
}

describe('linearSumAssignment properties', () => {
  it('brute force on tiny 5x4 and 4x5 matrices', () => {
    const r = mulberry32(7);
    const perms = (n: number, k: number): number[][] => {
      // all injective maps from k items into n slots
      if (k === 0) return [[]];
      const out: number[][] = [];
      for (const p of perms(n, k - 1)) for (let x = 0; x < n; x++) if (!p.includes(x)) out.push([...p, x]);
      return out;
    };
    for (let t = 0; t < 50; t++) {
      for (const [nr, nc] of [[5, 4], [4, 5], [4, 4]] as const) {
        const d = new Float64Array(nr * nc);
        for (let i = 0; i < d.length; i++) d[i] = t % 2 ? Math.floor(r() * 4) : r();
        let best = Infinity;
        if (nr >= nc) {
          for (const p of perms(nr, nc)) best = Math.min(best, p.reduce((s, row, col) => s + d[row * nc + col], 0));
        } else {
          for (const p of perms(nc, nr)) best = Math.min(best, p.reduce((s, col, row) => s + d[row * nc + col], 0));
        }
        const got = linearSumAssignment(d, nr, nc);
        expect(totalCost(d, nc, got.rows, got.cols)).toBeCloseTo(best, 12);
        expect(new Set(got.cols).size).toBe(Math.min(nr, nc));
        for (let k = 1; k < got.rows.length; k++) expect(got.rows[k]).toBeGreaterThan(got.rows[k - 1]);
      }
    }
  });

  it('permuting the rows keeps the optimum cost', () => {
    const r = mulberry32(99);
    for (const [nr, nc] of [[100, 20], [20, 100], [30, 30]] as const) {
      const d = new Float64Array(nr * nc);
      for (let i = 0; i < d.length; i++) d[i] = r();
      const perm = Array.from({ length: nr }, (_, i) => i).sort(() => r() - 0.5);
      const p = new Float64Array(nr * nc);
      for (let i = 0; i < nr; i++) p.set(d.subarray(perm[i] * nc, perm[i] * nc + nc), i * nc);
      const a = linearSumAssignment(d, nr, nc);
      const b = linearSumAssignment(p, nr, nc);
      expect(totalCost(p, nc, b.rows, b.cols)).toBeCloseTo(totalCost(d, nc, a.rows, a.cols), 10);
    }
  });

  it('gives the identity on a constant matrix, empty results for 0 targets', () => {
    const got = linearSumAssignment(new Float32Array(12).fill(3), 4, 3);
    expect(Array.from(got.rows)).toEqual([0, 1, 2]);
    expect(Array.from(got.cols)).toEqual([0, 1, 2]);
    for (const [nr, nc] of [[100, 0], [0, 5], [0, 0]]) {
      const e = linearSumAssignment(new Float32Array(0), nr, nc);
      expect(e.rows.length + e.cols.length).toBe(0);
    }
  });

  it('rejects NaN, -inf and a wrong buffer length, naming the problem', () => {
    expect(() => linearSumAssignment(new Float64Array([0, NaN, 1, 2]), 2, 2)).toThrow('cost matrix contains invalid numeric entries');
    expect(() => linearSumAssignment(new Float64Array([0, -Infinity, 1, 2]), 2, 2)).toThrow('cost matrix contains invalid numeric entries');
    expect(() => linearSumAssignment(new Float64Array(5), 2, 3)).toThrow(/5 entries, expected 2x3/);
  });
});
