import { describe, expect, it } from 'vitest';
import { Pipeline } from '../../../src/pipeline.js';
import { makeDecoderConfig } from '../../../src/decode/decoder-config.js';
import { compileTunnelAllow, parseCidr, parseVniRange } from '../../../src/decode/tunnel-allow.js';
import { VniFolder } from '../../../src/aggregate/vni-key.js';
import { SessionTracker } from '../../../src/session/session-tracker.js';
import { DEFAULT_TIMEOUTS } from '../../../src/session/tcp-state.js';
import { AWS_TCP_SYN, AWS_TCP_SYN_SLL, RAW_IPV6_CARRIER } from './fixtures.js';
import { patch } from './hex.js';

const ETHERNET = 1;
const IPV6 = 229;
const VXLAN_PAYLOAD = 0x10001;
// Hand-built fixtures (fixtures.ts): AWS_TCP_SYN is outer IPv4 10.0.1.25 -> 10.0.2.200, VNI 16398363
// (0xfa381b), VXLAN at byte 42; RAW_IPV6_CARRIER is outer IPv6 fd00::10 -> fd00::20, same VNI.
const VNI = 16398363;

function pipelineWith(sources: string[], vnis: string[]) {
  const tracker = new SessionTracker({ folder: new VniFolder(), maxSessions: 100, timeouts: DEFAULT_TIMEOUTS });
  const p = new Pipeline(makeDecoderConfig(), tracker);
  p.allow = compileTunnelAllow(sources, vnis);
  return p;
}

function feed(p: Pipeline, frame: Buffer, linkType = ETHERNET): string {
  const code = p.onFrame(frame, 0, frame.length, frame.length, 1_700_000_000, 0, linkType);
  return Object.keys(p.decoderStats.outcomes())[code];
}

/** The accounting invariant and "no VNI series, no session" for a refused frame. */
function expectRefusedCleanly(p: Pipeline, frames: number) {
  const outcomes = Object.values(p.decoderStats.outcomes());
  expect(outcomes.reduce((a, b) => a + b, 0)).toBe(frames);
  expect(p.decoderStats.frames).toBe(frames);
  expect(p.vniStats.size).toBe(0);
  expect(p.sessions!.liveSessions).toBe(0);
}

describe('--allow-source on captured frames (outer IP header in the frame)', () => {
  it.each([
    [['10.0.1.0/24'], 'decoded'],
    [['10.0.1.25'], 'decoded'], // a bare address is a /32
    [['10.0.1.25/32'], 'decoded'],
    [['0.0.0.0/0'], 'decoded'],
    [['192.168.0.0/16', '10.0.0.0/8'], 'decoded'], // any entry matching is enough
    [['fd00::/8'], 'tunnel_source_not_allowed'], // only IPv6 networks: an IPv4 source matches none
    [['10.0.1.24/32'], 'tunnel_source_not_allowed'],
    [['10.0.1.26/31'], 'tunnel_source_not_allowed'], // .26-.27
    [['10.0.2.0/24'], 'tunnel_source_not_allowed'], // the destination's subnet, not the source's
  ])('IPv4 source 10.0.1.25 with %j: %s', (sources, outcome) => {
    const p = pipelineWith(sources, []);
    expect(feed(p, AWS_TCP_SYN)).toBe(outcome);
    if (outcome === 'decoded') {
      expect(p.vniStats.figures().map((v) => [v.vni, v.frames])).toEqual([[VNI, 1]]);
      expect(p.sessions!.liveSessions).toBe(1);
    } else expectRefusedCleanly(p, 1);
  });

  it('reads the source after a Linux cooked header too (link type 113)', () => {
    expect(feed(pipelineWith(['10.0.1.0/24'], []), AWS_TCP_SYN_SLL, 113)).toBe('decoded');
    expect(feed(pipelineWith(['10.9.0.0/16'], []), AWS_TCP_SYN_SLL, 113)).toBe('tunnel_source_not_allowed');
  });

  it.each([
    [['fd00::/8'], 'decoded'],
    [['fd00::10/128'], 'decoded'],
    [['fd00::10'], 'decoded'],
    [['fd00::/120'], 'decoded'], // fd00::0 - fd00::ff
    [['fd00::11/128'], 'tunnel_source_not_allowed'],
    [['fd00::20/128'], 'tunnel_source_not_allowed'], // the destination
    [['fd01::/16'], 'tunnel_source_not_allowed'],
    [['0.0.0.0/0'], 'tunnel_source_not_allowed'], // IPv4 networks never match an IPv6 source
    [['::/0'], 'decoded'],
  ])('IPv6 source fd00::10 with %j: %s', (sources, outcome) => {
    const p = pipelineWith(sources, []);
    expect(feed(p, RAW_IPV6_CARRIER, IPV6)).toBe(outcome);
    if (outcome !== 'decoded') expectRefusedCleanly(p, 1);
  });

  it('a bit in the last word of the IPv6 source decides (fd00::10 vs fd00::/124)', () => {
    // fd00::/124 covers fd00::0 - fd00::f; 0x10 is just outside it.
    expect(feed(pipelineWith(['fd00::/124'], []), RAW_IPV6_CARRIER, IPV6)).toBe('tunnel_source_not_allowed');
    expect(feed(pipelineWith(['fd00::10/124'], []), RAW_IPV6_CARRIER, IPV6)).toBe('decoded');
  });

  it('frames that never reach an accepted tunnel header keep their own reason', () => {
    const p = pipelineWith(['192.168.0.0/16'], ['1']);
    // Destination port 4789 -> 4791 (bytes 36-37): not a tunnel port (4790 is VXLAN-GPE's).
    expect(feed(p, patch(AWS_TCP_SYN, { 37: 0xb7 }))).toBe('udp_not_tunnel_port');
    // VXLAN flags 0x08 -> 0x00 (byte 42): I flag clear.
    expect(feed(p, patch(AWS_TCP_SYN, { 42: 0x00 }))).toBe('vxlan_i_flag_unset');
    expectRefusedCleanly(p, 2);
  });
});

describe('--allow-vni', () => {
  it.each([
    [[String(VNI)], 'decoded'],
    [['16398360-16398370'], 'decoded'],
    [['1', '16398363'], 'decoded'],
    [['0-16777215'], 'decoded'],
    [['16398364-16777215'], 'tunnel_vni_not_allowed'],
    [['0-16398362'], 'tunnel_vni_not_allowed'],
    [['100-199'], 'tunnel_vni_not_allowed'],
  ])('VNI 16398363 with %j: %s', (vnis, outcome) => {
    const p = pipelineWith([], vnis);
    expect(feed(p, AWS_TCP_SYN)).toBe(outcome);
    if (outcome !== 'decoded') expectRefusedCleanly(p, 1);
  });

  it('VNI 0 and VNI 16777215 (the ends of the bitmap)', () => {
    // VNI bytes 46-48: 00 00 00, then ff ff ff.
    const vni0 = patch(AWS_TCP_SYN, { 46: 0, 47: 0, 48: 0 });
    const vniMax = patch(AWS_TCP_SYN, { 46: 0xff, 47: 0xff, 48: 0xff });
    const p = pipelineWith([], ['0', '16777215']);
    expect(feed(p, vni0)).toBe('decoded');
    expect(feed(p, vniMax)).toBe('decoded');
    expect(feed(p, AWS_TCP_SYN)).toBe('tunnel_vni_not_allowed');
    expect(p.vniStats.figures().map((v) => v.vni).sort()).toEqual([0, 16777215]);
  });

  it('the source is checked first: a frame refused on both counts is tunnel_source_not_allowed', () => {
    const p = pipelineWith(['192.168.0.0/16'], ['1']);
    expect(feed(p, AWS_TCP_SYN)).toBe('tunnel_source_not_allowed');
    expect(p.decoderStats.outcomes().tunnel_vni_not_allowed).toBe(0);
  });
});

describe('--allow-source on UDP-socket datagrams (the sender comes from rinfo)', () => {
  const datagram = AWS_TCP_SYN.subarray(42); // from the VXLAN header on, as the kernel delivers it

  it.each([
    ['10.0.1.25', ['10.0.0.0/16'], 'decoded'],
    ['::ffff:10.0.1.25', ['10.0.0.0/16'], 'decoded'], // a dual-stack udp6 socket's IPv4 peer
    ['2001:db8::7', ['2001:db8::/32'], 'decoded'],
    ['fe80::1%eth0', ['fe80::/10'], 'decoded'],
    ['10.0.1.25', ['10.1.0.0/16'], 'tunnel_source_not_allowed'],
    ['2001:db9::7', ['2001:db8::/32', '10.0.0.0/8'], 'tunnel_source_not_allowed'],
    ['not an address', ['0.0.0.0/0', '::/0'], 'tunnel_source_not_allowed'], // unknown sender: never allowed
  ])('sender %s with %j: %s', (peer, sources, outcome) => {
    const p = pipelineWith(sources, []);
    p.datagramPeer.set(peer);
    expect(feed(p, datagram, VXLAN_PAYLOAD)).toBe(outcome);
    if (outcome !== 'decoded') expectRefusedCleanly(p, 1);
  });
});

describe('list parsing (config and flags)', () => {
  it.each([
    ['10.0.0.1/8', '"10.0.0.1/8" has host bits set beyond /8'],
    ['10.0.0.0/33', '"10.0.0.0/33": prefix length must be 0-32'],
    ['2001:db8::/129', '"2001:db8::/129": prefix length must be 0-128'],
    ['2001:db8::1/32', '"2001:db8::1/32" has host bits set beyond /32'],
    ['10.0.0.0/', '"10.0.0.0/": "" is not a prefix length'],
    ['10.0.0/8', '"10.0.0/8" is not an IPv4 or IPv6 CIDR (e.g. 10.0.0.0/16, 2001:db8::/32)'],
    ['example.com', '"example.com" is not an IPv4 or IPv6 CIDR (e.g. 10.0.0.0/16, 2001:db8::/32)'],
  ])('parseCidr(%j) names the value: %s', (text, problem) => {
    expect(parseCidr(text)).toBe(problem);
  });

  it('::ffff:10.0.0.0/104 is the IPv4 network 10.0.0.0/8', () => {
    expect(parseCidr('::ffff:10.0.0.0/104')).toMatchObject({ version: 4, prefix: 8 });
  });

  it.each([
    ['100', { first: 100, last: 100 }],
    ['100-199', { first: 100, last: 199 }],
    [' 7 ', { first: 7, last: 7 }],
    ['16777216', '"16777216": VNIs are 0-16777215'],
    ['200-100', '"200-100": the range ends before it starts'],
    ['1-', '"1-" is not a VNI or a range of VNIs (e.g. 100 or 100-199)'],
    ['abc', '"abc" is not a VNI or a range of VNIs (e.g. 100 or 100-199)'],
  ])('parseVniRange(%j)', (text, expected) => {
    expect(parseVniRange(text)).toEqual(expected);
  });

  it('no lists: nothing to check', () => {
    expect(compileTunnelAllow([], [])).toBeUndefined();
  });
});
