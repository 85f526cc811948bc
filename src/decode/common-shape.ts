/**
 * The common shape in one function: what an AWS VPC Traffic Mirroring target
 * receives for nearly every frame.
 *
 *   Ethernet, untagged (IEEE 802.3)
 *   IPv4, 20-byte header, not a fragment, protocol UDP (RFC 791)
 *   UDP to a VXLAN port (RFC 768; the port list of decoder-config.ts)
 *   VXLAN with flags 0x08 and every reserved bit zero (RFC 7348 §5)
 *   Ethernet, untagged
 *   IPv4, 20-byte header, not a fragment
 *   TCP with no options or exactly NOP NOP timestamps (RFC 9293, RFC 7323),
 *   UDP to a port that is not a tunnel port (RFC 768), or ICMP (RFC 792)
 *
 * Why it exists: the layered decoder (decoder.ts and one file per layer) is
 * the reference, and every frame it sees passes through eight small
 * functions that V8 does not inline into one another (their bytecode is past
 * the inlining budget), each re-deriving offsets and bounds. For the shape
 * above the same checks fit in one function that reads each header once and
 * writes the view once. Measured on the bench capture (2-core VM, Node 20):
 * decoding took 125 ns a frame instead of 200, and (b) read + decode +
 * per-VNI ran at 2.73-2.88 M frames/s instead of 2.29-2.39 (bench/README.md,
 * "The common shape"; figure (b') of bench/run.mjs is the layers alone).
 *
 * The contract: decodeCommonShape either returns NOT_COMMON_SHAPE having
 * written NOTHING to the view (so the layered decoder starts from the state
 * reset() left), or returns the outcome the layered decoder would return and
 * leaves every view field exactly as the layered decoder would leave it.
 * It checks everything first and writes only after the last check.
 * test/unit/common-shape.test.ts holds it to that, field by field, over
 * every capture in pcaps/ and over mutated and truncated frames.
 *
 * Anything else (VLAN tags, IPv4 options, IPv6, fragments, Geneve, VXLAN-GPE,
 * reserved bits set, TCP options other than the two above, nested tunnels,
 * headers cut short, a protocol not named above) is left to the layered
 * decoder, which names its drop reasons; this function never drops a frame.
 */
import { Outcome } from './outcome.js';
import { IpProto, Tunnel, TunnelPayload, type PacketView } from './packet-view.js';
import { writeTcpFixedFields } from './tcp.js';

/** Returned when the frame is not the common shape: decode it layer by layer. */
export const NOT_COMMON_SHAPE = -1;

/** Numbers of the shape (a const enum: literals in the compiled code). */
const enum Shape {
  ETH_HEADER = 14,
  ETHERTYPE_IPV4 = 0x0800,
  IPV4_HEADER = 20,
  /** Version 4, IHL 5: the first byte of an option-less IPv4 header. */
  IPV4_VERSION_IHL = 0x45,
  /** MF flag and fragment offset bits of the flags/offset field. */
  IPV4_FRAGMENT_BITS = 0x3fff,
  UDP_HEADER = 8,
  VXLAN_HEADER = 8,
  /** VXLAN's first word with only the I flag set (flags 0x08, reserved 0). */
  VXLAN_WORD0 = 0x08000000,
  TCP_HEADER = 20,
  /** NOP, NOP, timestamps kind 8 length 10 (tcp.ts TcpLayout). */
  TCP_NOP_NOP_TIMESTAMPS = 0x0101080a,
  TCP_HEADER_WITH_TIMESTAMPS = 32,
  ICMP_HEADER = 4,
  /** Where an ICMP message's data starts (icmp.ts IcmpLayout.MESSAGE_HEADER_LENGTH). */
  ICMP_MESSAGE_HEADER = 8,
  /** ICMP identifier, bytes 4-5 (icmp.ts). */
  ICMP_ID_END = 6,
  /** Outer Ethernet + IPv4 + UDP + VXLAN + inner Ethernet + IPv4: where the inner L4 header starts. */
  INNER_L4_AT = 14 + 20 + 8 + 8 + 14 + 20,
}

/**
 * `start` .. `end`: the frame's bytes in the Buffer `dv` reads (end already
 * clamped to the Buffer by decodeFrame, which has called view.reset()).
 */
export function decodeCommonShape(
  dv: DataView,
  start: number,
  end: number,
  view: PacketView,
  tunnelByPort: Uint8Array,
): number {
  // The fixed part up to the inner L4 header must be captured: 84 bytes.
  if (end - start < Shape.INNER_L4_AT) return NOT_COMMON_SHAPE;

  // Outer Ethernet and IPv4.
  const l3 = start + Shape.ETH_HEADER;
  if (dv.getUint16(start + 12) !== Shape.ETHERTYPE_IPV4) return NOT_COMMON_SHAPE;
  const ip0 = dv.getUint32(l3); // version 4 | IHL 4 | TOS 8 | total length 16
  const ipLength = ip0 & 0xffff;
  if (ip0 >>> 24 !== Shape.IPV4_VERSION_IHL || ipLength < Shape.IPV4_HEADER) return NOT_COMMON_SHAPE;
  const ip2 = dv.getUint32(l3 + 8); // TTL 8 | protocol 8 | checksum 16
  if ((dv.getUint16(l3 + 6) & Shape.IPV4_FRAGMENT_BITS) !== 0 || ((ip2 >>> 16) & 0xff) !== IpProto.UDP) {
    return NOT_COMMON_SHAPE;
  }
  const ipEnd = l3 + ipLength;
  const payloadEnd = ipEnd < end ? ipEnd : end;

  // Outer UDP to a VXLAN port. (Its 8 bytes are within the 84 captured, but
  // the IP total length may say the datagram ends sooner.)
  const udp = l3 + Shape.IPV4_HEADER;
  if (payloadEnd - udp < Shape.UDP_HEADER) return NOT_COMMON_SHAPE;
  const ports = dv.getUint32(udp);
  const dstPort = ports & 0xffff;
  const udpLength = dv.getUint16(udp + 4);
  if (udpLength < Shape.UDP_HEADER || udpLength > ipEnd - udp) return NOT_COMMON_SHAPE;
  if (tunnelByPort[dstPort] !== Tunnel.VXLAN) return NOT_COMMON_SHAPE;
  const udpEnd = udp + udpLength;
  const tunnelEnd = udpEnd < payloadEnd ? udpEnd : payloadEnd;

  // VXLAN: I flag only, reserved bits zero.
  const vx = udp + Shape.UDP_HEADER;
  const innerL2 = vx + Shape.VXLAN_HEADER;
  const innerL3 = innerL2 + Shape.ETH_HEADER;
  const l4 = innerL3 + Shape.IPV4_HEADER;
  // Every header up to the inner L4 one lies inside the tunnel payload.
  if (tunnelEnd < l4) return NOT_COMMON_SHAPE;
  if (dv.getUint32(vx) !== Shape.VXLAN_WORD0) return NOT_COMMON_SHAPE;
  const vx1 = dv.getUint32(vx + 4); // VNI 24 | reserved 8
  if ((vx1 & 0xff) !== 0) return NOT_COMMON_SHAPE;

  // Inner Ethernet and IPv4.
  if (dv.getUint16(innerL2 + 12) !== Shape.ETHERTYPE_IPV4) return NOT_COMMON_SHAPE;
  const in0 = dv.getUint32(innerL3);
  const innerLength = in0 & 0xffff;
  if (in0 >>> 24 !== Shape.IPV4_VERSION_IHL || innerLength < Shape.IPV4_HEADER) return NOT_COMMON_SHAPE;
  const in1 = dv.getUint32(innerL3 + 4); // identification 16 | flags 3 | fragment offset 13
  if ((in1 & Shape.IPV4_FRAGMENT_BITS) !== 0) return NOT_COMMON_SHAPE;
  const proto = dv.getUint8(innerL3 + 9);
  const innerIpEnd = innerL3 + innerLength;
  const l4End = innerIpEnd < tunnelEnd ? innerIpEnd : tunnelEnd;

  // Inner L4: check it whole before writing anything.
  let l4HeaderLength: number;
  let tcp3 = 0;
  let hasTimestamps = false;
  if (proto === IpProto.TCP) {
    if (l4End - l4 < Shape.TCP_HEADER) return NOT_COMMON_SHAPE;
    tcp3 = dv.getUint32(l4 + 12); // data offset 4 | reserved 4 | flags 8 | window 16
    l4HeaderLength = (tcp3 >>> 28) << 2;
    if (l4HeaderLength === Shape.TCP_HEADER_WITH_TIMESTAMPS) {
      if (l4 + Shape.TCP_HEADER_WITH_TIMESTAMPS > l4End) return NOT_COMMON_SHAPE;
      if (dv.getUint32(l4 + Shape.TCP_HEADER) !== Shape.TCP_NOP_NOP_TIMESTAMPS) return NOT_COMMON_SHAPE;
      hasTimestamps = true;
    } else if (l4HeaderLength !== Shape.TCP_HEADER) {
      return NOT_COMMON_SHAPE;
    }
  } else if (proto === IpProto.UDP) {
    if (l4End - l4 < Shape.UDP_HEADER) return NOT_COMMON_SHAPE;
    if (tunnelByPort[dv.getUint16(l4 + 2)] !== Tunnel.NONE) return NOT_COMMON_SHAPE; // nested tunnel
    l4HeaderLength = Shape.UDP_HEADER;
  } else if (proto === IpProto.ICMP) {
    if (l4End - l4 < Shape.ICMP_HEADER) return NOT_COMMON_SHAPE;
    l4HeaderLength = Shape.ICMP_MESSAGE_HEADER;
  } else {
    return NOT_COMMON_SHAPE;
  }

  // The shape holds: write what the layers would have written, in their order.
  // Truncated: the outer datagram, the UDP datagram or the inner packet is
  // longer than what was captured (decodeIpv4, decodeOuterUdp, decodeInnerIpv4).
  if (end < ipEnd || payloadEnd < udpEnd || tunnelEnd < innerIpEnd) view.truncated = true;
  view.outerVlanCount = 0;
  view.outerVlanId = 0;
  view.outerEtherType = Shape.ETHERTYPE_IPV4;
  view.outerL3Offset = l3;
  view.outerIpVersion = 4;
  view.outerIpLength = ipLength;
  view.outerSrc4 = dv.getUint32(l3 + 12);
  view.outerDst4 = dv.getUint32(l3 + 16);
  view.outerL4Offset = udp;
  view.outerSrcPort = ports >>> 16;
  view.outerDstPort = dstPort;
  view.outerUdpLength = udpLength;
  view.vxlanFlags = Shape.VXLAN_WORD0 >>> 24;
  view.reservedNonZero = false;
  view.tunnelType = Tunnel.VXLAN;
  view.tunnelOffset = vx;
  const vni = vx1 >>> 8;
  view.vni = vni;
  view.innerL2Offset = innerL2;
  view.innerL2Length = udpLength > Shape.UDP_HEADER + Shape.VXLAN_HEADER ? udpLength - Shape.UDP_HEADER - Shape.VXLAN_HEADER : 0;
  view.tunnelPayload = TunnelPayload.ETHERNET;
  view.tunnelDepth = 1;
  view.outerTunnelType = Tunnel.VXLAN;
  view.outerVni = vni;
  view.innerVlanCount = 0;
  view.innerEtherType = Shape.ETHERTYPE_IPV4;
  view.innerL3Offset = innerL3;
  view.innerIpVersion = 4;
  view.innerIpLength = innerLength;
  view.innerIpHeaderLength = Shape.IPV4_HEADER;
  view.innerProto = proto;
  view.innerSrc4 = dv.getUint32(innerL3 + 12);
  view.innerDst4 = dv.getUint32(innerL3 + 16);
  view.innerIpId = in1 >>> 16;
  view.innerFragment = false;
  view.innerFragmentOffset = 0;
  view.l4Offset = l4;
  if (proto === IpProto.TCP) {
    writeTcpFixedFields(dv, l4, view);
    view.tcpHasTimestamp = hasTimestamps;
    view.tcpTsVal = hasTimestamps ? dv.getUint32(l4 + 24) : 0;
    view.tcpTsEcr = hasTimestamps ? dv.getUint32(l4 + 28) : 0;
  } else if (proto === IpProto.UDP) {
    view.srcPort = dv.getUint16(l4);
    view.dstPort = dv.getUint16(l4 + 2);
    view.l4Checksum = dv.getUint16(l4 + 6);
  } else {
    view.icmpType = dv.getUint8(l4);
    view.icmpCode = dv.getUint8(l4 + 1);
    view.l4Checksum = dv.getUint16(l4 + 2);
    view.icmpId = l4End - l4 >= Shape.ICMP_ID_END ? dv.getUint16(l4 + 4) : 0;
  }
  view.payloadOffset = l4 + l4HeaderLength;
  const payloadLength = innerLength - Shape.IPV4_HEADER - l4HeaderLength;
  view.payloadLength = payloadLength > 0 ? payloadLength : 0;
  return Outcome.DECODED;
}
