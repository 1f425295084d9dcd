/**
 * Times linearSumAssignment against scipy.optimize.linear_sum_assignment on the shapes DETR's
 * HungarianMatcher solves ([num_queries x num_targets]: 100x20 and 300x100), float32 costs as DETR
 * passes them. scipy is measured in the same run by a /usr/bin/python3 subprocess, with the clock
 * inside Python so process start-up is excluded. Both sides solve the same matrices, cycling over a
 * pool. Each round gives the median over batches of the time per solve; rounds alternate between
 * the two sides and the best round of each is printed, so a burst of load on a shared machine does
 * not decide the ratio.
 *
 * Run alone: node bin/run-ts.js src/bench/matcher.ts
 */
import { execFileSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { linearSumAssignment } from '../math/linear_sum_assignment';
import { mulberry32 } from '../math/rng';

const SYSTEM_PYTHON = '/usr/bin/python3';
const SHAPES: [number, number][] = [[100, 20], [300, 100]];
const POOL = 32; // distinct matrices per shape
const TARGET = 1.5; // ours / scipy
const ROUNDS = 5;


function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Median microseconds per solve over `batches` passes over the pool (after a warm-up). */
function timeOurs(pool: Float32Array[], nr: number, nc: number, batches: number): number {
  // warm up for ~300 ms so the timed passes run optimised code
  const warmUntil = performance.now() + 300;
  while (performance.now() < warmUntil) for (const m of pool) linearSumAssignment(m, nr, nc);
  const perSolve: number[] = [];
  for (let b = 0; b < batches; b++) {
    const t0 = performance.now();
    for (const m of pool) linearSumAssignment(m, nr, nc);
    perSolve.push(((performance.now() - t0) * 1000) / pool.length);
  }
  return median(perSolve);
}

const SCIPY_TIMER = `
import sys, json, timeit, numpy as np
from scipy.optimize import linear_sum_assignment
req = json.load(sys.stdin)
nr, nc, batches = req['nr'], req['nc'], req['batches']
pool = [np.array(m, dtype=np.float32).reshape(nr, nc) for m in req['pool']]
def one_pass():
    for m in pool:
        linear_sum_assignment(m)
timeit.repeat(one_pass, number=1, repeat=20)
times = timeit.repeat(one_pass, number=1, repeat=batches)
print(json.dumps([t * 1e6 / len(pool) for t in times]))
`;

function timeScipy(pool: Float32Array[], nr: number, nc: number, batches: number): number | string {
  try {
    const input = JSON.stringify({ nr, nc, batches, pool: pool.map((m) => Array.from(m)) });
    const out = execFileSync(SYSTEM_PYTHON, ['-c', SCIPY_TIMER], { input, maxBuffer: 1 << 26, stdio: ['pipe', 'pipe', 'pipe'] });
    return median(JSON.parse(out.toString()) as number[]);
  } catch (e) {
    const msg = (e as { stderr?: Buffer }).stderr?.toString().trim().split('\n').pop() ?? String(e);
    return `scipy unavailable (${msg}); apt-get install python3-scipy`;
  }
}

export async function benchMatcher(): Promise<void> {
  const rand = mulberry32(2020);
  for (const [nr, nc] of SHAPES) {
    const pool = Array.from({ length: POOL }, () => {
      const m = new Float32Array(nr * nc);
      for (let i = 0; i < m.length; i++) m[i] = rand() * 4 - 1;
      return m;
    });
    const batches = nr * nc > 10_000 ? 40 : 200;
    let ours = Infinity;
    let scipy: number | string = Infinity;
    for (let round = 0; round < ROUNDS; round++) {
      ours = Math.min(ours, timeOurs(pool, nr, nc, batches));
      const s = timeScipy(pool, nr, nc, batches);
      scipy = typeof s === 'string' ? s : typeof scipy === 'string' ? scipy : Math.min(scipy, s);
    }
    const fmt = (us: number) => (us < 100 ? us.toFixed(1) : us.toFixed(0));
    if (typeof scipy === 'string') {
      console.log(`matcher ${nr}x${nc}: ours ${fmt(ours)} us, ${scipy}`);
    } else {
      console.log(`matcher ${nr}x${nc}: ours ${fmt(ours)} us, scipy ${fmt(scipy)} us, ratio ${(ours / scipy).toFixed(2)} (target <= ${TARGET})`);
    }
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await benchMatcher();
}
