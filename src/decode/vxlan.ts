/**
 * VXLAN header (what AWS VPC Traffic Mirroring wraps each mirrored frame in).
 *
 * Standard: RFC 7348 §5. Layout, 8 bytes:
 *   flags 1 (R R R R I R R R: only I = 0x08 is defined) | reserved 3 |
 *   VNI 3 | reserved 1
 * "The I flag MUST be set to 1 for a valid VXLAN Network ID"; reserved bits
 * "MUST be set to zero on transmission and ignored on receipt". Extensions
 * (VXLAN-GPE, Group Policy) live in those reserved bits, so by default
 * (`permissive`) we only record that some are set; `strict` drops the frame,
 * the policy Suricata adopted after its issue 7753.
 *
 * Checks, in order: fewer than 8 bytes -> vxlan_too_short; I flag clear ->
 * vxlan_i_flag_unset; reserved bits set under strict -> vxlan_reserved_nonzero.
 * vxlanFlags and reservedNonZero are recorded before the checks. Only an
 * accepted header sets tunnelType, tunnelOffset and vni (from then on the
 * frame is attributed to that VNI whatever happens inside), and the inner
 * L2 position and length.
 */
import { Outcome, type OutcomeCode } from './outcome.js';
import { Tunnel, TunnelPayload, type PacketView } from './packet-view.js';

/** Numbers fixed by the header layout (a const enum: tsc writes the number at each use). */
export const enum VxlanLayout {
  HEADER_LENGTH = 8,
  FLAG_I = 0x08,
}

/**
 * VXLAN header at `off`; `end` = end of the UDP datagram's bytes present.
 * innerL2Length is the carrying UDP header's length field (`udpLength`, by
 * default the outer one, so view.outerUdpLength must already be set; a
 * nested VXLAN passes its own) minus the UDP and VXLAN headers.
 */
export function decodeVxlan(
  dv: DataView,
  off: number,
  end: number,
  view: PacketView,
  strictReserved: boolean,
  udpLength: number = view.outerUdpLength,
): OutcomeCode {
  if (end - off < VxlanLayout.HEADER_LENGTH) return Outcome.VXLAN_TOO_SHORT;
  const word0 = dv.getUint32(off); // flags 8 | reserved 24
  const word1 = dv.getUint32(off + 4); // VNI 24 | reserved 8
  const flags = word0 >>> 24;
  const reserved = (flags & ~VxlanLayout.FLAG_I) | (word0 & 0xffffff) | (word1 & 0xff);
  view.vxlanFlags = flags;
  view.reservedNonZero = reserved !== 0;
  if ((flags & VxlanLayout.FLAG_I) === 0) return Outcome.VXLAN_I_FLAG_UNSET;
  if (strictReserved && reserved !== 0) return Outcome.VXLAN_RESERVED_NONZERO;

  view.tunnelType = Tunnel.VXLAN;
  view.tunnelOffset = off;
  view.vni = word1 >>> 8;
  view.innerL2Offset = off + VxlanLayout.HEADER_LENGTH;
  const innerL2Length = udpLength - 16; // UDP 8 + VXLAN 8
  view.innerL2Length = innerL2Length > 0 ? innerL2Length : 0;
  view.tunnelPayload = TunnelPayload.ETHERNET;
  return Outcome.DECODED;
}
