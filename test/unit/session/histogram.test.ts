import { describe, expect, it } from 'vitest';
import { HIST_BUCKETS, bucketLowerUs, bucketOf, bucketUpperUs, quantileUs } from '../../../src/session/histogram.js';

describe('histogram buckets', () => {
  it('is exact below 8 µs and 8 buckets per power of two above', () => {
    expect([0, 1, 7].map(bucketOf)).toEqual([0, 1, 7]);
    expect(bucketOf(8)).toBe(8); // [8, 9)
    expect(bucketOf(15)).toBe(15); // [15, 16)
    expect(bucketOf(16)).toBe(16); // [16, 18)
    expect(bucketOf(17)).toBe(16);
    expect(bucketOf(1024)).toBe(8 + 7 * 8); // 2^10: e=10 → 8 + (10-3)*8 + 0
    expect(bucketLowerUs(bucketOf(1000))).toBeLessThanOrEqual(1000);
    expect(bucketUpperUs(bucketOf(1000))).toBeGreaterThan(1000);
    expect(bucketOf(2 ** 60)).toBe(HIST_BUCKETS - 1);
  });
  it('every value lies in its bucket', () => {
    for (let v = 0; v < 100000; v += 37) {
      const b = bucketOf(v);
      expect(bucketLowerUs(b)).toBeLessThanOrEqual(v);
      expect(bucketUpperUs(b)).toBeGreaterThan(v);
    }
  });
  it('quantiles: bucket midpoint clamped to min/max', () => {
    const c = new Float64Array(HIST_BUCKETS);
    for (const v of [100, 200, 300, 400]) c[bucketOf(v)]++;
    // rank ceil(0.5*4) = 2 → 200 µs, bucket [192, 208) → midpoint 200.
    expect(quantileUs(c, 0, 0.5, 100, 400)).toBe(200);
    // rank 4 → 400, bucket [384, 416) midpoint 400.
    expect(quantileUs(c, 0, 0.99, 100, 400)).toBe(400);
    const one = new Float64Array(HIST_BUCKETS);
    one[bucketOf(737)]++;
    expect(quantileUs(one, 0, 0.5, 737, 737)).toBe(737);
  });
});
