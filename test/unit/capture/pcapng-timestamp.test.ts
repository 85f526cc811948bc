/**
 * Exact split of pcapng 64-bit timestamps into seconds and nanoseconds for
 * every if_tsresol form. Expected values are worked out by hand from the
 * 64-bit value (noted beside each case); a seeded sweep then checks random
 * values against BigInt arithmetic done here in the test.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { PcapngTimestamp } from '../../../src/capture/pcapng-timestamp.js';

function split(tsresol: number, hi: number, lo: number, offset = 0): [number, number] {
  const t = new PcapngTimestamp(tsresol, offset);
  t.convert(hi, lo);
  return [t.sec, t.nsec];
}

describe('pcapng timestamps, decimal resolutions', () => {
  it('default resolution is 10^-6', () => {
    const t = new PcapngTimestamp();
    t.convert(0x00060a24, 0x18202240); // 1700000000123456 µs
    expect([t.sec, t.nsec]).toEqual([1700000000, 123456000]);
  });

  it('10^-6 beyond 2^53 (the limb path)', () => {
    // 2^64 - 1 µs = 18446744073709.551615 s
    expect(split(6, 0xffffffff, 0xffffffff)).toEqual([18446744073709, 551615000]);
  });

  it('10^-9', () => {
    expect(split(9, 0x17979cfe, 0x710868b1)).toEqual([1700000000, 987654321]); // 1700000000987654321 ns
    expect(split(9, 1, 0)).toEqual([4, 294967296]); // 2^32 ns = 4.294967296 s
    expect(split(9, 0, 999999999)).toEqual([0, 999999999]);
  });

  it('10^-3 and 10^0', () => {
    expect(split(3, 0x18b, 0xcfe5687b)).toEqual([1700000000, 123000000]); // 1700000000123 ms
    expect(split(0, 0, 0x6553f100)).toEqual([1700000000, 0]); // 1700000000 s
  });

  it('finer than nanoseconds truncates', () => {
    // 12345678901234567890 units (0xab54a98c_eb1f0ad2)
    expect(split(10, 0xab54a98c, 0xeb1f0ad2)).toEqual([1234567890, 123456789]); // 1234567890.1234567890 s
    expect(split(12, 0xab54a98c, 0xeb1f0ad2)).toEqual([12345678, 901234567]); // 12345678.901234567890 s
    expect(split(19, 0xab54a98c, 0xeb1f0ad2)).toEqual([1, 234567890]); // 1.2345678901234567890 s
    expect(split(20, 0xab54a98c, 0xeb1f0ad2)).toEqual([0, 123456789]); // 0.12345678901234567890 s
    expect(split(127, 0xffffffff, 0xffffffff)).toEqual([0, 0]);
  });
});

describe('pcapng timestamps, binary resolutions (high bit set)', () => {
  it('2^-1', () => {
    expect(split(0x81, 0, 3)).toEqual([1, 500000000]); // 3 half-seconds
  });

  it('2^-30', () => {
    // 1700000000 * 2^30 + 2^29: hi = 1700000000 / 4 = 425000000, lo = 2^29
    expect(split(0x9e, 425000000, 0x20000000)).toEqual([1700000000, 500000000]);
  });

  it('2^-32: the low half is the fraction', () => {
    expect(split(0xa0, 5, 0x40000000)).toEqual([5, 250000000]);
  });

  it('2^-36: remainder spans both halves', () => {
    // hi = 28 = 0b11100 -> ts = 1.75 * 2^36
    expect(split(0xa4, 28, 0)).toEqual([1, 750000000]);
  });

  it('2^-40', () => {
    // ts = 7 * 2^40 + 2^39 + 2^32 - 1: hi = 0x780, lo = 0xffffffff
    // nsec = floor((2^39 + 2^32 - 1) * 10^9 / 2^40) = 503906249
    expect(split(0xa8, 0x780, 0xffffffff)).toEqual([7, 503906249]);
  });

  it('2^-64 and 2^0', () => {
    expect(split(0xc0, 0x80000000, 0)).toEqual([0, 500000000]);
    expect(split(0xc0, 0xffffffff, 0xffffffff)).toEqual([0, 999999999]);
    expect(split(0x80, 0, 0x6553f100)).toEqual([1700000000, 0]);
  });
});

describe('if_tsoffset', () => {
  it('adds whole seconds, positive or negative', () => {
    expect(split(9, 0x17979cfe, 0x710868b1, 100)).toEqual([1700000100, 987654321]);
    expect(split(6, 0x00060a24, 0x18202240, -5)).toEqual([1699999995, 123456000]);
  });

  it('reconfiguring a converter replaces resolution and offset', () => {
    const t = new PcapngTimestamp(9, 100);
    t.configure(3, 0);
    t.convert(0x18b, 0xcfe5687b);
    expect([t.sec, t.nsec]).toEqual([1700000000, 123000000]);
  });
});

describe('agreement with BigInt arithmetic', () => {
  const resolutions = [
    ...Array.from({ length: 25 }, (_, k) => k), // 10^-0 .. 10^-24
    ...[0, 1, 9, 10, 20, 23, 24, 30, 31, 32, 33, 40, 41, 42, 52, 53, 63, 64, 65, 100, 127].map((k) => 0x80 | k),
  ];
  it('random 64-bit values, every resolution', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...resolutions),
        fc.oneof(
          fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), // mostly the limb path
          fc.bigInt({ min: 0n, max: (1n << 53n) - 1n }), // the plain-double fast path
          fc.bigInt({ min: (1n << 53n) - 4096n, max: (1n << 53n) + 4096n }), // around the switch
        ),
        (res, ts) => {
        const k = BigInt(res & 0x7f);
        const r = (res & 0x80) !== 0 ? 1n << k : 10n ** k;
        const sec = ts / r;
        const nsec = ((ts % r) * 1_000_000_000n) / r;
        const t = new PcapngTimestamp(res, 0);
        t.convert(Number(ts >> 32n), Number(ts & 0xffffffffn));
        // seconds beyond 2^53 cannot be exact as a number; compare what is representable
        if (sec <= BigInt(Number.MAX_SAFE_INTEGER)) expect(t.sec).toBe(Number(sec));
        expect(t.nsec).toBe(Number(nsec));
        },
      ),
      { seed: 20251123, numRuns: 20000 },
    );
  });
});
