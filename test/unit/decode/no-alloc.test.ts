/**
 * decodeFrame allocates nothing per frame (DESIGN.md §3 rules 1-2; gopacket
 * asserts zero allocations the same way). The probe runs in its own
 * `node --expose-gc` process against the compiled decoder in dist/ (`npm test`
 * builds it first; by hand, `npm run build`).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { expectNoAllocation, runAllocProbe, YOUNG_GROWTH_BOUND, type AllocFigures } from '../alloc-probe.js';
import { LinkType } from '../../../src/capture/frame-source.js';
import { Outcome } from '../../../src/decode/outcome.js';
import * as F from './fixtures.js';
import { patch } from './hex.js';

const SCRIPT = fileURLToPath(new URL('./no-alloc.mjs', import.meta.url));
const SRC_DIR = fileURLToPath(new URL('../../../src/decode/', import.meta.url));
const DIST_DIR = fileURLToPath(new URL('../../../dist/decode/', import.meta.url));
const ITERATIONS = 1_000_000;
const MIB = 1024 * 1024;

// A mixed set: every valid fixture and a few drops, each with the outcome its layout implies.
const MIX: [Buffer, number, number][] = [
  [F.AWS_TCP_SYN, LinkType.ETHERNET, Outcome.DECODED],
  [F.OUTER_QINQ_UDP, LinkType.ETHERNET, Outcome.DECODED],
  [F.INNER_VLAN_UDP, LinkType.ETHERNET, Outcome.DECODED],
  [F.INNER_IPV6_HBH_FRAG, LinkType.ETHERNET, Outcome.DECODED],
  [F.INNER_IPV4_FIRST_FRAGMENT, LinkType.ETHERNET, Outcome.DECODED],
  [F.INNER_IPV4_LAST_FRAGMENT, LinkType.ETHERNET, Outcome.DECODED],
  [F.AWS_PACKETLENGTH_CUT, LinkType.ETHERNET, Outcome.DECODED],
  [F.INNER_PADDED_WITH_FCS, LinkType.ETHERNET, Outcome.DECODED],
  [F.INNER_ARP, LinkType.ETHERNET, Outcome.DECODED],
  [F.INNER_ICMP_ECHO, LinkType.ETHERNET, Outcome.DECODED],
  [F.INNER_ICMPV6_ECHO, LinkType.ETHERNET, Outcome.DECODED],
  [F.AWS_TCP_SYN_SLL, LinkType.LINUX_SLL, Outcome.DECODED],
  [F.AWS_TCP_SYN_SLL2, LinkType.LINUX_SLL2, Outcome.DECODED],
  [F.AWS_TCP_SYN_RAW_IPV4, LinkType.RAW, Outcome.DECODED],
  [F.RAW_IPV6_CARRIER, LinkType.IPV6, Outcome.DECODED],
  [patch(F.AWS_TCP_SYN, { 42: 0x00 }), LinkType.ETHERNET, Outcome.VXLAN_I_FLAG_UNSET],
  [patch(F.AWS_TCP_SYN, { 36: 0x00, 37: 0x35 }), LinkType.ETHERNET, Outcome.UDP_NOT_TUNNEL_PORT],
  [patch(F.AWS_TCP_SYN, { 96: 0x40 }), LinkType.ETHERNET, Outcome.INNER_TCP_BAD_DATA_OFFSET],
  [F.AWS_TCP_SYN, 105, Outcome.LINK_TYPE_UNSUPPORTED],
];

interface ProbeResult extends AllocFigures {
  iterations: number;
  heapRetained: number;
  nsPerFrame: number;
  outcomes: Record<string, number>;
}

function probe(extra: string[] = []): ProbeResult {
  const input = JSON.stringify(MIX.map(([frame, linkType]) => ({ hex: frame.toString('hex'), linkType })));
  return runAllocProbe<ProbeResult>(SCRIPT, ['--iterations', String(ITERATIONS), ...extra], input);
}

describe('decodeFrame allocates nothing per frame', () => {
  it('dist/ holds a build of the current src/decode (npm test builds it; by hand: npm run build)', () => {
    for (const f of readdirSync(SRC_DIR).filter((n) => n.endsWith('.ts'))) {
      const built = DIST_DIR + f.replace(/\.ts$/, '.js');
      expect(existsSync(built), `${built} missing: run npm run build`).toBe(true);
      expect(statSync(built).mtimeMs, `${built} older than src/decode/${f}: run npm run build`).toBeGreaterThanOrEqual(
        statSync(SRC_DIR + f).mtimeMs,
      );
    }
  });

  it('1 M mixed frames through one view: no heap growth, no garbage collection', () => {
    const r = probe();
    // the probe really decoded the mix: each frame's expected outcome, ITERATIONS / MIX.length times (+1 for the first few)
    const expected: Record<string, number> = {};
    MIX.forEach(([, , outcome], i) => {
      const times = Math.floor(ITERATIONS / MIX.length) + (i < ITERATIONS % MIX.length ? 1 : 0);
      expected[outcome] = (expected[outcome] ?? 0) + times;
    });
    expect(r.outcomes).toEqual(expected);
    // One 16-byte HeapNumber on one frame of the 19 would add 840 KB, and on every frame 16 MB.
    expectNoAllocation(r);
    expect(r.heapRetained).toBeLessThan(MIB / 2);
  });

  it('control: the probe does see a single subarray() per frame', () => {
    const r = probe(['--control']);
    expect(r.gcDuringLoop > 0 || r.youngGrowthDuringLoop >= YOUNG_GROWTH_BOUND).toBe(true);
  });
});
