// Prime-curve point arithmetic for PACE's generic mapping (ICAO 9303-11 section 4.4.3.3.1), which
// needs what node's ECDH does not offer: the whole shared point H = SK_map * PK_map (not only its x),
// the mapped generator G~ = s * G + H, and public keys on G~. Jacobian coordinates, BigInt.
// The scalars are ephemeral (one per session) and BigInt timing is not constant: acceptable for a
// station that talks to one chip at a time over the air gap of a reader, and said here so nobody
// reuses this for long-term keys.
import { NAMED_CURVES } from '../ec-curves.js';
import { bigFromBytes, modPow } from '../bigint-bytes.js';
import { ChipAccessError } from './chip-access-error.js';

export interface Curve {
  readonly name: string;
  readonly p: bigint;
  readonly a: bigint;
  readonly b: bigint;
  readonly n: bigint;
  readonly g: Point;
  readonly bytes: number;
}

export interface Point { readonly x: bigint; readonly y: bigint }

const big = (hex: string) => BigInt(`0x${hex}`);
const mod = (v: bigint, m: bigint) => ((v % m) + m) % m;


export function curveByName(name: string): Curve {
  const c = NAMED_CURVES.find((k) => k.name === name);
  if (!c) throw new ChipAccessError('unsupported', `curve ${name} is not known`);
  const bytes = (c.g.length - 2) / 4;
  return { name, p: big(c.p), a: big(c.a), b: big(c.b), n: big(c.n), bytes, g: { x: big(c.g.slice(2, 2 + bytes * 2)), y: big(c.g.slice(2 + bytes * 2)) } };
}

export function isOnCurve(c: Curve, q: Point): boolean {
  if (q.x < 0n || q.x >= c.p || q.y < 0n || q.y >= c.p) return false;
  return mod(q.y * q.y - (q.x * q.x * q.x + c.a * q.x + c.b), c.p) === 0n;
}

export function encodePoint(c: Curve, q: Point): Buffer {
  const hex = (v: bigint) => v.toString(16).padStart(c.bytes * 2, '0');
  return Buffer.from(`04${hex(q.x)}${hex(q.y)}`, 'hex');
}

/** An uncompressed point from the chip, checked to lie on the curve. */
export function decodePoint(c: Curve, bytes: Uint8Array, what: string): Point {
  if (bytes.length !== 1 + 2 * c.bytes || bytes[0] !== 0x04) throw new ChipAccessError('malformed', `${what} is not an uncompressed ${c.name} point`);
  const b = Buffer.from(bytes);
  const q = { x: bigFromBytes(b.subarray(1, 1 + c.bytes)), y: bigFromBytes(b.subarray(1 + c.bytes)) };
  if (!isOnCurve(c, q)) throw new ChipAccessError('malformed', `${what} is not on ${c.name}`);
  return q;
}

type Jacobian = { x: bigint; y: bigint; z: bigint };
const INFINITY: Jacobian = { x: 1n, y: 1n, z: 0n };

function double(c: Curve, P: Jacobian): Jacobian {
  if (P.z === 0n || P.y === 0n) return INFINITY;
  const p = c.p;
  const yy = (P.y * P.y) % p;
  const zz = (P.z * P.z) % p;
  const s = (4n * P.x * yy) % p;
  const m = mod(3n * P.x * P.x + c.a * zz * zz, p);
  const x = mod(m * m - 2n * s, p);
  const y = mod(m * (s - x) - 8n * yy * yy, p);
  return { x, y, z: (2n * P.y * P.z) % p };
}

function addAffine(c: Curve, P: Jacobian, q: Point): Jacobian {
  if (P.z === 0n) return { x: q.x, y: q.y, z: 1n };
  const p = c.p;
  const z1z1 = (P.z * P.z) % p;
  const u2 = (q.x * z1z1) % p;
  const s2 = (q.y * P.z * z1z1) % p;
  const h = mod(u2 - P.x, p);
  const r = mod(s2 - P.y, p);
  if (h === 0n) return r === 0n ? double(c, P) : INFINITY;
  const hh = (h * h) % p;
  const hhh = (h * hh) % p;
  const v = (P.x * hh) % p;
  const x = mod(r * r - hhh - 2n * v, p);
  return { x, y: mod(r * (v - x) - P.y * hhh, p), z: (P.z * h) % p };
}

function toAffine(c: Curve, P: Jacobian): Point {
  if (P.z === 0n) throw new ChipAccessError('malformed', 'a PACE computation reached the point at infinity');
  const zi = modPow(mod(P.z, c.p), c.p - 2n, c.p);
  const zi2 = (zi * zi) % c.p;
  return { x: (P.x * zi2) % c.p, y: (P.y * zi2 * zi) % c.p };
}

export function multiply(c: Curve, k: bigint, q: Point): Point {
  const scalar = mod(k, c.n);
  if (scalar === 0n) throw new ChipAccessError('malformed', 'a zero scalar in PACE');
  let R = INFINITY;
  for (let i = BigInt(scalar.toString(2).length - 1); i >= 0n; i--) {
    R = double(c, R);
    if ((scalar >> i) & 1n) R = addAffine(c, R, q);
  }
  return toAffine(c, R);
}

export function add(c: Curve, a: Point, b: Point): Point {
  return toAffine(c, addAffine(c, { x: a.x, y: a.y, z: 1n }, b));
}
