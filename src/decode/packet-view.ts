/**
 * The one reused decoded-packet view (DESIGN.md §3 rule 1).
 *
 * Every field is assigned in the constructor, in one fixed order, so V8 gives
 * all views one hidden class; `reset()` writes the same fields in the same
 * order. Positions are offsets into the frame's Buffer (never slices),
 * addresses are uint32 numbers (`>>> 0`), and nothing here is a string.
 *
 * A view is only meaningful during the `onFrame` call that filled it: the
 * Buffer it points into is reused by the source for the next frame.
 */

/** Tunnel types: 0 means "no tunnel header was parsed". */
export const Tunnel = { NONE: 0, VXLAN: 1, GENEVE: 2 } as const;
export const TUNNEL_NAMES = ['none', 'vxlan', 'geneve'] as const;

/** L4 protocol numbers we name (IANA "Assigned Internet Protocol Numbers"). */
export const IpProto = {
  HOPOPT: 0,
  ICMP: 1,
  IGMP: 2,
  TCP: 6,
  UDP: 17,
  IPV6_ROUTE: 43,
  IPV6_FRAG: 44,
  GRE: 47,
  ESP: 50,
  AH: 51,
  ICMPV6: 58,
  IPV6_NONXT: 59,
  IPV6_OPTS: 60,
} as const;

/** TCP flag bits (RFC 9293 §3.1, plus ECE/CWR from RFC 3168). */
export const TcpFlag = {
  FIN: 0x01,
  SYN: 0x02,
  RST: 0x04,
  PSH: 0x08,
  ACK: 0x10,
  URG: 0x20,
  ECE: 0x40,
  CWR: 0x80,
} as const;

export class PacketView {
  // --- frame (from the source) ---
  declare linkType: number;
  declare frameOffset: number; // where the frame starts in the Buffer
  declare capturedLength: number; // bytes present in the Buffer
  declare wireLength: number; // original length on the wire
  /** Set when capture (snap length), the mirror's PacketLength, or an MTU cut the frame. */
  declare truncated: boolean;

  // --- outer layers ---
  declare outerVlanCount: number;
  declare outerVlanId: number; // outermost tag's VID, 0 when untagged
  /** EtherType / protocol from the link header after any VLAN tags; 0 for raw-IP links. */
  declare outerEtherType: number;
  declare outerL3Offset: number;
  declare outerIpVersion: number; // 4 or 6, 0 when not reached
  /** IPv4 total length, or 40 + IPv6 payload length (bytes sent, not bytes captured). */
  declare outerIpLength: number;
  declare outerSrc4: number; // uint32, IPv4 only
  declare outerDst4: number;
  declare outerL4Offset: number;
  declare outerSrcPort: number;
  declare outerDstPort: number;
  declare outerUdpLength: number; // UDP length field

  // --- tunnel ---
  declare tunnelType: number; // Tunnel.*
  declare tunnelOffset: number;
  declare vxlanFlags: number; // first byte of the VXLAN header
  declare reservedNonZero: boolean; // any VXLAN reserved bit set
  declare vni: number; // 24-bit

  // --- inner L2 ---
  declare innerL2Offset: number;
  declare innerL2Length: number; // per RFC 7348: outer UDP length - 8 (UDP) - 8 (VXLAN)
  declare innerVlanCount: number;
  declare innerEtherType: number;

  // --- inner L3 ---
  declare innerL3Offset: number;
  declare innerIpVersion: number; // 4, 6 or 0 (not IP: ARP and others)
  declare innerIpLength: number; // IPv4 total length, or 40 + IPv6 payload length
  declare innerIpHeaderLength: number; // IPv4 IHL*4, or 40 + skipped extension headers
  declare innerProto: number; // L4 protocol after extension headers (IpProto.*)
  declare innerSrc4: number;
  declare innerDst4: number;
  declare innerSrc6a: number; // IPv6 source as four uint32, most significant first
  declare innerSrc6b: number;
  declare innerSrc6c: number;
  declare innerSrc6d: number;
  declare innerDst6a: number;
  declare innerDst6b: number;
  declare innerDst6c: number;
  declare innerDst6d: number;
  declare innerIpId: number; // IPv4 identification, IPv6 fragment identification low 32 bits
  declare innerFragment: boolean; // part of a fragmented datagram (any fragment)
  declare innerFragmentOffset: number; // in bytes; > 0 means no L4 header here

  // --- inner L4 ---
  declare l4Offset: number; // 0 when L4 was not parsed
  declare srcPort: number;
  declare dstPort: number;
  declare tcpSeq: number; // uint32
  declare tcpAck: number; // uint32
  declare tcpFlags: number; // the 8 flag bits (TcpFlag.*)
  declare tcpWindow: number; // unscaled
  declare tcpHeaderLength: number; // data offset * 4
  declare tcpMss: number; // 0 when absent
  declare tcpWindowScale: number; // -1 when absent
  declare tcpSackPermitted: boolean;
  declare tcpHasTimestamp: boolean;
  declare tcpTsVal: number;
  declare tcpTsEcr: number;
  declare icmpType: number; // -1 when not ICMP
  declare icmpCode: number;

  // --- payload ---
  declare payloadOffset: number;
  /** L4 payload length from the IP length (what was sent, not what was captured). */
  declare payloadLength: number;

  constructor() {
    // Fields are created here, by reset(), in one fixed order (`declare`
    // fields emit no class-field definitions, whatever the transpiler).
    this.reset(0, 0, 0, 0);
  }

  /** Clear for the next frame: always the same fields in the same order. */
  reset(linkType: number, frameOffset: number, capturedLength: number, wireLength: number): void {
    this.linkType = linkType;
    this.frameOffset = frameOffset;
    this.capturedLength = capturedLength;
    this.wireLength = wireLength;
    this.truncated = capturedLength < wireLength;
    this.outerVlanCount = 0;
    this.outerVlanId = 0;
    this.outerEtherType = 0;
    this.outerL3Offset = 0;
    this.outerIpVersion = 0;
    this.outerIpLength = 0;
    this.outerSrc4 = 0;
    this.outerDst4 = 0;
    this.outerL4Offset = 0;
    this.outerSrcPort = 0;
    this.outerDstPort = 0;
    this.outerUdpLength = 0;
    this.tunnelType = 0;
    this.tunnelOffset = 0;
    this.vxlanFlags = 0;
    this.reservedNonZero = false;
    this.vni = 0;
    this.innerL2Offset = 0;
    this.innerL2Length = 0;
    this.innerVlanCount = 0;
    this.innerEtherType = 0;
    this.innerL3Offset = 0;
    this.innerIpVersion = 0;
    this.innerIpLength = 0;
    this.innerIpHeaderLength = 0;
    this.innerProto = -1;
    this.innerSrc4 = 0;
    this.innerDst4 = 0;
    this.innerSrc6a = 0;
    this.innerSrc6b = 0;
    this.innerSrc6c = 0;
    this.innerSrc6d = 0;
    this.innerDst6a = 0;
    this.innerDst6b = 0;
    this.innerDst6c = 0;
    this.innerDst6d = 0;
    this.innerIpId = 0;
    this.innerFragment = false;
    this.innerFragmentOffset = 0;
    this.l4Offset = 0;
    this.srcPort = 0;
    this.dstPort = 0;
    this.tcpSeq = 0;
    this.tcpAck = 0;
    this.tcpFlags = 0;
    this.tcpWindow = 0;
    this.tcpHeaderLength = 0;
    this.tcpMss = 0;
    this.tcpWindowScale = -1;
    this.tcpSackPermitted = false;
    this.tcpHasTimestamp = false;
    this.tcpTsVal = 0;
    this.tcpTsEcr = 0;
    this.icmpType = -1;
    this.icmpCode = -1;
    this.payloadOffset = 0;
    this.payloadLength = 0;
  }
}
