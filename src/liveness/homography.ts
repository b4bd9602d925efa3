// A plane-to-plane projective map (homography) fitted to point correspondences by least squares, with
// Hartley's normalisation (both point sets moved to their centroid and scaled to mean distance √2, which
// keeps the normal equations well conditioned whatever the pixel scale). Used by the motion-consistency
// check: every view of a flat picture, however it is moved or tilted, is one homography of another.

/** Row-major 3×3 with h[8] = 1. */
export type Homography = Float64Array;

export interface Point2 { x: number; y: number }

interface Similarity { cx: number; cy: number; s: number }

function normaliser(points: readonly Point2[]): Similarity {
  let cx = 0, cy = 0;
  for (const p of points) { cx += p.x; cy += p.y; }
  cx /= points.length; cy /= points.length;
  let d = 0;
  for (const p of points) d += Math.hypot(p.x - cx, p.y - cy);
  d /= points.length;
  return { cx, cy, s: d > 1e-12 ? Math.SQRT2 / d : 1 };
}

/** Solves the n×n system a·x = b in place (a row-major) by Gaussian elimination with partial pivoting; null when singular. */
export function solveLinearSystem(a: Float64Array, b: Float64Array, n: number): Float64Array | null {
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(a[r * n + col]) > Math.abs(a[pivot * n + col])) pivot = r;
    if (Math.abs(a[pivot * n + col]) < 1e-12) return null;
    if (pivot !== col) {
      for (let c = 0; c < n; c++) [a[col * n + c], a[pivot * n + c]] = [a[pivot * n + c], a[col * n + c]];
      [b[col], b[pivot]] = [b[pivot], b[col]];
    }
    for (let r = col + 1; r < n; r++) {
      const f = a[r * n + col] / a[col * n + col];
      if (f === 0) continue;
      for (let c = col; c < n; c++) a[r * n + c] -= f * a[col * n + c];
      b[r] -= f * b[col];
    }
  }
  const x = new Float64Array(n);
  for (let r = n - 1; r >= 0; r--) {
    let s = b[r];
    for (let c = r + 1; c < n; c++) s -= a[r * n + c] * x[c];
    x[r] = s / a[r * n + r];
  }
  return x;
}

/**
 * The homography H with to ≈ H·from, minimising the algebraic error over all pairs (at least 4, not
 * collinear). Null when the points do not determine one (degenerate layout).
 */
export function fitHomography(from: readonly Point2[], to: readonly Point2[]): Homography | null {
  if (from.length !== to.length || from.length < 4) return null;
  const nf = normaliser(from), nt = normaliser(to);
  // Normal equations AᵀA·h = Aᵀb for the 8 unknowns (h33 = 1), two rows per correspondence.
  const ata = new Float64Array(64), atb = new Float64Array(8);
  const row = new Float64Array(8);
  const accumulate = (rhs: number) => {
    for (let i = 0; i < 8; i++) {
      atb[i] += row[i] * rhs;
      for (let j = 0; j < 8; j++) ata[i * 8 + j] += row[i] * row[j];
    }
  };
  for (let k = 0; k < from.length; k++) {
    const x = (from[k].x - nf.cx) * nf.s, y = (from[k].y - nf.cy) * nf.s;
    const u = (to[k].x - nt.cx) * nt.s, v = (to[k].y - nt.cy) * nt.s;
    row.set([x, y, 1, 0, 0, 0, -u * x, -u * y]); accumulate(u);
    row.set([0, 0, 0, x, y, 1, -v * x, -v * y]); accumulate(v);
  }
  const h = solveLinearSystem(ata, atb, 8);
  if (!h || !h.every(Number.isFinite)) return null;
  // Undo the normalisations: H = Tto⁻¹ · Hn · Tfrom.
  const hn = [h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7], 1];
  const tf = [nf.s, 0, -nf.s * nf.cx, 0, nf.s, -nf.s * nf.cy, 0, 0, 1];
  const ttInv = [1 / nt.s, 0, nt.cx, 0, 1 / nt.s, nt.cy, 0, 0, 1];
  const m = multiply(ttInv, multiply(hn, tf));
  if (Math.abs(m[8]) < 1e-12) return null;
  return Float64Array.from(m, (value) => value / m[8]);
}

function multiply(a: readonly number[] | Float64Array, b: readonly number[] | Float64Array): number[] {
  const out = new Array<number>(9).fill(0);
  for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) for (let k = 0; k < 3; k++) out[r * 3 + c] += a[r * 3 + k] * b[k * 3 + c];
  return out;
}

/** H·p, or null when p maps to infinity. */
export function applyHomography(h: Homography, p: Point2): Point2 | null {
  const w = h[6] * p.x + h[7] * p.y + h[8];
  if (Math.abs(w) < 1e-12) return null;
  return { x: (h[0] * p.x + h[1] * p.y + h[2]) / w, y: (h[3] * p.x + h[4] * p.y + h[5]) / w };
}
