import { describe, expect, it } from 'vitest';
import { LinkType } from '../../../src/capture/frame-source.js';
import { decodeFrame } from '../../../src/decode/decoder.js';
import { makeDecoderConfig, type DecoderConfig } from '../../../src/decode/decoder-config.js';
import { Outcome } from '../../../src/decode/outcome.js';
import { PacketView, TcpFlag, Tunnel } from '../../../src/decode/packet-view.js';
import {
  AWS_PACKETLENGTH_CUT,
  AWS_TCP_SYN,
  AWS_TCP_SYN_RAW_IPV4,
  AWS_TCP_SYN_SLL,
  AWS_TCP_SYN_SLL2,
  INNER_ARP,
  INNER_ICMPV6_ECHO,
  INNER_ICMP_ECHO,
  INNER_IPV4_FIRST_FRAGMENT,
  INNER_IPV4_LAST_FRAGMENT,
  INNER_IPV6_HBH_FRAG,
  INNER_PADDED_WITH_FCS,
  INNER_VLAN_UDP,
  OUTER_QINQ_UDP,
  RAW_IPV6_CARRIER,
} from './fixtures.js';
import { hex, patch } from './hex.js';
import { expectView, type ViewFields } from './view-helpers.js';

const PERMISSIVE = makeDecoderConfig();
const STRICT = makeDecoderConfig({ reservedPolicy: 'strict' });

function decode(
  frame: Buffer,
  linkType: number = LinkType.ETHERNET,
  config: DecoderConfig = PERMISSIVE,
  offset = 0,
  capturedLength = frame.length - offset,
  wireLength = capturedLength,
) {
  const view = new PacketView();
  const outcome = decodeFrame(frame, offset, capturedLength, wireLength, linkType, view, config);
  return { outcome, view };
}

// Fields every AWS-style Ethernet fixture shares (outer 10.0.1.25 -> 10.0.2.200, VXLAN at 42, VNI 16398363).
const AWS_ETH: Partial<ViewFields> = {
  linkType: 1,
  outerEtherType: 0x0800,
  outerL3Offset: 14,
  outerIpVersion: 4,
  outerSrc4: 0x0a000119, // 10.0.1.25
  outerDst4: 0x0a0002c8, // 10.0.2.200
  outerL4Offset: 34,
  outerDstPort: 4789,
  tunnelType: Tunnel.VXLAN,
  tunnelOffset: 42,
  vxlanFlags: 0x08,
  vni: 16398363,
  tunnelPayload: 0x6558,
  tunnelDepth: 1,
  outerTunnelType: Tunnel.VXLAN,
  outerVni: 16398363,
  innerL2Offset: 50,
  innerEtherType: 0x0800,
  innerL3Offset: 64,
};

// AWS_TCP_SYN's fields that do not depend on where the frame starts.
const SYN_INNER: Partial<ViewFields> = {
  outerIpVersion: 4,
  outerIpLength: 110,
  outerSrc4: 0x0a000119,
  outerDst4: 0x0a0002c8,
  outerSrcPort: 54321,
  outerDstPort: 4789,
  outerUdpLength: 90,
  tunnelType: Tunnel.VXLAN,
  vxlanFlags: 0x08,
  vni: 16398363,
  tunnelPayload: 0x6558,
  tunnelDepth: 1,
  outerTunnelType: Tunnel.VXLAN,
  outerVni: 16398363,
  innerL2Length: 74,
  innerEtherType: 0x0800,
  innerIpVersion: 4,
  innerIpLength: 60,
  innerIpHeaderLength: 20,
  innerProto: 6,
  innerSrc4: 0xac1f050a, // 172.31.5.10
  innerDst4: 0xac1f0914, // 172.31.9.20
  innerIpId: 0x1234,
  srcPort: 50000,
  dstPort: 443,
  tcpSeq: 0x0a1b2c3d,
  tcpAck: 0,
  tcpFlags: TcpFlag.SYN,
  tcpWindow: 64240,
  tcpHeaderLength: 40,
  tcpMss: 1460,
  tcpWindowScale: 7,
  tcpSackPermitted: true,
  tcpHasTimestamp: true,
  tcpTsVal: 0x006b4f1e,
  tcpTsEcr: 0,
  payloadLength: 0,
};

describe('decodeFrame: whole frames', () => {
  it('AWS mirror of a TCP SYN (Ethernet / IPv4 / UDP 4789 / VXLAN / Ethernet / IPv4 / TCP + options)', () => {
    const { outcome, view } = decode(AWS_TCP_SYN);
    expect(outcome).toBe(Outcome.DECODED);
    expectView(view, {
      ...AWS_ETH,
      ...SYN_INNER,
      capturedLength: 124,
      wireLength: 124,
      outerL4Offset: 34,
      tunnelOffset: 42,
      l4Offset: 84,
      payloadOffset: 124,
    });
  });

  it('a frame at an offset inside a larger buffer, with bytes on both sides', () => {
    const buf = Buffer.concat([hex('ff ff ff ff ff ff ff'), AWS_TCP_SYN, hex('08 00 45 00')]);
    const { outcome, view } = decode(buf, LinkType.ETHERNET, PERMISSIVE, 7, 124, 124);
    expect(outcome).toBe(Outcome.DECODED);
    expectView(view, {
      ...AWS_ETH,
      ...SYN_INNER,
      frameOffset: 7,
      capturedLength: 124,
      wireLength: 124,
      outerL3Offset: 21,
      outerL4Offset: 41,
      tunnelOffset: 49,
      innerL2Offset: 57,
      innerL3Offset: 71,
      l4Offset: 91,
      payloadOffset: 131,
    });
  });

  it('outer QinQ (802.1ad VID 100 + 802.1Q VID 200)', () => {
    const { outcome, view } = decode(OUTER_QINQ_UDP);
    expect(outcome).toBe(Outcome.DECODED);
    expectView(view, {
      ...AWS_ETH,
      capturedLength: 104,
      wireLength: 104,
      outerVlanCount: 2,
      outerVlanId: 100,
      outerL3Offset: 22,
      outerIpLength: 82,
      outerL4Offset: 42,
      outerSrcPort: 54322,
      outerUdpLength: 62,
      tunnelOffset: 50,
      innerL2Offset: 58,
      innerL2Length: 46,
      innerL3Offset: 72,
      innerIpVersion: 4,
      innerIpLength: 32,
      innerIpHeaderLength: 20,
      innerProto: 17,
      innerSrc4: 0x0a010101,
      innerDst4: 0x0a010102,
      innerIpId: 1,
      l4Offset: 92,
      srcPort: 5353,
      dstPort: 53,
      payloadOffset: 100,
      payloadLength: 4,
    });
  });

  it('inner 802.1Q tag', () => {
    const { outcome, view } = decode(INNER_VLAN_UDP);
    expect(outcome).toBe(Outcome.DECODED);
    expectView(view, {
      ...AWS_ETH,
      capturedLength: 100,
      wireLength: 100,
      outerIpLength: 86,
      outerSrcPort: 54323,
      outerUdpLength: 66,
      innerL2Length: 50,
      innerVlanCount: 1,
      innerL3Offset: 68,
      innerIpVersion: 4,
      innerIpLength: 32,
      innerIpHeaderLength: 20,
      innerProto: 17,
      innerSrc4: 0xc0a80a01,
      innerDst4: 0xc0a80a02,
      innerIpId: 2,
      l4Offset: 88,
      srcPort: 12345,
      dstPort: 8080,
      payloadOffset: 96,
      payloadLength: 4,
    });
  });

  it('inner IPv6 with hop-by-hop and fragment headers (first fragment)', () => {
    const { outcome, view } = decode(INNER_IPV6_HBH_FRAG);
    expect(outcome).toBe(Outcome.DECODED);
    expectView(view, {
      ...AWS_ETH,
      capturedLength: 136,
      wireLength: 136,
      outerIpLength: 122,
      outerSrcPort: 54324,
      outerUdpLength: 102,
      innerL2Length: 86,
      innerEtherType: 0x86dd,
      innerIpVersion: 6,
      innerIpLength: 72,
      innerIpHeaderLength: 56,
      innerProto: 17,
      innerSrc6a: 0x20010db8,
      innerSrc6d: 1,
      innerDst6a: 0x20010db8,
      innerDst6d: 2,
      innerIpId: 0xdeadbeef,
      innerFragment: true,
      innerFragmentOffset: 0,
      l4Offset: 120,
      srcPort: 12345,
      dstPort: 53,
      payloadOffset: 128,
      payloadLength: 8,
    });
  });

  it('inner IPv4 first fragment: L4 header parsed', () => {
    const { outcome, view } = decode(INNER_IPV4_FIRST_FRAGMENT);
    expect(outcome).toBe(Outcome.DECODED);
    expectView(view, {
      ...AWS_ETH,
      capturedLength: 100,
      wireLength: 100,
      outerIpLength: 86,
      outerSrcPort: 54325,
      outerUdpLength: 66,
      innerL2Length: 50,
      innerIpVersion: 4,
      innerIpLength: 36,
      innerIpHeaderLength: 20,
      innerProto: 17,
      innerSrc4: 0xc0a80001,
      innerDst4: 0xc0a80002,
      innerIpId: 0xabcd,
      innerFragment: true,
      innerFragmentOffset: 0,
      l4Offset: 84,
      srcPort: 1234,
      dstPort: 5678,
      payloadOffset: 92,
      payloadLength: 8,
    });
  });

  it('inner IPv4 later fragment: decoded without L4, the data is payload', () => {
    const { outcome, view } = decode(INNER_IPV4_LAST_FRAGMENT);
    expect(outcome).toBe(Outcome.DECODED);
    expectView(view, {
      ...AWS_ETH,
      capturedLength: 96,
      wireLength: 96,
      outerIpLength: 82,
      outerSrcPort: 54325,
      outerUdpLength: 62,
      innerL2Length: 46,
      innerIpVersion: 4,
      innerIpLength: 32,
      innerIpHeaderLength: 20,
      innerProto: 17,
      innerSrc4: 0xc0a80001,
      innerDst4: 0xc0a80002,
      innerIpId: 0xabcd,
      innerFragment: true,
      innerFragmentOffset: 1480,
      payloadOffset: 84,
      payloadLength: 12,
    });
  });

  it('mirror PacketLength cut at 100 bytes: decoded, truncated, lengths as sent', () => {
    const { outcome, view } = decode(AWS_PACKETLENGTH_CUT);
    expect(outcome).toBe(Outcome.DECODED);
    expectView(view, {
      ...AWS_ETH,
      capturedLength: 150,
      wireLength: 150,
      truncated: true,
      outerIpLength: 136,
      outerSrcPort: 54321,
      outerUdpLength: 116,
      innerL2Length: 100,
      innerIpVersion: 4,
      innerIpLength: 1500,
      innerIpHeaderLength: 20,
      innerProto: 6,
      innerSrc4: 0xac1f050a,
      innerDst4: 0xac1f0914,
      innerIpId: 0x1235,
      l4Offset: 84,
      srcPort: 50000,
      dstPort: 443,
      tcpSeq: 0x0a1b2c3e,
      tcpAck: 0x77665544,
      tcpFlags: TcpFlag.PSH | TcpFlag.ACK,
      tcpWindow: 501,
      tcpHeaderLength: 32,
      tcpHasTimestamp: true,
      tcpTsVal: 0x006b4f30,
      tcpTsEcr: 0x9abcdef0,
      payloadOffset: 116,
      payloadLength: 1448, // 1500 - 20 - 32
    });
  });

  it('inner Ethernet padding and an outer FCS are trimmed, not payload, not truncation', () => {
    const { outcome, view } = decode(INNER_PADDED_WITH_FCS);
    expect(outcome).toBe(Outcome.DECODED);
    expectView(view, {
      ...AWS_ETH,
      capturedLength: 114,
      wireLength: 114,
      outerIpLength: 96,
      outerSrcPort: 54321,
      outerUdpLength: 76,
      innerL2Length: 60,
      innerIpVersion: 4,
      innerIpLength: 40,
      innerIpHeaderLength: 20,
      innerProto: 6,
      innerSrc4: 0xac1f0914,
      innerDst4: 0xac1f050a,
      innerIpId: 0x1236,
      l4Offset: 84,
      srcPort: 443,
      dstPort: 50000,
      tcpSeq: 0x0b000001,
      tcpAck: 0x0a1b2c3e,
      tcpFlags: TcpFlag.ACK,
      tcpWindow: 502,
      tcpHeaderLength: 20,
      payloadOffset: 104,
      payloadLength: 0,
    });
  });

  it('snap length cut (capturedLength < wireLength) inside the TCP options', () => {
    // 110 of 124 bytes: MSS (104..107) and SACK-permitted (108..109) are whole, timestamps are not
    const { outcome, view } = decode(AWS_TCP_SYN, LinkType.ETHERNET, PERMISSIVE, 0, 110, 124);
    expect(outcome).toBe(Outcome.DECODED);
    expectView(view, {
      ...AWS_ETH,
      ...SYN_INNER,
      capturedLength: 110,
      wireLength: 124,
      truncated: true,
      l4Offset: 84,
      payloadOffset: 124,
      tcpHasTimestamp: false,
      tcpTsVal: 0,
      tcpWindowScale: -1,
    });
  });

  it('ARP inside: decoded, no inner IP', () => {
    const { outcome, view } = decode(INNER_ARP);
    expect(outcome).toBe(Outcome.DECODED);
    expectView(view, {
      ...AWS_ETH,
      capturedLength: 92,
      wireLength: 92,
      outerIpLength: 78,
      outerSrcPort: 54321,
      outerUdpLength: 58,
      innerL2Length: 42,
      innerEtherType: 0x0806,
      innerL3Offset: 64,
    });
  });

  it('ICMP echo request inside', () => {
    const { outcome, view } = decode(INNER_ICMP_ECHO);
    expect(outcome).toBe(Outcome.DECODED);
    expectView(view, {
      ...AWS_ETH,
      capturedLength: 96,
      wireLength: 96,
      outerIpLength: 82,
      outerSrcPort: 54321,
      outerUdpLength: 62,
      innerL2Length: 46,
      innerIpVersion: 4,
      innerIpLength: 32,
      innerIpHeaderLength: 20,
      innerProto: 1,
      innerSrc4: 0xac1f050a,
      innerDst4: 0xac1f0501,
      innerIpId: 7,
      l4Offset: 84,
      icmpType: 8,
      icmpCode: 0,
      icmpId: 1, // fixtures.ts: identifier 1
      payloadOffset: 92, // after type, code, checksum, identifier, sequence (8 bytes at 84)
      payloadLength: 4, // the data 'ping'
    });
  });

  it('ICMPv6 echo request inside', () => {
    const { outcome, view } = decode(INNER_ICMPV6_ECHO);
    expect(outcome).toBe(Outcome.DECODED);
    expectView(view, {
      ...AWS_ETH,
      capturedLength: 112,
      wireLength: 112,
      outerIpLength: 98,
      outerSrcPort: 54321,
      outerUdpLength: 78,
      innerL2Length: 62,
      innerEtherType: 0x86dd,
      innerIpVersion: 6,
      innerIpLength: 48,
      innerIpHeaderLength: 40,
      innerProto: 58,
      innerSrc6a: 0xfe800000,
      innerSrc6b: 0,
      innerSrc6c: 0x0c6677ff,
      innerSrc6d: 0xfe8899aa,
      innerDst6a: 0xfe800000,
      innerDst6b: 0,
      innerDst6c: 0x0c1122ff,
      innerDst6d: 0xfe334455,
      l4Offset: 104,
      icmpType: 128,
      icmpCode: 0,
      icmpId: 42, // fixtures.ts: identifier 42
      payloadOffset: 112, // after the 8-byte echo header at 104: the frame's end
      payloadLength: 0, // an echo with no data
    });
  });

  it('protocol 1 under IPv6 is not ICMPv6: decoded without L4', () => {
    const { outcome, view } = decode(patch(INNER_ICMPV6_ECHO, { 70: 0x01 })); // inner next header 1
    expect(outcome).toBe(Outcome.DECODED);
    expect(view.innerProto).toBe(1);
    expect(view.l4Offset).toBe(0);
    expect(view.icmpType).toBe(-1);
    expect(view.payloadOffset).toBe(104);
    expect(view.payloadLength).toBe(8);
  });

  it('protocol 58 under IPv4 is not ICMPv6: decoded without L4', () => {
    const { outcome, view } = decode(patch(INNER_ICMP_ECHO, { 73: 58 })); // inner IPv4 protocol 58
    expect(outcome).toBe(Outcome.DECODED);
    expect(view.innerProto).toBe(58);
    expect(view.l4Offset).toBe(0);
    expect(view.icmpType).toBe(-1);
    expect(view.payloadOffset).toBe(84);
    expect(view.payloadLength).toBe(12); // 32 - 20
  });

  it('another inner protocol (GRE) is decoded without L4; payload is the IP payload', () => {
    const { outcome, view } = decode(patch(AWS_TCP_SYN, { 73: 47 })); // inner protocol GRE
    expect(outcome).toBe(Outcome.DECODED);
    expectView(view, {
      ...AWS_ETH,
      capturedLength: 124,
      wireLength: 124,
      outerIpLength: 110,
      outerSrcPort: 54321,
      outerUdpLength: 90,
      innerL2Length: 74,
      innerIpVersion: 4,
      innerIpLength: 60,
      innerIpHeaderLength: 20,
      innerProto: 47,
      innerSrc4: 0xac1f050a,
      innerDst4: 0xac1f0914,
      innerIpId: 0x1234,
      payloadOffset: 84,
      payloadLength: 40,
    });
  });
});

describe('decodeFrame: link types', () => {
  it('Linux cooked v1 (113): everything 2 bytes later than on Ethernet', () => {
    const { outcome, view } = decode(AWS_TCP_SYN_SLL, LinkType.LINUX_SLL);
    expect(outcome).toBe(Outcome.DECODED);
    expectView(view, {
      ...SYN_INNER,
      linkType: 113,
      capturedLength: 126,
      wireLength: 126,
      outerEtherType: 0x0800,
      outerL3Offset: 16,
      outerL4Offset: 36,
      tunnelOffset: 44,
      innerL2Offset: 52,
      innerL3Offset: 66,
      l4Offset: 86,
      payloadOffset: 126,
    });
  });

  it('Linux cooked v2 (276): everything 6 bytes later', () => {
    const { outcome, view } = decode(AWS_TCP_SYN_SLL2, LinkType.LINUX_SLL2);
    expect(outcome).toBe(Outcome.DECODED);
    expectView(view, {
      ...SYN_INNER,
      linkType: 276,
      capturedLength: 130,
      wireLength: 130,
      outerEtherType: 0x0800,
      outerL3Offset: 20,
      outerL4Offset: 40,
      tunnelOffset: 48,
      innerL2Offset: 56,
      innerL3Offset: 70,
      l4Offset: 90,
      payloadOffset: 130,
    });
  });

  const RAW_V4_OFFSETS = {
    capturedLength: 110,
    wireLength: 110,
    outerL3Offset: 0,
    outerL4Offset: 20,
    tunnelOffset: 28,
    innerL2Offset: 36,
    innerL3Offset: 50,
    l4Offset: 70,
    payloadOffset: 110,
  };

  it('raw IPv4 (228)', () => {
    const { outcome, view } = decode(AWS_TCP_SYN_RAW_IPV4, LinkType.IPV4);
    expect(outcome).toBe(Outcome.DECODED);
    expectView(view, { ...SYN_INNER, ...RAW_V4_OFFSETS, linkType: 228 });
  });

  it('raw IP (101) with version 4 in the first nibble', () => {
    const { outcome, view } = decode(AWS_TCP_SYN_RAW_IPV4, LinkType.RAW);
    expect(outcome).toBe(Outcome.DECODED);
    expectView(view, { ...SYN_INNER, ...RAW_V4_OFFSETS, linkType: 101 });
  });

  const RAW_V6: Partial<ViewFields> = {
    capturedLength: 102,
    wireLength: 102,
    outerIpVersion: 6,
    outerIpLength: 102,
    outerL4Offset: 40,
    outerSrcPort: 54326,
    outerDstPort: 4789,
    outerUdpLength: 62,
    tunnelType: Tunnel.VXLAN,
    tunnelOffset: 48,
    vxlanFlags: 0x08,
    vni: 16398363,
    tunnelPayload: 0x6558,
    tunnelDepth: 1,
    outerTunnelType: Tunnel.VXLAN,
    outerVni: 16398363,
    innerL2Offset: 56,
    innerL2Length: 46,
    innerEtherType: 0x0800,
    innerL3Offset: 70,
    innerIpVersion: 4,
    innerIpLength: 32,
    innerIpHeaderLength: 20,
    innerProto: 17,
    innerSrc4: 0x0a010101,
    innerDst4: 0x0a010102,
    innerIpId: 3,
    l4Offset: 90,
    srcPort: 5353,
    dstPort: 53,
    payloadOffset: 98,
    payloadLength: 4,
  };

  it('raw IPv6 (229): outer IPv6 carrier', () => {
    const { outcome, view } = decode(RAW_IPV6_CARRIER, LinkType.IPV6);
    expect(outcome).toBe(Outcome.DECODED);
    expectView(view, { ...RAW_V6, linkType: 229 });
  });

  it('raw IP (101) with version 6 in the first nibble', () => {
    const { outcome, view } = decode(RAW_IPV6_CARRIER, LinkType.RAW);
    expect(outcome).toBe(Outcome.DECODED);
    expectView(view, { ...RAW_V6, linkType: 101 });
  });

  it('a UDP socket datagram (internal VXLAN_PAYLOAD): decoding starts at VXLAN, no outer layer', () => {
    const datagram = AWS_TCP_SYN.subarray(42); // VXLAN header + the 74-byte inner frame
    const { outcome, view } = decode(datagram, LinkType.VXLAN_PAYLOAD);
    expect(outcome).toBe(Outcome.DECODED);
    const { outerIpVersion, outerIpLength, outerSrc4, outerDst4, outerSrcPort, outerDstPort, ...inner } = SYN_INNER;
    expectView(view, {
      ...inner,
      linkType: LinkType.VXLAN_PAYLOAD,
      capturedLength: 82,
      wireLength: 82,
      outerUdpLength: 90, // a datagram that carried exactly these 82 bytes
      tunnelOffset: 0,
      innerL2Offset: 8,
      innerL3Offset: 22,
      l4Offset: 42,
      payloadOffset: 82,
    });
    expect(decode(patch(datagram, { 0: 0x00 }), LinkType.VXLAN_PAYLOAD).outcome).toBe(Outcome.VXLAN_I_FLAG_UNSET);
    expect(decode(datagram.subarray(0, 7), LinkType.VXLAN_PAYLOAD).outcome).toBe(Outcome.VXLAN_TOO_SHORT);
  });

  it('raw IP (101): a first nibble other than 4 or 6, or no byte at all, is raw_ip_bad_version', () => {
    expect(decode(patch(AWS_TCP_SYN_RAW_IPV4, { 0: 0x55 }), LinkType.RAW).outcome).toBe(Outcome.RAW_IP_BAD_VERSION);
    expect(decode(Buffer.alloc(0), LinkType.RAW).outcome).toBe(Outcome.RAW_IP_BAD_VERSION);
  });

  it('228/229 check the version they promise', () => {
    expect(decode(RAW_IPV6_CARRIER, LinkType.IPV4).outcome).toBe(Outcome.IPV4_BAD_VERSION);
    expect(decode(AWS_TCP_SYN_RAW_IPV4, LinkType.IPV6).outcome).toBe(Outcome.IPV6_BAD_VERSION);
  });

  it('an unknown link type is link_type_unsupported, view only reset', () => {
    const { outcome, view } = decode(AWS_TCP_SYN, 105); // 802.11
    expect(outcome).toBe(Outcome.LINK_TYPE_UNSUPPORTED);
    expectView(view, { linkType: 105, capturedLength: 124, wireLength: 124 });
  });

  it('a non-IP outer EtherType or cooked protocol is eth_not_ip', () => {
    expect(decode(patch(AWS_TCP_SYN, { 12: 0x08, 13: 0x06 })).outcome).toBe(Outcome.ETH_NOT_IP); // ARP
    expect(decode(patch(AWS_TCP_SYN_SLL, { 14: 0x88, 15: 0xcc }), LinkType.LINUX_SLL).outcome).toBe(Outcome.ETH_NOT_IP); // LLDP
  });
});

describe('decodeFrame: outer drops (never attributed to a VNI)', () => {
  it('three outer VLAN tags', () => {
    const frame = Buffer.concat([
      AWS_TCP_SYN.subarray(0, 12),
      hex('81 00 00 01', '81 00 00 02', '81 00 00 03'), // three tags
      AWS_TCP_SYN.subarray(12),
    ]);
    const { outcome, view } = decode(frame);
    expect(outcome).toBe(Outcome.ETH_TOO_MANY_VLANS);
    expect(view.tunnelType).toBe(0);
  });

  it('outer IPv4 total length 0 (BIG TCP)', () => {
    expect(decode(patch(AWS_TCP_SYN, { 16: 0, 17: 0 })).outcome).toBe(Outcome.IPV4_BAD_TOTAL_LENGTH);
  });

  it('outer IPv4 fragment (MF, or an offset)', () => {
    const mf = decode(patch(AWS_TCP_SYN, { 20: 0x20 }));
    expect(mf.outcome).toBe(Outcome.IPV4_FRAGMENT);
    expectView(mf.view, {
      linkType: 1,
      capturedLength: 124,
      wireLength: 124,
      outerEtherType: 0x0800,
      outerL3Offset: 14,
      outerIpVersion: 4,
      outerIpLength: 110,
      outerSrc4: 0x0a000119,
      outerDst4: 0x0a0002c8,
      outerL4Offset: 34,
    });
    expect(decode(patch(AWS_TCP_SYN, { 20: 0x00, 21: 0xb9 })).outcome).toBe(Outcome.IPV4_FRAGMENT);
  });

  it('outer IPv6 fragment header', () => {
    const { outcome, view } = decode(patch(RAW_IPV6_CARRIER, { 6: 44 }), LinkType.IPV6); // next header: fragment
    expect(outcome).toBe(Outcome.IPV6_FRAGMENT);
    expect(view.tunnelType).toBe(0);
  });

  it('outer protocol TCP is ip_not_udp', () => {
    expect(decode(patch(AWS_TCP_SYN, { 23: 6 })).outcome).toBe(Outcome.IP_NOT_UDP);
  });

  it('UDP length beyond the IP payload, or below 8', () => {
    expect(decode(patch(AWS_TCP_SYN, { 39: 91 })).outcome).toBe(Outcome.UDP_BAD_LENGTH); // 91 > 110 - 20
    expect(decode(patch(AWS_TCP_SYN, { 39: 7 })).outcome).toBe(Outcome.UDP_BAD_LENGTH);
  });

  it('a UDP length that leaves no room for VXLAN is vxlan_too_short', () => {
    expect(decode(patch(AWS_TCP_SYN, { 39: 15 })).outcome).toBe(Outcome.VXLAN_TOO_SHORT); // 8 UDP + 7
  });

  it('non-tunnel destination port', () => {
    const { outcome, view } = decode(patch(AWS_TCP_SYN, { 36: 0x00, 37: 0x35 })); // port 53
    expect(outcome).toBe(Outcome.UDP_NOT_TUNNEL_PORT);
    expect(view.outerDstPort).toBe(53);
    expect(view.tunnelType).toBe(0);
  });

  it('a configured extra VXLAN port (8472, Linux\'s default)', () => {
    const to8472 = patch(AWS_TCP_SYN, { 36: 0x21, 37: 0x18 }); // port 8472
    expect(decode(to8472).outcome).toBe(Outcome.UDP_NOT_TUNNEL_PORT);
    const cfg = makeDecoderConfig({ vxlanPorts: [4789, 8472] });
    const { outcome, view } = decode(to8472, LinkType.ETHERNET, cfg);
    expect(outcome).toBe(Outcome.DECODED);
    expect(view.outerDstPort).toBe(8472);
    expect(view.vni).toBe(16398363);
  });

  it('VXLAN I flag unset: dropped, flags recorded, no VNI', () => {
    const { outcome, view } = decode(patch(AWS_TCP_SYN, { 42: 0x00 }));
    expect(outcome).toBe(Outcome.VXLAN_I_FLAG_UNSET);
    expectView(view, {
      linkType: 1,
      capturedLength: 124,
      wireLength: 124,
      outerEtherType: 0x0800,
      outerL3Offset: 14,
      outerIpVersion: 4,
      outerIpLength: 110,
      outerSrc4: 0x0a000119,
      outerDst4: 0x0a0002c8,
      outerL4Offset: 34,
      outerSrcPort: 54321,
      outerDstPort: 4789,
      outerUdpLength: 90,
      vxlanFlags: 0,
    });
  });

  it('VXLAN reserved bits: permissive decodes and flags; strict drops before attribution', () => {
    const reservedPatches: Record<number, number>[] = [{ 42: 0x0c }, { 43: 0x01 }, { 49: 0xff }]; // flags P bit; byte after flags; last byte
    for (const bytes of reservedPatches) {
      const frame = patch(AWS_TCP_SYN, bytes);
      const permissive = decode(frame);
      expect(permissive.outcome).toBe(Outcome.DECODED);
      expect(permissive.view.reservedNonZero).toBe(true);
      expect(permissive.view.vni).toBe(16398363);
      expect(permissive.view.tcpMss).toBe(1460);
      const strict = decode(frame, LinkType.ETHERNET, STRICT);
      expect(strict.outcome).toBe(Outcome.VXLAN_RESERVED_NONZERO);
      expect(strict.view.reservedNonZero).toBe(true);
      expect(strict.view.tunnelType).toBe(0);
      expect(strict.view.vni).toBe(0);
    }
    expect(decode(AWS_TCP_SYN, LinkType.ETHERNET, STRICT).outcome).toBe(Outcome.DECODED);
  });
});

describe('decodeFrame: inner drops stay attributed to their VNI', () => {
  const cases: [string, Buffer, number][] = [
    ['inner IPv4 version 6', patch(AWS_TCP_SYN, { 64: 0x65 }), Outcome.INNER_IPV4_BAD_VERSION],
    ['inner IHL 4', patch(AWS_TCP_SYN, { 64: 0x44 }), Outcome.INNER_IPV4_BAD_HEADER_LENGTH],
    ['inner total length 19', patch(AWS_TCP_SYN, { 66: 0, 67: 19 }), Outcome.INNER_IPV4_BAD_TOTAL_LENGTH],
    ['inner TCP data offset 4', patch(AWS_TCP_SYN, { 96: 0x40 }), Outcome.INNER_TCP_BAD_DATA_OFFSET],
    ['inner EtherType IPv6 over IPv4 bytes', patch(AWS_TCP_SYN, { 62: 0x86, 63: 0xdd }), Outcome.INNER_IPV6_BAD_VERSION],
    ['inner total length 30: TCP header outside the datagram', patch(AWS_TCP_SYN, { 66: 0, 67: 30 }), Outcome.INNER_TCP_TOO_SHORT],
    ['UDP length 16 + 13: inner Ethernet cut by the datagram', patch(AWS_TCP_SYN, { 39: 29 }), Outcome.INNER_ETH_TOO_SHORT],
  ];
  for (const [name, frame, reason] of cases) {
    it(name, () => {
      const { outcome, view } = decode(frame);
      expect(outcome).toBe(reason);
      expect(view.tunnelType).toBe(Tunnel.VXLAN);
      expect(view.vni).toBe(16398363);
    });
  }
});

describe('decodeFrame: robustness', () => {
  // PacketView's reset contract: reset() clears the layer markers; each layer
  // writes all of its own fields. (This test used to expect every field of
  // an unreached layer back at its initial value; see packet-view.ts.)
  it('resets the view between frames: nothing leaks from the previous frame', () => {
    const view = new PacketView();
    decodeFrame(AWS_TCP_SYN, 0, 124, 124, LinkType.ETHERNET, view, PERMISSIVE);
    expect(decodeFrame(INNER_ARP, 0, 92, 92, LinkType.ETHERNET, view, PERMISSIVE)).toBe(Outcome.DECODED);
    // the markers say no inner IP and no L4 header, so the SYN's L4 fields are not this frame's
    expect(view.innerIpVersion).toBe(0);
    expect(view.l4Offset).toBe(0);
    // a TCP header without options after the SYN: the TCP layer wrote every option field
    decodeFrame(AWS_TCP_SYN, 0, 124, 124, LinkType.ETHERNET, view, PERMISSIVE);
    const n = INNER_PADDED_WITH_FCS.length;
    expect(decodeFrame(INNER_PADDED_WITH_FCS, 0, n, n, LinkType.ETHERNET, view, PERMISSIVE)).toBe(Outcome.DECODED);
    expect(view.tcpMss).toBe(0);
    expect(view.tcpWindowScale).toBe(-1);
    expect(view.tcpSackPermitted).toBe(false);
    expect(view.tcpHasTimestamp).toBe(false);
    expect(view.tcpTsVal).toBe(0);
    // and a frame dropped before VXLAN leaves no VNI behind
    expect(decodeFrame(AWS_TCP_SYN, 0, 30, 124, LinkType.ETHERNET, view, PERMISSIVE)).toBe(Outcome.IPV4_TOO_SHORT);
    expect(view.tunnelType).toBe(0);
    expect(view.vni).toBe(0);
    expect(view.outerIpVersion).toBe(0);
  });

  it('capturedLength larger than the Buffer is clamped and flagged, never read past', () => {
    const { outcome, view } = decode(AWS_TCP_SYN.subarray(0, 60), LinkType.ETHERNET, PERMISSIVE, 0, 124, 124);
    expect(outcome).toBe(Outcome.INNER_ETH_TOO_SHORT);
    expect(view.truncated).toBe(true);
  });

  it('nonsense offsets and lengths do not throw', () => {
    const view = new PacketView();
    for (const [off, cap] of [
      [-1, 10],
      [NaN, 10],
      [0, NaN],
      [0, -5],
      [500, 10],
      [124, 0],
      [1.5, 100],
      [Infinity, 1],
      [0, Infinity],
    ]) {
      const r = decodeFrame(AWS_TCP_SYN, off, cap, 124, LinkType.ETHERNET, view, PERMISSIVE);
      expect(Number.isInteger(r)).toBe(true);
    }
    expect(decodeFrame(AWS_TCP_SYN, -1, 10, 10, 1, view, PERMISSIVE)).toBe(Outcome.ETH_TOO_SHORT);
  });
});
