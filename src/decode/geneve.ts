/**
 * Geneve header: what AWS Gateway Load Balancer (UDP 6081, wrapping the
 * VXLAN of a mirror session or the original IP packet) and GCP Packet
 * Mirroring send.
 *
 * Standard: RFC 8926 §3.4 (header) and §3.5 (options). Layout, 8 bytes then
 * the options:
 *   Ver 2 | Opt Len 6 | O 1 | C 1 | Rsvd 6 | Protocol Type 16 |
 *   VNI 24 | Reserved 8 | options (Opt Len * 4 bytes)
 * Each option: Class 16 | Type 8 | R 3 | Length 5 (4-byte words after the
 * option's own 4-byte header) | data.
 *
 * "Packets received by a tunnel endpoint with an unknown version MUST be
 * dropped"; reserved bits are ignored on receipt. O (a control packet) and C
 * (critical options present) are recorded, not acted on: a monitor forwards
 * nothing, and counting control packets apart from data is the user's call.
 * Options are skipped by their length and counted, never interpreted.
 *
 * Checks, in order: fewer than 8 bytes -> geneve_too_short; version != 0 ->
 * geneve_bad_version; the options area longer than the bytes carried ->
 * geneve_options_too_short; an option running past that area ->
 * geneve_bad_option_length. Then the header is accepted (tunnelType, vni,
 * from here the frame counts for the VNI) and the protocol type checked:
 * anything but Ethernet (0x6558), IPv4, IPv6 -> geneve_unsupported_protocol.
 * geneveFlags is written before the checks.
 */
import { Outcome, type OutcomeCode } from './outcome.js';
import { Tunnel, TunnelPayload, type PacketView } from './packet-view.js';

/** Numbers fixed by the header layout (a const enum: tsc writes the number at each use). */
export const enum GeneveLayout {
  HEADER_LENGTH = 8,
  OPTION_HEADER_LENGTH = 4,
  FLAG_O = 0x80,
  FLAG_C = 0x40,
}

/**
 * Geneve header at `off`; `end` = end of the UDP datagram's bytes present;
 * `udpLength` = the carrying UDP header's length field (innerL2Length is
 * that minus UDP, the fixed header and the options).
 */
export function decodeGeneve(dv: DataView, off: number, end: number, view: PacketView, udpLength: number): OutcomeCode {
  if (end - off < GeneveLayout.HEADER_LENGTH) return Outcome.GENEVE_TOO_SHORT;
  const word0 = dv.getUint32(off); // Ver 2 | Opt Len 6 | O C Rsvd 8 | Protocol Type 16
  const word1 = dv.getUint32(off + 4); // VNI 24 | Reserved 8
  view.geneveFlags = (word0 >>> 16) & 0xc0;
  if (word0 >>> 30 !== 0) return Outcome.GENEVE_BAD_VERSION;
  const optionsLength = ((word0 >>> 24) & 0x3f) * 4;
  const optionsStart = off + GeneveLayout.HEADER_LENGTH;
  const optionsEnd = optionsStart + optionsLength;
  if (optionsEnd > end) return Outcome.GENEVE_OPTIONS_TOO_SHORT;
  let count = 0;
  for (let p = optionsStart; p < optionsEnd; count++) {
    // Opt Len is a multiple of 4 and every option is too, so a whole option header is here.
    p += GeneveLayout.OPTION_HEADER_LENGTH + (dv.getUint8(p + 3) & 0x1f) * 4;
    if (p > optionsEnd) return Outcome.GENEVE_BAD_OPTION_LENGTH;
  }

  view.tunnelType = Tunnel.GENEVE;
  view.tunnelOffset = off;
  view.vni = word1 >>> 8;
  view.geneveOptionsLength = optionsLength;
  view.geneveOptionCount = count;
  view.innerL2Offset = optionsEnd;
  const innerL2Length = udpLength - 16 - optionsLength; // UDP 8 + Geneve 8 + options
  view.innerL2Length = innerL2Length > 0 ? innerL2Length : 0;
  const protocol = word0 & 0xffff;
  view.tunnelPayload = protocol;
  if (protocol !== TunnelPayload.ETHERNET && protocol !== TunnelPayload.IPV4 && protocol !== TunnelPayload.IPV6) {
    return Outcome.GENEVE_UNSUPPORTED_PROTOCOL;
  }
  return Outcome.DECODED;
}
