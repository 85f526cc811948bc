/**
 * Fuzzing the decoder with fast-check (DESIGN.md §6: time-boxed property
 * fuzzing). Whatever the bytes, decodeFrame returns one valid outcome code,
 * never throws, never reads outside [offset, offset + capturedLength), and
 * keeps the view's invariants (attribution, unsigned fields, non-negative
 * lengths). Run counts are fixed (reproducible from the printed seed) and
 * sized to take a few seconds in all.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LinkType } from '../../src/capture/frame-source.js';
import { decodeFrame } from '../../src/decode/decoder.js';
import { makeDecoderConfig } from '../../src/decode/decoder-config.js';
import { OUTCOME_COUNT, Outcome } from '../../src/decode/outcome.js';
import { PacketView, Tunnel } from '../../src/decode/packet-view.js';
import * as F from '../unit/decode/fixtures.js';
import { contractFields } from '../unit/decode/view-helpers.js';

const CONFIGS = [makeDecoderConfig(), makeDecoderConfig({ reservedPolicy: 'strict' })];
const KNOWN_LINK_TYPES = [
  LinkType.ETHERNET,
  LinkType.RAW,
  LinkType.LINUX_SLL,
  LinkType.IPV4,
  LinkType.IPV6,
  LinkType.LINUX_SLL2,
];
const linkTypeArb = fc.oneof(fc.constantFrom(...KNOWN_LINK_TYPES), fc.integer({ min: -1, max: 70000 }));

const UINT32_FIELDS = [
  'outerSrc4', 'outerDst4', 'innerSrc4', 'innerDst4',
  'innerSrc6a', 'innerSrc6b', 'innerSrc6c', 'innerSrc6d',
  'innerDst6a', 'innerDst6b', 'innerDst6c', 'innerDst6d',
  'innerIpId', 'tcpSeq', 'tcpAck', 'tcpTsVal', 'tcpTsEcr',
] as const;
const OFFSET_FIELDS = ['outerL3Offset', 'outerL4Offset', 'tunnelOffset', 'innerL2Offset', 'innerL3Offset', 'l4Offset'] as const;

function isInnerReason(outcome: number): boolean {
  return (
    (outcome >= Outcome.INNER_ETH_TOO_SHORT && outcome <= Outcome.INNER_ICMP_TOO_SHORT) ||
    outcome === Outcome.INNER_TUNNEL_TOO_DEEP ||
    // the tunnel header was accepted (VNI known), what it carries is not decoded
    outcome === Outcome.GENEVE_UNSUPPORTED_PROTOCOL ||
    outcome === Outcome.VXLAN_GPE_UNSUPPORTED_PROTOCOL
  );
}

/** Reasons of a tunnel header itself: before any VNI, or for a nested header, with the outer one's. */
function isTunnelHeaderReason(outcome: number): boolean {
  return (
    (outcome >= Outcome.VXLAN_TOO_SHORT && outcome <= Outcome.VXLAN_RESERVED_NONZERO) ||
    (outcome >= Outcome.GENEVE_TOO_SHORT && outcome <= Outcome.VXLAN_GPE_I_FLAG_UNSET && outcome !== Outcome.GENEVE_UNSUPPORTED_PROTOCOL)
  );
}

function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(`invariant broken: ${what}`);
}

/**
 * Invariants that must hold after any decode of a frame at `start` with
 * `captured` bytes. Plain checks rather than expect(): this runs ~75 000
 * times and vitest's matchers cost tens of microseconds each.
 */
function checkView(outcome: number, view: PacketView, start: number, captured: number): void {
  check(Number.isInteger(outcome) && outcome >= 0 && outcome < OUTCOME_COUNT, `outcome ${outcome} is a code`);
  check(outcome !== Outcome.INTERNAL_ERROR, 'decoder never reports internal_error itself');

  // attribution: a VNI exactly when a tunnel header was accepted; a nested
  // header's own drop keeps the outer header's VNI
  const attributed = outcome === Outcome.DECODED || isInnerReason(outcome);
  const tunnel = view.tunnelType;
  const known = tunnel === Tunnel.VXLAN || tunnel === Tunnel.GENEVE || tunnel === Tunnel.VXLAN_GPE;
  if (attributed) check(known, `tunnelType ${tunnel} for outcome ${outcome}`);
  else if (tunnel !== Tunnel.NONE) check(known && isTunnelHeaderReason(outcome), `tunnelType ${tunnel} for outcome ${outcome}`);
  else check(view.vni === 0, 'no VNI before a tunnel accepted its header');
  if (tunnel !== Tunnel.NONE) check(view.tunnelDepth >= 1 && view.tunnelDepth <= 4, `tunnelDepth ${view.tunnelDepth}`);
  check(view.vni >= 0 && view.vni <= 0xffffff, `vni ${view.vni} is 24-bit`);

  for (const [k, v] of Object.entries(view)) {
    if (typeof v === 'number') check(Number.isInteger(v), `${k} = ${v} is an integer`);
    else check(typeof v === 'boolean', `${k} is a boolean`);
  }
  for (const k of UINT32_FIELDS) check(view[k] >= 0 && view[k] <= 0xffffffff, `${k} = ${view[k]} is uint32`);
  check(view.payloadLength >= 0, 'payloadLength >= 0');
  check(view.innerL2Length >= 0, 'innerL2Length >= 0');
  // every header position the decoder recorded for this frame lies inside the
  // captured bytes (only the layers it reached: PacketView's reset contract
  // leaves the others' fields as an earlier frame left them)
  const defined = contractFields(view, outcome);
  for (const k of OFFSET_FIELDS) {
    if (!defined.includes(k)) continue;
    const o = view[k];
    if (o !== 0) check(o >= start && o <= start + captured, `${k} = ${o} inside [${start}, ${start + captured}]`);
  }
  if (outcome === Outcome.DECODED) {
    check(view.innerL2Offset > start, 'decoded frames have an inner frame');
    check(view.innerIpVersion === 0 || view.innerIpVersion === 4 || view.innerIpVersion === 6, 'inner IP version');
  }
}

/**
 * The two views hold the same values in every field that PacketView's reset
 * contract defines for this frame (and define the same fields). Fields of
 * layers the frame did not reach may differ with what each view decoded before.
 */
function sameView(a: PacketView, b: PacketView, outcome: number): void {
  const x = a as unknown as Record<string, unknown>;
  const y = b as unknown as Record<string, unknown>;
  const fields = contractFields(a, outcome);
  check(fields.join() === contractFields(b, outcome).join(), 'same fields defined');
  for (const k of fields) check(Object.is(x[k], y[k]), `${k}: ${String(x[k])} vs ${String(y[k])}`);
}

describe('decodeFrame on random bytes', () => {
  it('any bytes, any link type: one valid outcome, never a throw', () => {
    const view = new PacketView();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 256, size: 'max' }), linkTypeArb, fc.boolean(), (bytes, linkType, strict) => {
        const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
        const outcome = decodeFrame(buf, 0, buf.length, buf.length, linkType, view, CONFIGS[strict ? 1 : 0]);
        checkView(outcome, view, 0, buf.length);
      }),
      { numRuns: 20_000 },
    );
  });

  it('random bytes behind a valid outer Ethernet/IPv4/UDP/VXLAN prefix reach the inner decoders', () => {
    // The first 50 bytes of AWS_TCP_SYN, with the lengths rewritten to cover the random tail.
    const view = new PacketView();
    const seen = new Set<number>();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200, size: 'max' }), (tail) => {
        const frame = Buffer.concat([F.AWS_TCP_SYN.subarray(0, 50), tail]);
        frame.writeUInt16BE(frame.length - 14, 16); // outer IPv4 total length
        frame.writeUInt16BE(frame.length - 34, 38); // UDP length
        const outcome = decodeFrame(frame, 0, frame.length, frame.length, LinkType.ETHERNET, view, CONFIGS[0]);
        checkView(outcome, view, 0, frame.length);
        check(view.vni === 16398363, 'always past VXLAN');
        seen.add(outcome);
      }),
      { numRuns: 10_000 },
    );
    expect(seen.has(Outcome.INNER_ETH_TOO_SHORT)).toBe(true);
    expect(seen.has(Outcome.DECODED)).toBe(true);
  });
});

interface Seed {
  name: string;
  frame: Buffer;
  linkType: number;
  /** Where the VXLAN header starts. */
  vxlan: number;
  /** Offsets of 16-bit length fields (IP total/payload length, UDP length) and single length bytes (IHL, data offset). */
  u16Lengths: number[];
  byteLengths: number[];
}

// Offsets read off the annotated layouts in fixtures.ts.
const SEEDS: Seed[] = [
  { name: 'AWS_TCP_SYN', frame: F.AWS_TCP_SYN, linkType: 1, vxlan: 42, u16Lengths: [16, 38, 66], byteLengths: [14, 64, 96, 105, 109, 111, 122] },
  { name: 'OUTER_QINQ_UDP', frame: F.OUTER_QINQ_UDP, linkType: 1, vxlan: 50, u16Lengths: [12, 16, 20, 24, 46, 74, 96], byteLengths: [22, 72] },
  { name: 'INNER_VLAN_UDP', frame: F.INNER_VLAN_UDP, linkType: 1, vxlan: 42, u16Lengths: [16, 38, 62, 66, 70, 92], byteLengths: [68] },
  { name: 'INNER_IPV6_HBH_FRAG', frame: F.INNER_IPV6_HBH_FRAG, linkType: 1, vxlan: 42, u16Lengths: [16, 38, 68, 114, 124], byteLengths: [70, 104, 105, 112] },
  { name: 'INNER_IPV4_FIRST_FRAGMENT', frame: F.INNER_IPV4_FIRST_FRAGMENT, linkType: 1, vxlan: 42, u16Lengths: [16, 38, 66, 70], byteLengths: [64] },
  { name: 'INNER_IPV4_LAST_FRAGMENT', frame: F.INNER_IPV4_LAST_FRAGMENT, linkType: 1, vxlan: 42, u16Lengths: [16, 38, 66, 70], byteLengths: [64] },
  { name: 'AWS_PACKETLENGTH_CUT', frame: F.AWS_PACKETLENGTH_CUT, linkType: 1, vxlan: 42, u16Lengths: [16, 38, 66], byteLengths: [64, 96, 107] },
  { name: 'INNER_PADDED_WITH_FCS', frame: F.INNER_PADDED_WITH_FCS, linkType: 1, vxlan: 42, u16Lengths: [16, 38, 66], byteLengths: [64, 96] },
  { name: 'INNER_ARP', frame: F.INNER_ARP, linkType: 1, vxlan: 42, u16Lengths: [16, 38, 62], byteLengths: [14] },
  { name: 'INNER_ICMP_ECHO', frame: F.INNER_ICMP_ECHO, linkType: 1, vxlan: 42, u16Lengths: [16, 38, 66], byteLengths: [64, 73] },
  { name: 'INNER_ICMPV6_ECHO', frame: F.INNER_ICMPV6_ECHO, linkType: 1, vxlan: 42, u16Lengths: [16, 38, 68], byteLengths: [70] },
  { name: 'AWS_TCP_SYN_SLL', frame: F.AWS_TCP_SYN_SLL, linkType: 113, vxlan: 44, u16Lengths: [14, 18, 40, 68], byteLengths: [16, 98] },
  { name: 'AWS_TCP_SYN_SLL2', frame: F.AWS_TCP_SYN_SLL2, linkType: 276, vxlan: 48, u16Lengths: [0, 22, 44, 72], byteLengths: [20, 102] },
  { name: 'AWS_TCP_SYN_RAW_IPV4', frame: F.AWS_TCP_SYN_RAW_IPV4, linkType: 101, vxlan: 28, u16Lengths: [2, 24, 52], byteLengths: [0, 50, 82] },
  { name: 'RAW_IPV6_CARRIER', frame: F.RAW_IPV6_CARRIER, linkType: 229, vxlan: 48, u16Lengths: [4, 44, 72], byteLengths: [0, 6, 70] },
];

type Mutation =
  | { kind: 'flip'; pos: number; bit: number }
  | { kind: 'byte'; pos: number; value: number }
  | { kind: 'u16-length'; which: number; value: number }
  | { kind: 'byte-length'; which: number; value: number }
  | { kind: 'vxlan'; flags: number; reserved: number; vni: number };

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), pos: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('byte' as const), pos: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({
    kind: fc.constant('u16-length' as const),
    which: fc.nat(),
    // lies near the truth are the interesting ones; also anything at all
    value: fc.oneof(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 0, max: 0xffff })),
  }),
  fc.record({ kind: fc.constant('byte-length' as const), which: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({
    kind: fc.constant('vxlan' as const),
    flags: fc.oneof(fc.constant(0x08), fc.integer({ min: 0, max: 255 })),
    reserved: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 0xffffffff })),
    vni: fc.integer({ min: 0, max: 0xffffff }),
  }),
);

function mutate(seed: Seed, mutations: Mutation[]): Buffer {
  const f = Buffer.from(seed.frame);
  const n = f.length;
  for (const m of mutations) {
    switch (m.kind) {
      case 'flip':
        f[m.pos % n] ^= 1 << m.bit;
        break;
      case 'byte':
        f[m.pos % n] = m.value;
        break;
      case 'u16-length': {
        const o = seed.u16Lengths[m.which % seed.u16Lengths.length];
        f.writeUInt16BE(m.value, o);
        break;
      }
      case 'byte-length':
        f[seed.byteLengths[m.which % seed.byteLengths.length]] = m.value;
        break;
      case 'vxlan': {
        const o = seed.vxlan;
        f[o] = m.flags;
        f.writeUIntBE(m.reserved >>> 8, o + 1, 3);
        f.writeUIntBE(m.vni, o + 4, 3);
        f[o + 7] = m.reserved & 0xff;
        break;
      }
    }
  }
  return f;
}

const frameCaseArb = fc.record({
  seed: fc.integer({ min: 0, max: SEEDS.length - 1 }),
  mutations: fc.array(mutationArb, { maxLength: 3 }),
  // capturedLength = cut mod (n + 1); whole frames three times out of four
  cut: fc.oneof({ arbitrary: fc.constant(undefined), weight: 3 }, { arbitrary: fc.nat(), weight: 1 }),
  extraWire: fc.nat({ max: 2000 }),
  strict: fc.boolean(),
  // now and then, the bytes under the wrong link type
  linkOverride: fc.oneof({ arbitrary: fc.constant(undefined), weight: 9 }, { arbitrary: linkTypeArb, weight: 1 }),
});

describe('decodeFrame on mutated valid frames', () => {
  it('bit flips, byte changes, length-field lies, random VXLAN flags/VNIs, truncations', () => {
    const view = new PacketView();
    const seen = new Set<number>();
    let decoded = 0;
    let runs = 0;
    fc.assert(
      fc.property(frameCaseArb, (c) => {
        const seed = SEEDS[c.seed];
        const frame = mutate(seed, c.mutations);
        const captured = c.cut === undefined ? frame.length : c.cut % (frame.length + 1);
        const prefix = Buffer.from(frame.subarray(0, captured)); // nothing past the capture exists
        const outcome = decodeFrame(
          prefix,
          0,
          captured,
          captured + c.extraWire,
          c.linkOverride ?? seed.linkType,
          view,
          CONFIGS[c.strict ? 1 : 0],
        );
        checkView(outcome, view, 0, captured);
        seen.add(outcome);
        runs++;
        if (outcome === Outcome.DECODED) decoded++;
      }),
      { numRuns: 30_000 },
    );
    // the generator must actually reach deep into the frames, not just fail early
    expect(decoded / runs).toBeGreaterThan(0.2);
    expect(seen.size).toBeGreaterThanOrEqual(30);
  });

  it('reads nothing outside [offset, offset + capturedLength): surrounding bytes never change the result', () => {
    const a = new PacketView();
    const b = new PacketView();
    fc.assert(
      fc.property(
        frameCaseArb,
        fc.uint8Array({ maxLength: 40 }),
        fc.uint8Array({ minLength: 64, maxLength: 64 }),
        fc.uint8Array({ minLength: 64, maxLength: 64 }),
        (c, before, afterA, afterB) => {
          const seed = SEEDS[c.seed];
          const frame = mutate(seed, c.mutations);
          const captured = c.cut === undefined ? frame.length : c.cut % (frame.length + 1);
          const k = before.length;
          const other = Buffer.from(before).map((x) => x ^ 0xa5); // different bytes, same length
          const bufA = Buffer.concat([before, frame.subarray(0, captured), afterA]);
          const bufB = Buffer.concat([other, frame.subarray(0, captured), afterB]);
          const linkType = c.linkOverride ?? seed.linkType;
          const config = CONFIGS[c.strict ? 1 : 0];
          const ra = decodeFrame(bufA, k, captured, captured + c.extraWire, linkType, a, config);
          const rb = decodeFrame(bufB, k, captured, captured + c.extraWire, linkType, b, config);
          check(rb === ra, `outcome ${ra} vs ${rb}`);
          sameView(a, b, ra);
          checkView(ra, a, k, captured);
        },
      ),
      { numRuns: 10_000 },
    );
  });

  it('the same input always gives the same view (no state carried between frames)', () => {
    const reused = new PacketView();
    fc.assert(
      fc.property(frameCaseArb, frameCaseArb, (first, second) => {
        // decode an unrelated frame first, then the one under test, into the same view
        const f1 = mutate(SEEDS[first.seed], first.mutations);
        decodeFrame(f1, 0, f1.length, f1.length, SEEDS[first.seed].linkType, reused, CONFIGS[0]);
        const f2 = mutate(SEEDS[second.seed], second.mutations);
        const r1 = decodeFrame(f2, 0, f2.length, f2.length, SEEDS[second.seed].linkType, reused, CONFIGS[0]);
        const fresh = new PacketView();
        const r2 = decodeFrame(f2, 0, f2.length, f2.length, SEEDS[second.seed].linkType, fresh, CONFIGS[0]);
        check(r1 === r2, `outcome ${r1} vs ${r2}`);
        sameView(reused, fresh, r1);
      }),
      { numRuns: 5_000 },
    );
  });
});
