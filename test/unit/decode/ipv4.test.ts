import { describe, expect, it } from 'vitest';
import { decodeInnerIpv4, decodeIpv4 } from '../../../src/decode/ipv4.js';
import { Outcome } from '../../../src/decode/outcome.js';
import { PacketView } from '../../../src/decode/packet-view.js';
import { hex, patch, dataView } from './hex.js';
import { expectView } from './view-helpers.js';

/** Outer IPv4 carrying 8 bytes of UDP: 28 bytes. */
const OUTER_UDP = hex(
  '45', // version 4, IHL 5
  '00', // DSCP/ECN
  '00 1c', // total length 28
  'be ef', // identification
  '40 00', // DF, offset 0
  '40', // TTL
  '11', // protocol UDP
  '00 00', // checksum (not checked)
  'c0 a8 01 02', // source 192.168.1.2
  'c6 33 64 07', // destination 198.51.100.7
  '12 34 12 b5 00 08 00 00', // @20 UDP header (not parsed here)
);

function outer(buf: Buffer, off = 0, end = buf.length) {
  const view = new PacketView();
  return { outcome: decodeIpv4(dataView(buf), off, end, view), view };
}

function inner(buf: Buffer, off = 0, end = buf.length) {
  const view = new PacketView();
  return { outcome: decodeInnerIpv4(dataView(buf), off, end, view), view };
}

const OUTER_FIELDS = { outerIpVersion: 4, outerIpLength: 28, outerSrc4: 0xc0a80102, outerDst4: 0xc6336407, outerL4Offset: 20 };

describe('decodeIpv4 (outer)', () => {
  it('an unfragmented UDP datagram', () => {
    const { outcome, view } = outer(OUTER_UDP);
    expect(outcome).toBe(Outcome.DECODED);
    expectView(view, OUTER_FIELDS);
  });

  it('addresses above 2^31 come out as unsigned', () => {
    const buf = patch(OUTER_UDP, { 12: 0xff, 15: 0xfe, 16: 0x80 }); // 255.168.1.254 -> 128.51.100.7
    const { view } = outer(buf);
    expect(view.outerSrc4).toBe(0xffa801fe);
    expect(view.outerDst4).toBe(0x80336407);
  });

  it('options: IHL 6 moves the L4 offset to 24', () => {
    const buf = hex(
      '46', // version 4, IHL 6 (24 bytes)
      '00 00 20', // DSCP, total length 32
      '00 00 00 00 40 11 00 00',
      '0a 00 00 01 0a 00 00 02',
      '01 01 01 00', // @20 options: NOP NOP NOP EOL
      '00 01 12 b5 00 08 00 00', // @24 UDP
    );
    const { outcome, view } = outer(buf);
    expect(outcome).toBe(Outcome.DECODED);
    expectView(view, { outerIpVersion: 4, outerIpLength: 32, outerSrc4: 0x0a000001, outerDst4: 0x0a000002, outerL4Offset: 24 });
  });

  it('checks in order: too short, version, IHL, header within bytes, total length', () => {
    expect(outer(OUTER_UDP, 0, 19).outcome).toBe(Outcome.IPV4_TOO_SHORT);
    expect(outer(patch(OUTER_UDP, { 0: 0x65 })).outcome).toBe(Outcome.IPV4_BAD_VERSION); // version 6
    expect(outer(patch(OUTER_UDP, { 0: 0x44 })).outcome).toBe(Outcome.IPV4_BAD_HEADER_LENGTH); // IHL 4
    expect(outer(patch(OUTER_UDP, { 0: 0x48 })).outcome).toBe(Outcome.IPV4_BAD_HEADER_LENGTH); // IHL 8 = 32 > 28 bytes
    expect(outer(patch(OUTER_UDP, { 2: 0, 3: 0 })).outcome).toBe(Outcome.IPV4_BAD_TOTAL_LENGTH); // 0 (BIG TCP)
    expect(outer(patch(OUTER_UDP, { 3: 19 })).outcome).toBe(Outcome.IPV4_BAD_TOTAL_LENGTH); // 19 < 20
    // a bad version wins over a bad IHL: version is checked first
    expect(outer(patch(OUTER_UDP, { 0: 0x62 })).outcome).toBe(Outcome.IPV4_BAD_VERSION);
  });

  it('a structural drop leaves the view untouched', () => {
    expectView(outer(patch(OUTER_UDP, { 2: 0, 3: 0 })).view, {});
  });

  it('fragments: MF set, or a non-zero offset, is ipv4_fragment (addresses still recorded)', () => {
    const mf = outer(patch(OUTER_UDP, { 6: 0x20 })); // MF, offset 0
    expect(mf.outcome).toBe(Outcome.IPV4_FRAGMENT);
    expectView(mf.view, OUTER_FIELDS);
    expect(outer(patch(OUTER_UDP, { 6: 0x00, 7: 0x01 })).outcome).toBe(Outcome.IPV4_FRAGMENT); // offset 8 bytes
    expect(outer(patch(OUTER_UDP, { 6: 0x1f, 7: 0xff })).outcome).toBe(Outcome.IPV4_FRAGMENT); // largest offset
    expect(outer(patch(OUTER_UDP, { 6: 0x40 })).outcome).toBe(Outcome.DECODED); // DF alone is not a fragment
    expect(outer(patch(OUTER_UDP, { 6: 0x80 })).outcome).toBe(Outcome.DECODED); // reserved bit alone neither
  });

  it('a protocol other than UDP is ip_not_udp', () => {
    const { outcome, view } = outer(patch(OUTER_UDP, { 9: 6 })); // TCP
    expect(outcome).toBe(Outcome.IP_NOT_UDP);
    expectView(view, OUTER_FIELDS);
  });

  it('a total length beyond the bytes present is a truncation flag, not a drop', () => {
    const { outcome, view } = outer(OUTER_UDP, 0, 24); // 24 of 28 bytes
    expect(outcome).toBe(Outcome.DECODED);
    expectView(view, { ...OUTER_FIELDS, truncated: true });
  });

  it('bytes after the total length (padding) are not truncation', () => {
    const padded = Buffer.concat([OUTER_UDP, hex('00 00 00 00 00 00')]);
    const { outcome, view } = outer(padded);
    expect(outcome).toBe(Outcome.DECODED);
    expectView(view, OUTER_FIELDS);
  });
});

/** Inner IPv4 with 4 bytes of options carrying TCP: 24 + 20 bytes. */
const INNER_TCP_OPTS = hex(
  '46', // version 4, IHL 6
  '00', // DSCP/ECN
  '00 2c', // total length 44 = 24 + 20
  '81 82', // identification 0x8182
  '00 00', // no flags, offset 0
  '40', // TTL
  '06', // protocol TCP
  '00 00', // checksum
  '0a 0a 0a 01', // 10.10.10.1
  'f0 00 00 09', // 240.0.0.9
  '94 04 00 00', // @20 Router Alert option
  '00 50 c0 00 00 00 00 01 00 00 00 00 50 02 ff ff 00 00 00 00', // @24 TCP (not parsed here)
);

const INNER_FIELDS = {
  innerIpVersion: 4,
  innerIpLength: 44,
  innerIpHeaderLength: 24,
  innerProto: 6,
  innerSrc4: 0x0a0a0a01,
  innerDst4: 0xf0000009,
  innerIpId: 0x8182,
};

describe('decodeInnerIpv4', () => {
  it('with options: header length 24, protocol, addresses, id', () => {
    const { outcome, view } = inner(INNER_TCP_OPTS);
    expect(outcome).toBe(Outcome.DECODED);
    expectView(view, INNER_FIELDS);
  });

  it('options cut off is inner_ipv4_too_short; IHL < 5 is inner_ipv4_bad_header_length', () => {
    expect(inner(INNER_TCP_OPTS, 0, 19).outcome).toBe(Outcome.INNER_IPV4_TOO_SHORT);
    expect(inner(INNER_TCP_OPTS, 0, 23).outcome).toBe(Outcome.INNER_IPV4_TOO_SHORT); // 3 of 4 option bytes
    expect(inner(INNER_TCP_OPTS, 0, 24).outcome).toBe(Outcome.DECODED);
    expect(inner(patch(INNER_TCP_OPTS, { 0: 0x43 })).outcome).toBe(Outcome.INNER_IPV4_BAD_HEADER_LENGTH);
    expect(inner(patch(INNER_TCP_OPTS, { 0: 0x66 } /* version 6, IHL 6 */)).outcome).toBe(Outcome.INNER_IPV4_BAD_VERSION);
    expect(inner(patch(INNER_TCP_OPTS, { 2: 0, 3: 23 })).outcome).toBe(Outcome.INNER_IPV4_BAD_TOTAL_LENGTH); // 23 < 24
    expectView(inner(patch(INNER_TCP_OPTS, { 2: 0, 3: 23 })).view, {});
  });

  it('first fragment: MF set, offset 0', () => {
    const { outcome, view } = inner(patch(INNER_TCP_OPTS, { 6: 0x20 }));
    expect(outcome).toBe(Outcome.DECODED);
    expectView(view, { ...INNER_FIELDS, innerFragment: true, innerFragmentOffset: 0 });
  });

  it('later fragment: offset in bytes (13-bit field x 8)', () => {
    const { view } = inner(patch(INNER_TCP_OPTS, { 6: 0x3f, 7: 0xff })); // MF + offset 8191
    expectView(view, { ...INNER_FIELDS, innerFragment: true, innerFragmentOffset: 65528 });
    const last = inner(patch(INNER_TCP_OPTS, { 6: 0x00, 7: 0xb9 })); // offset 185, MF clear
    expectView(last.view, { ...INNER_FIELDS, innerFragment: true, innerFragmentOffset: 1480 });
  });

  it('DF is not a fragment', () => {
    expectView(inner(patch(INNER_TCP_OPTS, { 6: 0x40 })).view, INNER_FIELDS);
  });

  it('total length beyond the bytes present: decoded, truncated, length as sent', () => {
    const buf = patch(INNER_TCP_OPTS, { 2: 0x05, 3: 0xdc }); // total length 1500
    const { outcome, view } = inner(buf);
    expect(outcome).toBe(Outcome.DECODED);
    expectView(view, { ...INNER_FIELDS, innerIpLength: 1500, truncated: true });
  });

  it('does not touch outer fields', () => {
    const view = new PacketView();
    view.outerIpVersion = 6;
    view.vni = 99;
    decodeInnerIpv4(dataView(INNER_TCP_OPTS), 0, INNER_TCP_OPTS.length, view);
    expectView(view, { ...INNER_FIELDS, outerIpVersion: 6, vni: 99 });
  });
});
