// Unsigned big-endian byte strings <-> bigint, and modular exponentiation: the arithmetic the chip
// protocols (Active Authentication's RSA recovery, DH Chip Authentication) do outside node:crypto.

/** Unsigned big-endian bytes as a bigint (empty = 0). */
export const bigFromBytes = (bytes: Uint8Array): bigint => BigInt(`0x${Buffer.from(bytes).toString('hex') || '0'}`);

/** A non-negative bigint as exactly `length` big-endian bytes (left-padded with zeros). */
export const bytesFromBig = (value: bigint, length: number): Buffer => Buffer.from(value.toString(16).padStart(length * 2, '0'), 'hex');

/** base^exp mod m by square-and-multiply (exp >= 0, m > 0). */
export function modPow(base: bigint, exp: bigint, mod: bigint): bigint {
  let result = 1n;
  let b = base % mod;
  for (let e = exp; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % mod;
    b = (b * b) % mod;
  }
  return result;
}
