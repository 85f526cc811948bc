/**
 * VXLAN-GPE header (Generic Protocol Extension), IANA UDP port 4790.
 *
 * Standard: draft-ietf-nvo3-vxlan-gpe (-12, §3.2). Layout, 8 bytes:
 *   flags 8 (R R Ver 2 I P B O) | reserved 16 | Next Protocol 8 |
 *   VNI 24 | reserved 8
 * Next Protocol: 1 IPv4, 2 IPv6, 3 Ethernet, 4 NSH, 5 MPLS. It reuses VXLAN's
 * reserved bits, so parsing it as VXLAN (RFC 7348) would misread what follows
 * (an NSH header is not an Ethernet frame): it is its own tunnel type,
 * counted under `vxlan-gpe`. The Next Protocol field is read whether P is set
 * or not, as tcpdump and Wireshark do (senders in the wild leave P clear: the
 * arkime corpus capture has flags [I] with next protocol IPv4).
 *
 * Checks, in order: fewer than 8 bytes -> vxlan_gpe_too_short; Ver != 0 ->
 * vxlan_gpe_bad_version; I clear -> vxlan_gpe_i_flag_unset. Then the header
 * is accepted (the frame counts for its VNI) and a next protocol other than
 * Ethernet/IPv4/IPv6 -> vxlan_gpe_unsupported_protocol. vxlanFlags and
 * reservedNonZero (the R, B and O bits, reserved bytes) are written before the checks.
 */
import { Outcome, type OutcomeCode } from './outcome.js';
import { Tunnel, TunnelPayload, type PacketView } from './packet-view.js';

/** Numbers fixed by the header layout (a const enum: tsc writes the number at each use). */
export const enum VxlanGpeLayout {
  HEADER_LENGTH = 8,
  VERSION_MASK = 0x30,
  FLAG_I = 0x08,
  NEXT_IPV4 = 1,
  NEXT_IPV6 = 2,
  NEXT_ETHERNET = 3,
}

/** VXLAN-GPE header at `off`; `end` and `udpLength` as for decodeVxlan. */
export function decodeVxlanGpe(dv: DataView, off: number, end: number, view: PacketView, udpLength: number): OutcomeCode {
  if (end - off < VxlanGpeLayout.HEADER_LENGTH) return Outcome.VXLAN_GPE_TOO_SHORT;
  const word0 = dv.getUint32(off); // flags 8 | reserved 16 | next protocol 8
  const word1 = dv.getUint32(off + 4); // VNI 24 | reserved 8
  const flags = word0 >>> 24;
  view.vxlanFlags = flags;
  view.reservedNonZero = ((flags & 0xc3) | ((word0 >>> 8) & 0xffff) | (word1 & 0xff)) !== 0;
  if ((flags & VxlanGpeLayout.VERSION_MASK) !== 0) return Outcome.VXLAN_GPE_BAD_VERSION;
  if ((flags & VxlanGpeLayout.FLAG_I) === 0) return Outcome.VXLAN_GPE_I_FLAG_UNSET;

  view.tunnelType = Tunnel.VXLAN_GPE;
  view.tunnelOffset = off;
  view.vni = word1 >>> 8;
  view.innerL2Offset = off + VxlanGpeLayout.HEADER_LENGTH;
  const innerL2Length = udpLength - 16; // UDP 8 + VXLAN-GPE 8
  view.innerL2Length = innerL2Length > 0 ? innerL2Length : 0;
  const next = word0 & 0xff;
  if (next === VxlanGpeLayout.NEXT_ETHERNET) view.tunnelPayload = TunnelPayload.ETHERNET;
  else if (next === VxlanGpeLayout.NEXT_IPV4) view.tunnelPayload = TunnelPayload.IPV4;
  else if (next === VxlanGpeLayout.NEXT_IPV6) view.tunnelPayload = TunnelPayload.IPV6;
  else {
    view.tunnelPayload = 0;
    return Outcome.VXLAN_GPE_UNSUPPORTED_PROTOCOL;
  }
  return Outcome.DECODED;
}
