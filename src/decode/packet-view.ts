/**
 * The one reused decoded-packet view (DESIGN.md §3 rule 1).
 *
 * Every field is declared below with its initial value, so the compiled
 * constructor assigns all of them in one fixed order (one hidden class for
 * every view) and, because the assignments are the constructor's own
 * `this.x = ...` statements, V8 sizes the object to hold them all in-object.
 * (The constructor used to create them by calling reset(); V8 does not count
 * assignments made in a callee, so most fields then lived in an out-of-object
 * backing store: one more load for every access.)
 *
 * Positions are offsets into the frame's Buffer (never slices), addresses
 * are uint32 numbers (`>>> 0`), and nothing here is a string.
 *
 * A view is only meaningful during the `onFrame` call that filled it: the
 * Buffer it points into is reused by the source for the next frame.
 *
 * ## Which fields hold this frame's values (the reset contract)
 *
 * `reset()` does not clear every field (60 stores per frame, and its size
 * kept the decoder from being inlined): it writes the frame fields and one
 * "reached" marker per layer group, and each layer, once its header is
 * accepted, writes ALL of its own fields, absent options included (gopacket's
 * DecodingLayer style). A field of a layer the frame did not reach keeps
 * whatever an earlier frame left there, so read a group only when its marker
 * says the frame got that far:
 *
 *   always               linkType, frameOffset, capturedLength, wireLength,
 *                        truncated, and the markers below
 *   outerIpVersion != 0  the outer link fields (outerVlanCount, outerVlanId,
 *                        outerEtherType, outerL3Offset), outerIpLength,
 *                        outerL4Offset; outerSrc4/outerDst4 when it is 4
 *   tunnelType != 0      vni (reset to 0 otherwise), everything outer (UDP
 *                        ports and length), tunnelOffset, tunnelPayload,
 *                        tunnelDepth, outerTunnelType, outerVni,
 *                        innerL2Offset, innerL2Length, and the header
 *                        fields of the innermost tunnel's type (vxlanFlags
 *                        and reservedNonZero for VXLAN and VXLAN-GPE; the
 *                        geneve* fields for Geneve)
 *   innerIpVersion != 0  innerVlanCount, innerEtherType, innerL3Offset,
 *                        innerIpLength, innerIpHeaderLength, innerProto,
 *                        innerIpId, innerFragment, innerFragmentOffset; the
 *                        addresses of that version (innerSrc4/Dst4 or
 *                        innerSrc6a..d/innerDst6a..d)
 *   l4Offset != 0        the L4 header of innerProto was parsed (so the
 *                        frame is `decoded`): srcPort/dstPort (TCP, UDP),
 *                        the tcp* fields (TCP), icmpType/icmpCode/icmpId
 *                        (ICMP, ICMPv6), l4Checksum (UDP, ICMP, ICMPv6)
 *   outcome `decoded`    with tunnelType != 0: innerVlanCount,
 *                        innerEtherType, innerL3Offset (ARP and other
 *                        non-IP inner frames too); with innerIpVersion != 0:
 *                        payloadOffset, payloadLength
 * For a dropped frame, the layer that dropped it has written the fields its
 * file documents as written before that check (e.g. the outer UDP ports
 * before `udp_not_tunnel_port`, vxlanFlags before `vxlan_i_flag_unset`), for
 * sampled anomaly logs. A freshly constructed view holds the initial values
 * below everywhere, so decoding one frame into a new view gives exactly the
 * fields that frame sets, the rest at their initial values.
 */

// The named numbers below (and Outcome, EtherType, the *Layout enums of the
// layer files, Col in vni-stats.ts) are `const enum`s: tsc writes the number
// at each use, so the hot path compares and indexes with literals instead of
// loading a property of a module-level object each time (a binding load, a
// TDZ check, a map check and a field load in V8's optimized code, and extra
// bytecode against the inlining budget). Use them as `IpProto.TCP`; they do
// not exist as objects at run time in the tsc build.

/** Tunnel types: 0 means "no tunnel header was parsed". */
export const enum Tunnel {
  NONE = 0,
  VXLAN = 1,
  GENEVE = 2,
  /** VXLAN-GPE (draft-ietf-nvo3-vxlan-gpe), UDP 4790: its own type, since its header means other things than VXLAN's. */
  VXLAN_GPE = 3,
}
export const TUNNEL_NAMES = ['none', 'vxlan', 'geneve', 'vxlan-gpe'] as const;

/**
 * What a tunnel header says it carries, as an EtherType: Ethernet
 * (0x6558, "Transparent Ethernet Bridging", VXLAN always), or an IP packet
 * with no L2 header (Geneve protocol type 0x0800 / 0x86DD as AWS Gateway
 * Load Balancer and GCP Packet Mirroring send it; VXLAN-GPE next protocol 1 / 2).
 */
export const enum TunnelPayload {
  ETHERNET = 0x6558,
  IPV4 = 0x0800,
  IPV6 = 0x86dd,
}

/** L4 protocol numbers we name (IANA "Assigned Internet Protocol Numbers"). */
export const enum IpProto {
  HOPOPT = 0,
  ICMP = 1,
  IGMP = 2,
  TCP = 6,
  UDP = 17,
  IPV6_ROUTE = 43,
  IPV6_FRAG = 44,
  GRE = 47,
  ESP = 50,
  AH = 51,
  ICMPV6 = 58,
  IPV6_NONXT = 59,
  IPV6_OPTS = 60,
}

/** TCP flag bits (RFC 9293 §3.1, plus ECE/CWR from RFC 3168). */
export const enum TcpFlag {
  FIN = 0x01,
  SYN = 0x02,
  RST = 0x04,
  PSH = 0x08,
  ACK = 0x10,
  URG = 0x20,
  ECE = 0x40,
  CWR = 0x80,
}

const EMPTY_DATA_VIEW = new DataView(new ArrayBuffer(0));

export class PacketView {
  // --- frame (from the source) ---
  linkType: number = 0;
  frameOffset: number = 0; // where the frame starts in the Buffer
  capturedLength: number = 0; // bytes present in the Buffer
  wireLength: number = 0; // original length on the wire
  /** Set when capture (snap length), the mirror's PacketLength, or an MTU cut the frame. */
  truncated: boolean = false;

  // --- outer layers ---
  outerVlanCount: number = 0;
  outerVlanId: number = 0; // outermost tag's VID, 0 when untagged
  /** EtherType / protocol from the link header after any VLAN tags; 0 for raw-IP links. */
  outerEtherType: number = 0;
  outerL3Offset: number = 0;
  outerIpVersion: number = 0; // 4 or 6, 0 when not reached
  /** IPv4 total length, or 40 + IPv6 payload length (bytes sent, not bytes captured). */
  outerIpLength: number = 0;
  outerSrc4: number = 0; // uint32, IPv4 only
  outerDst4: number = 0;
  outerL4Offset: number = 0;
  outerSrcPort: number = 0;
  outerDstPort: number = 0;
  outerUdpLength: number = 0; // UDP length field

  // --- tunnel ---
  tunnelType: number = 0; // Tunnel.*
  tunnelOffset: number = 0;
  vxlanFlags: number = 0; // first byte of the VXLAN header
  reservedNonZero: boolean = false; // any VXLAN reserved bit set
  vni: number = 0; // 24-bit; of the innermost tunnel header accepted (the mirror session)
  /** TunnelPayload.* (an EtherType): what the innermost tunnel header carries. */
  tunnelPayload: number = 0;
  /** Tunnel headers accepted in this frame: 1, or more when tunnels nest (Geneve -> VXLAN...). */
  tunnelDepth: number = 0;
  /** The outermost tunnel header's type and VNI (equal to tunnelType/vni when tunnelDepth is 1). */
  outerTunnelType: number = 0;
  outerVni: number = 0;
  geneveFlags: number = 0; // Geneve byte 1: O (0x80, control packet) and C (0x40, critical options)
  geneveOptionsLength: number = 0; // bytes of Geneve options (Opt Len * 4)
  geneveOptionCount: number = 0; // options found walking that area

  // --- inner L2 ---
  innerL2Offset: number = 0;
  innerL2Length: number = 0; // the innermost tunnel's payload: its UDP length - 8 (UDP) - tunnel header (RFC 7348: 8 for VXLAN)
  innerVlanCount: number = 0;
  innerEtherType: number = 0;

  // --- inner L3 ---
  innerL3Offset: number = 0;
  innerIpVersion: number = 0; // 4, 6 or 0 (not IP: ARP and others)
  innerIpLength: number = 0; // IPv4 total length, or 40 + IPv6 payload length
  innerIpHeaderLength: number = 0; // IPv4 IHL*4, or 40 + skipped extension headers
  innerProto: number = -1; // L4 protocol after extension headers (IpProto.*)
  innerSrc4: number = 0;
  innerDst4: number = 0;
  innerSrc6a: number = 0; // IPv6 source as four uint32, most significant first
  innerSrc6b: number = 0;
  innerSrc6c: number = 0;
  innerSrc6d: number = 0;
  innerDst6a: number = 0;
  innerDst6b: number = 0;
  innerDst6c: number = 0;
  innerDst6d: number = 0;
  innerIpId: number = 0; // IPv4 identification, IPv6 fragment identification low 32 bits
  innerFragment: boolean = false; // part of a fragmented datagram (any fragment)
  innerFragmentOffset: number = 0; // in bytes; > 0 means no L4 header here

  // --- inner L4 ---
  l4Offset: number = 0; // 0 when L4 was not parsed
  srcPort: number = 0;
  dstPort: number = 0;
  tcpSeq: number = 0; // uint32
  tcpAck: number = 0; // uint32
  tcpFlags: number = 0; // the 8 flag bits (TcpFlag.*)
  tcpWindow: number = 0; // unscaled
  tcpHeaderLength: number = 0; // data offset * 4
  tcpMss: number = 0; // 0 when absent
  tcpWindowScale: number = -1; // -1 when absent
  tcpSackPermitted: boolean = false;
  tcpHasTimestamp: boolean = false;
  tcpTsVal: number = 0;
  tcpTsEcr: number = 0;
  icmpType: number = -1; // -1 when not ICMP
  icmpCode: number = -1;
  /**
   * Bytes 4-5 of the ICMP/ICMPv6 header: the identifier of echo, timestamp
   * and information messages (RFC 792, RFC 4443), which keys their flows;
   * other types put something else there. 0 when those bytes are not within
   * the packet (captured and inside the IP length).
   */
  icmpId: number = 0;
  /** UDP, ICMP, ICMPv6: the header's checksum field (never verified; double-mirror detection compares it). */
  l4Checksum: number = 0;

  // --- payload ---
  payloadOffset: number = 0;
  /** L4 payload length from the IP length (what was sent, not what was captured). */
  payloadLength: number = 0;

  /**
   * One-entry cache of the DataView every layer reads the frame through
   * (`dv.getUint8/16/32`, big-endian by default). Measured here (Node 20.20,
   * 2 GHz EPYC VM): a fused outer + VXLAN + inner IPv4/TCP decode took 59 ns
   * a frame with DataView reads and 110 ns with byte arithmetic
   * (`(buf[o] << 8) | buf[o + 1]`, what the decoder used before), since a u32
   * is one bounds check, one load and a byte swap instead of four of each
   * plus the shifts; Buffer's own readUInt32BE is slower still (42 ns a read)
   * and throws on a bad offset. The price is one DataView per distinct
   * Buffer: sources that reuse a Buffer (the file reader's chunk, `cap`'s
   * packet buffer) pay it once; one that hands over a fresh Buffer per frame
   * (`dgram`) pays a small object per frame on top of the Buffer it already
   * allocated. Layers check lengths before reading, against an `end` that
   * never passes the Buffer, so no read is out of range; if one were, the
   * DataView would throw, which the pipeline counts as `internal_error` and
   * the property tests would catch. A private field: not part of the view's data.
   */
  #frameBuffer: Uint8Array | null = null;
  #frameData: DataView = EMPTY_DATA_VIEW;

  /** The DataView over `buf` (same indices as `buf`), built once per distinct Buffer. */
  dataViewOf(buf: Uint8Array): DataView {
    if (buf !== this.#frameBuffer) {
      this.#frameData = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
      this.#frameBuffer = buf;
    }
    return this.#frameData;
  }

  /**
   * Start the next frame: the frame fields, the flag, and the layer markers
   * (see "the reset contract" above); nothing else.
   */
  reset(linkType: number, frameOffset: number, capturedLength: number, wireLength: number): void {
    this.linkType = linkType;
    this.frameOffset = frameOffset;
    this.capturedLength = capturedLength;
    this.wireLength = wireLength;
    this.truncated = capturedLength < wireLength;
    this.outerIpVersion = 0;
    this.tunnelType = 0;
    this.vni = 0;
    this.innerIpVersion = 0;
    this.l4Offset = 0;
  }
}
