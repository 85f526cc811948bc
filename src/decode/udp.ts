/**
 * UDP header, outer (the tunnel carrier) and inner.
 *
 * Standard: RFC 768. Layout: source port 2 | destination port 2 | length 2
 * (header + data) | checksum 2. Checksums are never checked.
 *
 * Outer checks, in order: fewer than 8 bytes -> udp_too_short; length field
 * < 8 or larger than the IP payload (taken from the IP length fields, not
 * from the captured bytes) -> udp_bad_length; destination port not mapped to
 * VXLAN in config.tunnelByPort -> udp_not_tunnel_port. Ports and the length
 * field are written to the view before the classification checks. The
 * port's tunnel type (VXLAN, Geneve, VXLAN-GPE) is the caller's to look up
 * again: here only "is it a tunnel port at all".
 *
 * Inner: fewer than 8 bytes -> inner_udp_too_short; then the ports and the
 * checksum field (not verified).
 */
import { Outcome, type OutcomeCode } from './outcome.js';
import { Tunnel, type PacketView } from './packet-view.js';

/** Numbers fixed by the header layout (a const enum: tsc writes the number at each use). */
export const enum UdpLayout {
  HEADER_LENGTH = 8,
}

/**
 * Outer UDP at `off` (view.outerL4Offset). `end` is the end of the bytes
 * available to the IP payload (captured end, trimmed to the IP length);
 * `ipPayloadLength` is what the IP header says the payload is.
 */
export function decodeOuterUdp(
  dv: DataView,
  off: number,
  end: number,
  ipPayloadLength: number,
  view: PacketView,
  tunnelByPort: Uint8Array,
): OutcomeCode {
  if (end - off < UdpLayout.HEADER_LENGTH) return Outcome.UDP_TOO_SHORT;
  const dstPort = dv.getUint16(off + 2);
  const length = dv.getUint16(off + 4);
  view.outerSrcPort = dv.getUint16(off);
  view.outerDstPort = dstPort;
  view.outerUdpLength = length;
  if (length < UdpLayout.HEADER_LENGTH || length > ipPayloadLength) return Outcome.UDP_BAD_LENGTH;
  if (end - off < length) view.truncated = true;
  if (tunnelByPort[dstPort] === Tunnel.NONE) return Outcome.UDP_NOT_TUNNEL_PORT;
  return Outcome.DECODED;
}

/** Inner UDP at `off`; `end` = end of the L4 bytes (captured, trimmed to the IP length). */
export function decodeInnerUdp(dv: DataView, off: number, end: number, view: PacketView): OutcomeCode {
  if (end - off < UdpLayout.HEADER_LENGTH) return Outcome.INNER_UDP_TOO_SHORT;
  view.l4Offset = off;
  view.srcPort = dv.getUint16(off);
  view.dstPort = dv.getUint16(off + 2);
  view.l4Checksum = dv.getUint16(off + 6);
  return Outcome.DECODED;
}
