/**
 * TCP sequence-number arithmetic modulo 2^32 (RFC 1982 serial-number style,
 * as RFC 9293 §3.4 uses it).
 *
 * `a` is "less than" `b` when the forward distance from a to b, taken mod
 * 2^32, is in 1 .. 2^31 - 1. The signed 32-bit difference `(a - b) | 0`
 * gives exactly that. Distances of 2^31 are undefined in RFC 1982; here they
 * compare as "less" (the sign bit is set), which is consistent and harmless
 * for a tracker: no real window is 2 GiB wide.
 *
 * Inputs are uint32 numbers (or any number whose low 32 bits are the value);
 * results are plain booleans / numbers, no allocation.
 */

/** Signed distance a - b in the range -2^31 .. 2^31 - 1. */
export function seqDiff(a: number, b: number): number {
  return (a - b) | 0;
}

export function seqLT(a: number, b: number): boolean {
  return ((a - b) | 0) < 0;
}

export function seqLE(a: number, b: number): boolean {
  return ((a - b) | 0) <= 0;
}

export function seqGT(a: number, b: number): boolean {
  return ((a - b) | 0) > 0;
}

export function seqGE(a: number, b: number): boolean {
  return ((a - b) | 0) >= 0;
}

/** (a + n) mod 2^32 as a uint32. */
export function seqAdd(a: number, n: number): number {
  return (a + n) >>> 0;
}
