// Seeded synthetic face templates shaped like dlib ResNet descriptors, for the 1:N search benchmark
// and tests: identities are points around a shared mean (as real descriptors share one), and each
// capture of an identity adds its own noise, of a strength drawn per capture, so distances between
// two captures of one person spread over the range real genuine pairs cover (~0.2 to ~0.6) and
// distances between people sit near 0.85 (dlib's scale). No real face is involved.

/** mulberry32: a small, fast, seeded PRNG (uniform in [0, 1)). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal samples (Box-Muller) from a uniform source. */
export function normalSource(uniform: () => number): () => number {
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const s = spare;
      spare = null;
      return s;
    }
    const u = Math.max(uniform(), 1e-12);
    const r = Math.sqrt(-2 * Math.log(u));
    const th = 2 * Math.PI * uniform();
    spare = r * Math.sin(th);
    return r * Math.cos(th);
  };
}

export interface SyntheticPopulationOptions {
  identities: number;
  dimension: number;
  seed: number;
  /** Per-component spread of identity centres (0.047: people ~0.85 apart in 128-d). */
  identitySpread?: number;
  /** Per-component capture noise is drawn uniformly from this range (genuine pairs ~0.2..0.6 apart in 128-d). */
  captureNoise?: [number, number];
}

export class SyntheticPopulation {
  readonly dimension: number;
  readonly identities: number;
  /** Identity centres, identities x dimension. */
  readonly centres: Float32Array;
  readonly #normal: () => number;
  readonly #uniform: () => number;
  readonly #noise: [number, number];

  constructor(o: SyntheticPopulationOptions) {
    this.dimension = o.dimension;
    this.identities = o.identities;
    this.#uniform = seededRandom(o.seed);
    this.#normal = normalSource(this.#uniform);
    this.#noise = o.captureNoise ?? [0.008, 0.027];
    const spread = o.identitySpread ?? 0.047;
    const mean = new Float32Array(o.dimension);
    for (let j = 0; j < o.dimension; j++) mean[j] = 0.05 * this.#normal();
    this.centres = new Float32Array(o.identities * o.dimension);
    for (let i = 0; i < o.identities; i++) {
      for (let j = 0; j < o.dimension; j++) this.centres[i * o.dimension + j] = mean[j] + spread * this.#normal();
    }
  }

  /** One capture of identity `id`: its centre plus fresh noise of a strength drawn per capture. */
  capture(id: number): Float32Array {
    const [lo, hi] = this.#noise;
    const sigma = lo + (hi - lo) * this.#uniform();
    const out = new Float32Array(this.dimension);
    for (let j = 0; j < this.dimension; j++) out[j] = this.centres[id * this.dimension + j] + sigma * this.#normal();
    return out;
  }

  /** A uniform integer in [0, n). */
  pick(n: number): number {
    return Math.floor(this.#uniform() * n);
  }
}

/** Exact float32 L2 distance (what compareFaces computes). */
export function l2(a: Float32Array, b: Float32Array, bOffset = 0): number {
  let s = 0;
  for (let j = 0; j < a.length; j++) {
    const d = a[j] - b[bOffset + j];
    s += d * d;
  }
  return Math.sqrt(s);
}
