/**
 * Exact rectangular linear sum assignment, as scipy.optimize.linear_sum_assignment solves it.
 *
 * Port of the shortest augmenting path method scipy uses (scipy/optimize/rectangular_lsap, after
 * DF Crouse, "On implementing 2D rectangular assignment algorithms", IEEE TAES 52(4), 2016), kept
 * step for step so that ties resolve as scipy resolves them:
 *   - a tall matrix (rows > cols) is transposed first, then the result is sorted back by row;
 *   - the remaining columns are scanned from the last one down (scipy fills `remaining` in reverse,
 *     so a constant matrix gives the identity);
 *   - among equal reduced costs the scan prefers a free column (a new sink);
 *   - every reduced cost is `minVal + cost - u[i] - v[j]` in float64, in that order.
 * DETR's HungarianMatcher calls it on [num_queries x num_targets] (e.g. 100x20, 300x100).
 *
 * Differences from scipy: none in the result. The workspace is preallocated and reused across calls
 * (module-level, grown on demand), so a solve allocates only its two output arrays.
 */

export interface Assignment {
  /** Row indices, ascending; length min(nRows, nCols). */
  rows: Int32Array;
  /** Column assigned to rows[k]. */
  cols: Int32Array;
}

/** Reused scratch space; grown when a larger problem arrives. */
class Workspace {
  /** Double-valued outputs kept unboxed: [0] minVal of the last augmentation, [1] sum of the
   *  entries read by first scans (screens for NaN / -inf). */
  scalars = new Float64Array(2);
  u = new Float64Array(0); // [nr] row duals
  v = new Float64Array(0); // [nc] column duals
  shortestPathCosts = new Float64Array(0); // [nc]
  path = new Int32Array(0); // [nc] predecessor row of each column
  col4row = new Int32Array(0); // [nr]
  row4col = new Int32Array(0); // [nc]
  remaining = new Int32Array(0); // [nc] columns not yet scanned
  visitedRows = new Int32Array(0); // [nr] rows scanned in this augmentation (SR as a list)
  visitedCols = new Int32Array(0); // [nc] columns scanned in this augmentation (SC as a list)
  nVisitedRows = 0;
  nVisitedCols = 0;

  ensure(nr: number, nc: number): void {
    if (this.u.length < nr) {
      this.u = new Float64Array(nr);
      this.col4row = new Int32Array(nr);
      this.visitedRows = new Int32Array(nr);
    }
    if (this.v.length < nc) {
      this.v = new Float64Array(nc);
      this.shortestPathCosts = new Float64Array(nc);
      this.path = new Int32Array(nc);
      this.row4col = new Int32Array(nc);
      this.remaining = new Int32Array(nc);
      this.visitedCols = new Int32Array(nc);
    }
  }
}

const ws = new Workspace();

/**
 * Minimum-cost assignment of min(nRows, nCols) rows to distinct columns.
 * @param cost row-major [nRows, nCols]; +Infinity marks a forbidden pair
 * @returns rows ascending and their columns, as scipy's `row_ind, col_ind`
 * @throws on NaN or -Infinity entries, a wrong buffer length, or when no finite assignment exists
 */
export function linearSumAssignment(cost: Float32Array | Float64Array, nRows: number, nCols: number): Assignment {
  if (!Number.isInteger(nRows) || !Number.isInteger(nCols) || nRows < 0 || nCols < 0) {
    throw new Error(`linearSumAssignment: bad shape ${nRows}x${nCols}`);
  }
  if (cost.length !== nRows * nCols) {
    throw new Error(`linearSumAssignment: cost has ${cost.length} entries, expected ${nRows}x${nCols}=${nRows * nCols}`);
  }
  if (nRows === 0 || nCols === 0) return { rows: new Int32Array(0), cols: new Int32Array(0) };

  const transpose = nCols < nRows;
  const nr = transpose ? nCols : nRows;
  const nc = transpose ? nRows : nCols;
  ws.ensure(nr, nc);
  // No copy: the solver reads cost[i * rs + j * cs] for internal row i, column j.
  const rs = transpose ? 1 : nCols;
  const cs = transpose ? nCols : 1;
  ws.scalars[1] = 0;

  const { u, v, col4row, row4col, path, shortestPathCosts } = ws;
  u.fill(0, 0, nr);
  v.fill(0, 0, nc);
  col4row.fill(-1, 0, nr);
  row4col.fill(-1, 0, nc);
  path.fill(-1, 0, nc);

  for (let curRow = 0; curRow < nr; curRow++) {
    const sink = augmentingPath(cost, rs, cs, nc, curRow);
    if (sink < 0) {
      checkEntries(cost);
      throw new Error('linearSumAssignment: cost matrix is infeasible (no assignment with a finite total)');
    }
    const minVal = ws.scalars[0];

    // update dual variables (SR / SC kept as lists of the visited rows and columns)
    u[curRow] += minVal;
    const vr = ws.visitedRows;
    for (let k = 0; k < ws.nVisitedRows; k++) {
      const i = vr[k];
      if (i !== curRow) u[i] += minVal - shortestPathCosts[col4row[i]];
    }
    const vc = ws.visitedCols;
    for (let k = 0; k < ws.nVisitedCols; k++) {
      const j = vc[k];
      v[j] -= minVal - shortestPathCosts[j];
    }

    // augment the previous solution along the path
    let j = sink;
    for (;;) {
      const i = path[j];
      row4col[j] = i;
      const prev = col4row[i];
      col4row[i] = j;
      j = prev;
      if (i === curRow) break;
    }
  }

  // Every entry was read once, in the first scan of its row; their sum is NaN or -inf whenever an
  // entry is NaN or -inf (the exact scan also covers finite entries whose sum overflowed).
  const sum = ws.scalars[1];
  if (sum !== sum || sum === -Infinity) checkEntries(cost);

  const rows = new Int32Array(nr);
  const cols = new Int32Array(nr);
  if (transpose) {
    // internal row i is original column i; order the pairs by original row through an inverse map
    const inv = path; // free now: [nc], nc === nRows
    inv.fill(-1, 0, nc);
    for (let i = 0; i < nr; i++) inv[col4row[i]] = i;
    for (let r = 0, k = 0; r < nc; r++) {
      if (inv[r] >= 0) {
        rows[k] = r;
        cols[k++] = inv[r];
      }
    }
  } else {
    for (let i = 0; i < nr; i++) {
      rows[i] = i;
      cols[i] = col4row[i];
    }
  }
  return { rows, cols };
}

function checkEntries(cost: Float32Array | Float64Array): void {
  for (let k = 0; k < cost.length; k++) {
    const x = cost[k];
    if (x !== x || x === -Infinity) throw new Error('linearSumAssignment: cost matrix contains invalid numeric entries (NaN or -inf)');
  }
}

/**
 * Dijkstra-like search from free row `start` for the nearest free column, in reduced costs.
 * Fills ws.path, ws.shortestPathCosts, the visited row/column lists and ws.scalars[0] (minVal); returns the sink
 * column, or -1 when every remaining column is at +Infinity (infeasible).
 */
function augmentingPath(cost: Float32Array | Float64Array, rs: number, cs: number, nc: number, start: number): number {
  const { u, v, path, row4col, shortestPathCosts: spc, remaining, visitedRows, visitedCols } = ws;
  let nvr = 0;
  let nvc = 0;

  // First scan, from the free row `start` over every column (minVal is 0 and u[start] is 0 here).
  // Most augmentations end right there, at a free column: a read-only pass finds it, and only when
  // the nearest column is taken does the full pass below record path costs for the search.
  let i = start;
  visitedRows[nvr++] = i;
  let lowest = Infinity;
  let index = -1;
  const base0 = i * rs;
  const u0 = u[i];
  {
    let sum = 0;
    let bestJ = -1;
    for (let j = nc - 1, k = base0 + (nc - 1) * cs; j >= 0; j--, k -= cs) {
      const x = cost[k]; // cost[i, j]
      sum += x;
      const r = 0 + x - u0 - v[j];
      const s = r < Infinity ? r : Infinity;
      if (s < lowest || (s === lowest && row4col[j] === -1)) {
        lowest = s;
        bestJ = j;
      }
    }
    ws.scalars[1] += sum;
    if (lowest === Infinity) {
      ws.nVisitedRows = nvr;
      ws.nVisitedCols = nvc;
      return -1;
    }
    if (row4col[bestJ] === -1) {
      path[bestJ] = i;
      spc[bestJ] = lowest;
      visitedCols[nvc++] = bestJ;
      ws.nVisitedRows = nvr;
      ws.nVisitedCols = nvc;
      ws.scalars[0] = lowest;
      return bestJ;
    }
  }
  // The full first scan, as scipy runs it: it also initialises `remaining` (reverse order, as scipy:
  // a constant cost matrix gives the identity, scipy #11602) and the path costs.
  lowest = Infinity;
  for (let it = 0, k = base0 + (nc - 1) * cs; it < nc; it++, k -= cs) {
    const j = nc - 1 - it;
    remaining[it] = j;
    const r = 0 + cost[k] - u0 - v[j];
    let s = Infinity;
    if (r < s) {
      path[j] = i;
      s = r;
    }
    spc[j] = s;
    if (s < lowest || (s === lowest && row4col[j] === -1)) {
      lowest = s;
      index = it;
    }
  }
  let minVal = lowest;
  if (minVal === Infinity) {
    ws.nVisitedRows = nvr;
    ws.nVisitedCols = nvc;
    return -1;
  }
  let numRemaining = nc;
  let sink = -1;
  {
    const j = remaining[index];
    if (row4col[j] === -1) sink = j;
    else i = row4col[j];
    visitedCols[nvc++] = j;
    remaining[index] = remaining[--numRemaining];
  }

  while (sink === -1) {
    index = -1;
    lowest = Infinity;
    visitedRows[nvr++] = i;
    const base = i * rs;
    const ui = u[i];
    for (let it = 0; it < numRemaining; it++) {
      const j = remaining[it];
      const r = minVal + cost[base + j * cs] - ui - v[j];
      let s = spc[j];
      if (r < s) {
        path[j] = i;
        spc[j] = r;
        s = r;
      }
      // among equal minima prefer a column that is free (a new sink), as scipy does
      if (s < lowest || (s === lowest && row4col[j] === -1)) {
        lowest = s;
        index = it;
      }
    }

    minVal = lowest;
    if (minVal === Infinity) {
      ws.nVisitedRows = nvr;
      ws.nVisitedCols = nvc;
      return -1;
    }
    const j = remaining[index];
    if (row4col[j] === -1) sink = j;
    else i = row4col[j];
    visitedCols[nvc++] = j;
    remaining[index] = remaining[--numRemaining];
  }
  ws.nVisitedRows = nvr;
  ws.nVisitedCols = nvc;
  ws.scalars[0] = minVal;
  return sink;
}

// Give the interpreter type feedback for every path (fast first scan, full search, chains, ties,
// transposed or not) on Float32Array costs, what the matcher passes, before V8 optimises: otherwise the first
// optimised code lacks a rare path, deoptimises when a later matrix takes it, and in some processes
// then runs from on-stack-replacement code only, about twice as slow. Small integer matrices with
// many ties cover the paths; this costs some tens of microseconds at import.
{
  let seed = 12345;
  for (const [nr, nc] of [[4, 4], [6, 6], [5, 3], [3, 5], [8, 8]]) {
    for (let rep = 0; rep < 4; rep++) {
      const m = new Float32Array(nr * nc);
      for (let k = 0; k < m.length; k++) m[k] = (seed = (seed * 1103515245 + 12345) % 2147483648) % 3;
      linearSumAssignment(m, nr, nc);
    }
  }
}
