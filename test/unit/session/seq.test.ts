import { describe, expect, it } from 'vitest';
import { seqAdd, seqDiff, seqGE, seqGT, seqLE, seqLT } from '../../../src/session/seq.js';

describe('seq (mod 2^32)', () => {
  it('orders plain numbers', () => {
    expect(seqLT(1, 2)).toBe(true);
    expect(seqGT(2, 1)).toBe(true);
    expect(seqLE(5, 5)).toBe(true);
    expect(seqGE(5, 5)).toBe(true);
    expect(seqLT(5, 5)).toBe(false);
  });
  it('wraps across 2^32', () => {
    // 0xFFFFFF00 + 0x200 = 0x1_0000_0100 → 0x100; 0x100 is "after" 0xFFFFFF00 by 512.
    expect(seqAdd(0xffffff00, 0x200)).toBe(0x100);
    expect(seqDiff(0x100, 0xffffff00)).toBe(512);
    expect(seqGT(0x100, 0xffffff00)).toBe(true);
    expect(seqLT(0xffffff00, 0x100)).toBe(true);
    expect(seqLE(0xffffffff, 0)).toBe(true);
    expect(seqGT(0, 0xffffffff)).toBe(true);
  });
  it('treats distances of 2^31 and more as the other way round', () => {
    expect(seqGT(0x7fffffff, 0)).toBe(true); // 2^31 - 1 ahead
    expect(seqGT(0x80000000, 0)).toBe(false); // exactly 2^31: compares as "less"
    expect(seqLT(0x80000001, 0)).toBe(true); // 2^31 + 1 ahead = 2^31 - 1 behind
  });
});
