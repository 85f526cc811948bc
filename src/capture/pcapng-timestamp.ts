/**
 * Exact pcapng timestamps (draft-ietf-opsawg-pcapng, "Enhanced Packet Block"
 * and the `if_tsresol` / `if_tsoffset` options of the Interface Description
 * Block).
 *
 * An EPB carries a 64-bit count of time units, split into two 32-bit halves.
 * The unit is 10^-k s when the high bit of `if_tsresol` is clear and 2^-k s
 * when it is set (k = the low 7 bits; default 10^-6). We deliver whole
 * seconds and nanoseconds (truncated toward zero), exactly:
 *
 *   sec  = floor(ts / R) + if_tsoffset
 *   nsec = floor((ts mod R) * 10^9 / R)          where R = 10^k or 2^k
 *
 * The 64-bit value does not fit a double, and a BigInt per packet would
 * allocate, so the division is done on limbs: the high 32 bits, then two
 * 16-bit limbs of the low half. With a divisor below 2^37 every intermediate
 * (remainder * 2^16 + limb) stays below 2^53, where `Math.floor(x / d)` is
 * exact: a non-integer quotient of x < 2^53 is at least 1/d from the next
 * integer, more than the rounding error of the division.
 *
 * One converter exists per interface; `convert` writes its result to the
 * `sec` / `nsec` fields, so the per-packet path creates no object.
 */

const TWO_32 = 4294967296;
/** Below this high half, hi * 2^32 + lo < 2^53 and plain double arithmetic is exact. */
const FAST_HI_LIMIT = 2097152; // 2^21
/** 10^9 = 2^9 * 1953125: nanoseconds per second split into its power of two and the rest. */
const NS_ODD = 1953125;

const MODE_DEC_SMALL = 0; // 10^-k, k <= 9: divide by 10^k, scale the remainder up
const MODE_DEC_LARGE = 1; // 10^-k, k > 9: divide down to nanoseconds first
const MODE_BIN = 2; //       2^-k

export const DEFAULT_TSRESOL = 6;

export class PcapngTimestamp {
  /** Result of the last `convert`: whole seconds (if_tsoffset included). */
  sec = 0;
  /** Result of the last `convert`: nanoseconds, 0 <= nsec < 10^9. */
  nsec = 0;

  private mode = MODE_DEC_SMALL;
  private k = DEFAULT_TSRESOL;
  /** MODE_DEC_SMALL: 10^k and 10^(9-k). */
  private div = 1e6;
  private mul = 1000;
  /** MODE_DEC_LARGE: (k - 9) = 9 * fullSteps + rest; lastDiv = 10^rest. */
  private fullSteps = 0;
  private lastDiv = 1;
  /** MODE_BIN powers of two, precomputed. */
  private p2k = 1;
  private p2Low = 1; // 2^(32-k) when k <= 32, 2^(k-32) when 32 < k < 64
  private p2s = 1; // 2^|k-9|, or 2^(k-9-32) when k - 9 > 32
  private offset = 0;
  /** Scratch results of `divmod` (quotient as two uint32 halves, remainder). */
  private qHi = 0;
  private qLo = 0;
  private rem = 0;

  constructor(tsresol: number = DEFAULT_TSRESOL, offsetSec = 0) {
    this.configure(tsresol, offsetSec);
  }

  /** `tsresol` is the raw option byte; `offsetSec` the if_tsoffset value (seconds). */
  configure(tsresol: number, offsetSec: number): void {
    const k = tsresol & 0x7f;
    this.k = k;
    this.offset = offsetSec;
    if ((tsresol & 0x80) !== 0) {
      this.mode = MODE_BIN;
      this.p2k = 2 ** k;
      this.p2Low = k <= 32 ? 2 ** (32 - k) : 2 ** (k - 32);
      const s = k - 9;
      this.p2s = s <= 32 ? 2 ** Math.abs(s) : 2 ** (s - 32);
    } else if (k <= 9) {
      this.mode = MODE_DEC_SMALL;
      this.div = 10 ** k;
      this.mul = 10 ** (9 - k);
    } else {
      this.mode = MODE_DEC_LARGE;
      this.fullSteps = Math.floor((k - 9) / 9);
      this.lastDiv = 10 ** ((k - 9) % 9);
    }
  }

  /** Convert the timestamp whose halves are `hi` and `lo` (both uint32). */
  convert(hi: number, lo: number): void {
    if (this.mode === MODE_DEC_SMALL) {
      const d = this.div;
      let r: number;
      if (hi < FAST_HI_LIMIT) {
        const t = hi * TWO_32 + lo;
        const q = Math.floor(t / d);
        this.sec = q + this.offset;
        r = t - q * d;
      } else {
        this.divmod(hi, lo, d);
        this.sec = this.qHi * TWO_32 + this.qLo + this.offset;
        r = this.rem;
      }
      this.nsec = r * this.mul;
    } else if (this.mode === MODE_BIN) {
      this.convertBinary(hi, lo);
    } else {
      this.convertLargeDecimal(hi, lo);
    }
  }

  /** 2^-k units: shifts done as exact power-of-two divisions. */
  private convertBinary(hi: number, lo: number): void {
    const k = this.k;
    let sec: number;
    let rh: number; // remainder = rh * 2^32 + rl
    let rl: number;
    if (k <= 32) {
      const q = Math.floor(lo / this.p2k);
      sec = hi * this.p2Low + q;
      rh = 0;
      rl = lo - q * this.p2k;
    } else if (k < 64) {
      sec = Math.floor(hi / this.p2Low);
      rh = hi - sec * this.p2Low;
      rl = lo;
    } else {
      sec = 0;
      rh = hi;
      rl = lo;
    }
    // nsec = floor(rem * 10^9 / 2^k) = floor(rem * 1953125 / 2^(k-9)).
    // rl * 1953125 < 2^53 and rh * 1953125 < 2^53, so both products are exact.
    const s = k - 9;
    let ns: number;
    if (s <= 0) {
      ns = rl * NS_ODD * this.p2s; // k <= 9: rh is 0
    } else if (s <= 32) {
      // rh < 2^(k-32), so rh * 2^(32-s) = rh * 2^(41-k) is an integer.
      ns = (rh * NS_ODD * TWO_32) / this.p2s + Math.floor((rl * NS_ODD) / this.p2s);
    } else {
      // floor(P / 2^s) = floor(floor(P / 2^32) / 2^(s-32)), P = rh*1953125*2^32 + rl*1953125.
      ns = Math.floor((rh * NS_ODD + Math.floor((rl * NS_ODD) / TWO_32)) / this.p2s);
    }
    this.sec = sec + this.offset;
    this.nsec = ns;
  }

  /** 10^-k units with k > 9: reduce to a nanosecond count, then split it. */
  private convertLargeDecimal(hi: number, lo: number): void {
    let h = hi;
    let l = lo;
    // floor(floor(t / a) / b) == floor(t / (a * b)) for positive integers.
    for (let i = 0; i < this.fullSteps; i++) {
      this.divmod(h, l, 1e9);
      h = this.qHi;
      l = this.qLo;
    }
    if (this.lastDiv !== 1) {
      this.divmod(h, l, this.lastDiv);
      h = this.qHi;
      l = this.qLo;
    }
    this.divmod(h, l, 1e9);
    this.sec = this.qHi * TWO_32 + this.qLo + this.offset;
    this.nsec = this.rem;
  }

  /**
   * (hi * 2^32 + lo) divided by d (an integer, 1 <= d < 2^37): quotient into
   * qHi/qLo (uint32 halves), remainder into rem.
   */
  private divmod(hi: number, lo: number, d: number): void {
    const q1 = Math.floor(hi / d);
    let r = hi - q1 * d;
    let x = r * 65536 + (lo >>> 16);
    const q2 = Math.floor(x / d); // < 2^16 because r < d
    r = x - q2 * d;
    x = r * 65536 + (lo & 0xffff);
    const q3 = Math.floor(x / d); // < 2^16
    this.qHi = q1;
    this.qLo = q2 * 65536 + q3;
    this.rem = x - q3 * d;
  }
}
