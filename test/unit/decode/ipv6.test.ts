import { describe, expect, it } from 'vitest';
import { decodeInnerIpv6, decodeIpv6 } from '../../../src/decode/ipv6.js';
import { Outcome } from '../../../src/decode/outcome.js';
import { PacketView } from '../../../src/decode/packet-view.js';
import { hex, patch, dataView } from './hex.js';
import { expectView } from './view-helpers.js';

const SRC = '20 01 0d b8 00 01 00 02 00 03 00 04 00 05 00 06'; // 2001:db8:1:2:3:4:5:6
const DST = 'ff 02 00 00 00 00 00 00 00 00 00 00 80 00 00 fb'; // ff02::8000:fb

/** IPv6 header with the given payload length (2 hex bytes) and next header. */
function ipv6(payloadLength: string, next: string): string {
  return [
    '60 0a bc de', // version 6, traffic class 0, flow label 0xabcde
    payloadLength,
    next,
    '40', // hop limit
    SRC,
    DST,
  ].join(' ');
}

function outer(buf: Buffer, off = 0, end = buf.length) {
  const view = new PacketView();
  return { outcome: decodeIpv6(dataView(buf), off, end, view), view };
}
function inner(buf: Buffer, off = 0, end = buf.length) {
  const view = new PacketView();
  return { outcome: decodeInnerIpv6(dataView(buf), off, end, view), view };
}

const UDP8 = '30 39 12 b5 00 08 00 00'; // an 8-byte UDP header

describe('decodeIpv6 (outer)', () => {
  it('UDP right after the fixed header', () => {
    const buf = hex(ipv6('00 08', '11'), UDP8); // payload 8, next UDP
    const { outcome, view } = outer(buf);
    expect(outcome).toBe(Outcome.DECODED);
    expectView(view, { outerIpVersion: 6, outerIpLength: 48, outerL4Offset: 40 });
  });

  it('skips hop-by-hop, routing, destination options and AH', () => {
    const buf = hex(
      ipv6('00 38', '00'), // payload 56 = 8 + 16 + 8 + 16 + 8; next hop-by-hop
      '2b 00 01 04 00 00 00 00', // @40 HBH: next routing, length 0 (8 bytes), PadN
      '3c 01 00 00 00 00 00 00 00 00 00 00 00 00 00 00', // @48 routing: next dest-opts, length 1 (16 bytes)
      '33 00 01 04 00 00 00 00', // @64 dest options: next AH, 8 bytes
      '11 02 00 00 00 00 00 01 00 00 00 01 00 00 00 00', // @72 AH: next UDP, length 2 -> (2+2)*4 = 16 bytes
      UDP8, // @88
    );
    const { outcome, view } = outer(buf);
    expect(outcome).toBe(Outcome.DECODED);
    expectView(view, { outerIpVersion: 6, outerIpLength: 96, outerL4Offset: 88 });
  });

  it('fixed-header checks: too short, version', () => {
    const buf = hex(ipv6('00 08', '11'), UDP8);
    expect(outer(buf, 0, 39).outcome).toBe(Outcome.IPV6_TOO_SHORT);
    expectView(outer(buf, 0, 39).view, {});
    expect(outer(patch(buf, { 0: 0x40 })).outcome).toBe(Outcome.IPV6_BAD_VERSION);
  });

  it('a fragment header anywhere in the chain is ipv6_fragment', () => {
    expect(outer(hex(ipv6('00 10', '2c'), '11 00 00 01 00 00 00 07', UDP8)).outcome).toBe(Outcome.IPV6_FRAGMENT); // M set
    const afterHbh = hex(ipv6('00 18', '00'), '2c 00 01 04 00 00 00 00', '11 00 00 08 00 00 00 07', UDP8); // offset 1 (8 bytes)
    expect(outer(afterHbh).outcome).toBe(Outcome.IPV6_FRAGMENT);
  });

  it('an atomic fragment (offset 0, M clear) is a whole packet: its header is skipped (RFC 6946 §4)', () => {
    // Reserved bits (0x0006) set do not make it a fragment. The UDP header follows the 8-byte fragment header at 48.
    for (const flags of ['00 00', '00 06']) {
      const atomic = outer(hex(ipv6('00 10', '2c'), `11 00 ${flags} 00 00 00 07`, UDP8));
      expect(atomic.outcome).toBe(Outcome.DECODED);
      expectView(atomic.view, { outerIpVersion: 6, outerIpLength: 56, outerL4Offset: 48 });
    }
    expect(outer(hex(ipv6('00 10', '2c'), '11 00 00 00 00 00'), 0, 46).outcome).toBe(Outcome.IPV6_EXT_TOO_SHORT); // 6 of its 8 bytes
  });

  it('an extension header cut by the capture, or running past the payload length, is ipv6_ext_too_short', () => {
    const buf = hex(ipv6('00 18', '00'), '11 01 00 00 00 00 00 00 00 00 00 00 00 00 00 00', UDP8); // HBH 16 bytes
    expect(outer(buf).outcome).toBe(Outcome.DECODED);
    expect(outer(buf, 0, 41).outcome).toBe(Outcome.IPV6_EXT_TOO_SHORT); // 1 byte of HBH
    expect(outer(buf, 0, 55).outcome).toBe(Outcome.IPV6_EXT_TOO_SHORT); // 15 of 16
    const lying = patch(buf, { 5: 0x0c }); // payload length 12 < the 16-byte HBH
    expect(outer(lying).outcome).toBe(Outcome.IPV6_EXT_TOO_SHORT);
  });

  it('a final next header other than UDP is ip_not_udp', () => {
    const tcp = outer(hex(ipv6('00 14', '06'), fillTcp()));
    expect(tcp.outcome).toBe(Outcome.IP_NOT_UDP);
    expectView(tcp.view, { outerIpVersion: 6, outerIpLength: 60, outerL4Offset: 40 });
    expect(outer(hex(ipv6('00 08', '32'), '00 00 00 01 00 00 00 01')).outcome).toBe(Outcome.IP_NOT_UDP); // ESP
  });

  it('payload length beyond the bytes present: truncated flag', () => {
    const buf = hex(ipv6('05 00', '11'), UDP8); // says 1280, 8 present
    const { outcome, view } = outer(buf);
    expect(outcome).toBe(Outcome.DECODED);
    expectView(view, { outerIpVersion: 6, outerIpLength: 1320, outerL4Offset: 40, truncated: true });
  });
});

function fillTcp(): string {
  return '00 50 00 50 00 00 00 00 00 00 00 00 50 02 00 00 00 00 00 00';
}

const INNER_ADDRS = {
  innerSrc6a: 0x20010db8,
  innerSrc6b: 0x00010002,
  innerSrc6c: 0x00030004,
  innerSrc6d: 0x00050006,
  innerDst6a: 0xff020000,
  innerDst6b: 0,
  innerDst6c: 0,
  innerDst6d: 0x800000fb,
};

describe('decodeInnerIpv6', () => {
  it('fixed header: addresses as four uint32 each, protocol, lengths', () => {
    const buf = hex(ipv6('00 14', '06'), fillTcp());
    const { outcome, view } = inner(buf);
    expect(outcome).toBe(Outcome.DECODED);
    expectView(view, { innerIpVersion: 6, innerIpLength: 60, innerIpHeaderLength: 40, innerProto: 6, ...INNER_ADDRS });
  });

  it('hop-by-hop, routing, fragment (first, M=1) and destination options', () => {
    const buf = hex(
      ipv6('00 28', '00'), // payload 40 = 8 + 8 + 8 + 8 + 8
      '2b 00 01 04 00 00 00 00', // @40 HBH -> routing
      '2c 00 00 00 00 00 00 00', // @48 routing (type 0, 8 bytes) -> fragment
      '3c 00 00 01 01 02 03 04', // @56 fragment -> dest-opts; offset 0, M=1; id 0x01020304
      '11 00 01 04 00 00 00 00', // @64 dest options -> UDP
      UDP8, // @72
    );
    const { outcome, view } = inner(buf);
    expect(outcome).toBe(Outcome.DECODED);
    expectView(view, {
      innerIpVersion: 6,
      innerIpLength: 80,
      innerIpHeaderLength: 72,
      innerProto: 17,
      ...INNER_ADDRS,
      innerIpId: 0x01020304,
      innerFragment: true,
      innerFragmentOffset: 0,
    });
  });

  it('a non-first fragment stops the walk: what follows is mid-datagram', () => {
    const buf = hex(
      ipv6('00 10', '2c'), // payload 16
      '06 00 05 c8 ff ee dd cc', // @40 fragment: next TCP, offset 185 (0x05c8 >> 3), M=0, id 0xffeeddcc
      '00 11 22 33 44 55 66 77', // @48 fragment data (happens to look like anything)
    );
    const { outcome, view } = inner(buf);
    expect(outcome).toBe(Outcome.DECODED);
    expectView(view, {
      innerIpVersion: 6,
      innerIpLength: 56,
      innerIpHeaderLength: 48,
      innerProto: 6,
      ...INNER_ADDRS,
      innerIpId: 0xffeeddcc,
      innerFragment: true,
      innerFragmentOffset: 1480,
    });
  });

  it('an atomic fragment (offset 0, M=0; RFC 6946) is not part of a fragmented datagram', () => {
    const buf = hex(ipv6('00 10', '2c'), '11 00 00 00 00 00 00 09', UDP8);
    const { view } = inner(buf);
    expect(view.innerFragment).toBe(false);
    expect(view.innerFragmentOffset).toBe(0);
    expect(view.innerIpId).toBe(9);
    expect(view.innerProto).toBe(17);
    expect(view.innerIpHeaderLength).toBe(48);
  });

  it('AH is skipped by its 4-byte-unit length; ESP and no-next-header end the walk', () => {
    const ah = inner(hex(ipv6('00 14', '33'), '11 01 00 00 00 00 00 01 00 00 00 00', UDP8)); // AH length 1 -> 12 bytes
    expect(ah.view.innerIpHeaderLength).toBe(52);
    expect(ah.view.innerProto).toBe(17);
    const esp = inner(hex(ipv6('00 08', '32'), '00 00 00 01 00 00 00 01'));
    expect(esp.outcome).toBe(Outcome.DECODED);
    expect(esp.view.innerProto).toBe(50);
    expect(esp.view.innerIpHeaderLength).toBe(40);
    const none = inner(hex(ipv6('00 00', '3b')));
    expect(none.view.innerProto).toBe(59);
  });

  it('inner reasons: too short, version, cut extension header, cut fragment header', () => {
    const buf = hex(ipv6('00 10', '00'), '11 00 01 04 00 00 00 00', UDP8);
    expect(inner(buf, 0, 39).outcome).toBe(Outcome.INNER_IPV6_TOO_SHORT);
    expect(inner(patch(buf, { 0: 0x40 })).outcome).toBe(Outcome.INNER_IPV6_BAD_VERSION);
    expect(inner(buf, 0, 41).outcome).toBe(Outcome.INNER_IPV6_EXT_TOO_SHORT);
    expect(inner(buf, 0, 47).outcome).toBe(Outcome.INNER_IPV6_EXT_TOO_SHORT);
    expect(inner(buf, 0, 48).outcome).toBe(Outcome.DECODED); // HBH whole; UDP is the caller's business
    const frag = hex(ipv6('00 10', '2c'), '11 00 00 01 00 00 00 07', UDP8);
    expect(inner(frag, 0, 47).outcome).toBe(Outcome.INNER_IPV6_EXT_TOO_SHORT);
    const cut = inner(frag, 0, 47);
    expectView(cut.view, { innerIpVersion: 6, innerIpLength: 56, ...INNER_ADDRS, truncated: true });
  });

  it('payload length beyond the bytes present: decoded, truncated', () => {
    const buf = hex(ipv6('05 a0', '06'), fillTcp()); // payload 1440, 20 present
    const { outcome, view } = inner(buf);
    expect(outcome).toBe(Outcome.DECODED);
    expectView(view, { innerIpVersion: 6, innerIpLength: 1480, innerIpHeaderLength: 40, innerProto: 6, ...INNER_ADDRS, truncated: true });
  });
});
