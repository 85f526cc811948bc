/**
 * The one call every capture source makes per frame (DESIGN.md §1).
 *
 * `buf` is valid only during the call: sources reuse their Buffers (libpcap
 * via `cap` reuses one for every packet, the file reader reuses its chunk).
 * Time is split into whole seconds and nanoseconds because nanoseconds since
 * 1970 (~1.8e18) do not fit a double's 53-bit mantissa exactly, and a BigInt
 * per frame would allocate.
 */
export interface FrameSink {
  onFrame(
    buf: Buffer,
    offset: number,
    capturedLength: number,
    wireLength: number,
    tsSec: number,
    tsNsec: number,
    linkType: number,
  ): void;
}

/** Link-layer header types (tcpdump.org/linktypes.html) that we decode. */
export const LinkType = {
  ETHERNET: 1,
  RAW: 101,
  LINUX_SLL: 113,
  IPV4: 228,
  IPV6: 229,
  LINUX_SLL2: 276,
  /**
   * Internal, never in a file: a UDP datagram's payload starting at the
   * VXLAN header (the UDP socket source). Above the 16-bit range of pcap
   * link types, so it cannot collide with one.
   */
  VXLAN_PAYLOAD: 0x10001,
  /** Likewise, a datagram received on a Geneve port (starts at the Geneve header). */
  GENEVE_PAYLOAD: 0x10002,
  /** Likewise, a datagram received on a VXLAN-GPE port. */
  VXLAN_GPE_PAYLOAD: 0x10003,
} as const;

/** The internal payload link type for a tunnel type (Tunnel.VXLAN 1, GENEVE 2, VXLAN_GPE 3): 0x10000 + the type. */
export function payloadLinkType(tunnelType: number): number {
  return 0x10000 + tunnelType;
}
