import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseIpAddress } from '../../../src/decode/ip-address-text.js';

/** Words as unsigned hex, for readable expectations. */
function parse(text: string): { version: number; words: string[] } {
  const out = new Int32Array(4);
  const version = parseIpAddress(text, out);
  const n = version === 4 ? 1 : version === 6 ? 4 : 0;
  return { version, words: Array.from(out.subarray(0, n), (w) => (w >>> 0).toString(16).padStart(8, '0')) };
}

describe('parseIpAddress', () => {
  // Expected words worked out by hand from RFC 4291 §2.2's text forms.
  it.each([
    ['10.0.1.25', 4, ['0a000119']],
    ['255.255.255.255', 4, ['ffffffff']],
    ['0.0.0.0', 4, ['00000000']],
    ['::ffff:10.0.2.20', 4, ['0a000214']], // IPv4-mapped: what a udp6 socket reports for an IPv4 peer
    ['::FFFF:0a00:0214', 4, ['0a000214']],
    ['::', 6, ['00000000', '00000000', '00000000', '00000000']],
    ['::1', 6, ['00000000', '00000000', '00000000', '00000001']],
    ['2001:db8::', 6, ['20010db8', '00000000', '00000000', '00000000']],
    ['fd00::10', 6, ['fd000000', '00000000', '00000000', '00000010']],
    ['2604:1380:4091:ce00::b', 6, ['26041380', '4091ce00', '00000000', '0000000b']],
    ['1:2:3:4:5:6:7:8', 6, ['00010002', '00030004', '00050006', '00070008']],
    ['1::8', 6, ['00010000', '00000000', '00000000', '00000008']],
    ['1:2:3:4:5:6:7::', 6, ['00010002', '00030004', '00050006', '00070000']],
    ['::2:3:4:5:6:7:8', 6, ['00000002', '00030004', '00050006', '00070008']],
    ['64:ff9b::192.0.2.33', 6, ['0064ff9b', '00000000', '00000000', 'c0000221']],
    ['fe80::1%eth0', 6, ['fe800000', '00000000', '00000000', '00000001']], // dgram's link-local peers carry a zone
  ])('%s', (text, version, words) => {
    expect(parse(text)).toEqual({ version, words });
  });

  it.each([
    '', '1.2.3', '1.2.3.4.5', '256.1.1.1', '01.2.3.4', '1.2.3.', '.1.2.3', '1..2.3', 'a.b.c.d', ' 1.2.3.4',
    ':', ':1', '1:', ':::', '1::2::3', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7', '12345::', 'g::1',
    '1:2:3:4:5:6:7:8::', '::1.2.3', '1:2:3:4:5:6:7:1.2.3.4', 'localhost',
  ])('refuses %j', (text) => {
    expect(parse(text).version).toBe(0);
  });

  it('agrees with the WHATWG URL parser on any IPv6 address (its canonical, compressed form)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 }), (groups) => {
        // The URL parser is independent of ours: it prints the canonical RFC 5952 text.
        const full = groups.map((g) => g.toString(16)).join(':');
        const canonical = new URL(`http://[${full}]/`).hostname.slice(1, -1);
        const out = new Int32Array(4);
        const mapped = groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff;
        for (const text of [full, canonical]) {
          const version = parseIpAddress(text, out);
          if (mapped) {
            expect(version).toBe(4);
            expect(out[0] >>> 0).toBe(groups[6] * 0x10000 + groups[7]);
          } else {
            expect(version).toBe(6);
            for (let i = 0; i < 4; i++) expect(out[i] >>> 0).toBe(groups[2 * i] * 0x10000 + groups[2 * i + 1]);
          }
        }
      }),
      { numRuns: 2000 },
    );
  });
});
