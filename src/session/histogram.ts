/**
 * Log-linear histogram buckets for microsecond values (RTTs, durations),
 * stored as counts in a Float64Array segment: no objects.
 *
 * Values 0..7 µs get one bucket each; above that every power of two is
 * split into 8 equal buckets (HDR-histogram style), so a bucket's width is
 * at most 1/8 of its lower bound. Values of 2^47 µs (about 4.5 years) and
 * more share the last bucket. Quantiles report the bucket's midpoint,
 * clamped to the observed min and max, so they are within 6.25 % of a true
 * sample value (exact when all samples are equal).
 */
export const SUB_BUCKETS = 8;
const MAX_EXP = 47;
export const HIST_BUCKETS = SUB_BUCKETS + (MAX_EXP - 3 + 1) * SUB_BUCKETS; // 368

/** Bucket index of a value in µs (negative and NaN count as 0). */
export function bucketOf(us: number): number {
  if (!(us >= SUB_BUCKETS)) return us >= 0 ? Math.floor(us) : 0;
  let e = Math.floor(Math.log2(us));
  // Correct the float log at exact powers of two.
  if (2 ** e > us) e--;
  else if (2 ** (e + 1) <= us) e++;
  if (e > MAX_EXP) return HIST_BUCKETS - 1;
  const unit = 2 ** (e - 3);
  const sub = Math.floor(us / unit) - SUB_BUCKETS;
  return SUB_BUCKETS + (e - 3) * SUB_BUCKETS + sub;
}

/** Inclusive lower bound of bucket i, in µs. */
export function bucketLowerUs(i: number): number {
  if (i < SUB_BUCKETS) return i;
  const e = 3 + Math.floor((i - SUB_BUCKETS) / SUB_BUCKETS);
  const sub = (i - SUB_BUCKETS) % SUB_BUCKETS;
  return (SUB_BUCKETS + sub) * 2 ** (e - 3);
}

/** Exclusive upper bound of bucket i, in µs. */
export function bucketUpperUs(i: number): number {
  return i + 1 < HIST_BUCKETS ? bucketLowerUs(i + 1) : Infinity;
}

/**
 * The q-quantile (0 < q ≤ 1) of the counts at counts[base .. base + HIST_BUCKETS),
 * in µs: the midpoint of the bucket holding the ceil(q * n)-th smallest sample,
 * clamped to [minUs, maxUs]. NaN when there are no samples.
 */
export function quantileUs(counts: Float64Array, base: number, q: number, minUs: number, maxUs: number): number {
  let n = 0;
  for (let i = 0; i < HIST_BUCKETS; i++) n += counts[base + i];
  if (n === 0) return NaN;
  const rank = Math.max(1, Math.ceil(q * n));
  let seen = 0;
  for (let i = 0; i < HIST_BUCKETS; i++) {
    seen += counts[base + i];
    if (seen >= rank) {
      const lo = bucketLowerUs(i);
      const hi = bucketUpperUs(i);
      const mid = i < SUB_BUCKETS ? lo : hi === Infinity ? lo : (lo + hi) / 2;
      return Math.min(Math.max(mid, minUs), maxUs);
    }
  }
  return maxUs;
}
