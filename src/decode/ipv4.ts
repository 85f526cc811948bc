/**
 * IPv4 header, outer (the VXLAN carrier) and inner (the mirrored packet).
 *
 * Standard: RFC 791 §3.1. Layout: version 4 bits | IHL 4 bits (32-bit words)
 * | TOS 1 | total length 2 | identification 2 | flags 3 bits + fragment
 * offset 13 bits (8-byte units) | TTL 1 | protocol 1 | checksum 2 |
 * source 4 | destination 4 | options (IHL*4 - 20). Checksums are never
 * checked.
 *
 * Structural checks first, in this order, one reason each; then the view is
 * filled; then the outer path classifies (fragment, not UDP), so a dropped
 * carrier still shows its addresses for sampled anomaly logs.
 *   outer: < 20 bytes -> ipv4_too_short; version != 4 -> ipv4_bad_version;
 *          IHL < 5 -> ipv4_bad_header_length; IHL*4 beyond the captured bytes
 *          -> ipv4_bad_header_length; total length < IHL*4 (Linux BIG TCP
 *          writes 0) -> ipv4_bad_total_length; MF set or offset != 0 ->
 *          ipv4_fragment; protocol != UDP -> ip_not_udp.
 *   inner: < 20 bytes -> inner_ipv4_too_short; version -> inner_ipv4_bad_version;
 *          IHL < 5 -> inner_ipv4_bad_header_length; options cut off ->
 *          inner_ipv4_too_short; total length < IHL*4 -> inner_ipv4_bad_total_length.
 *          Fragments are not drops inside the tunnel: they are flagged.
 * A total length larger than the bytes present is truncation (a flag,
 * DESIGN.md §3 rule 4), never a drop.
 */
import { Outcome, type OutcomeCode } from './outcome.js';
import { IpProto, type PacketView } from './packet-view.js';

/** Numbers fixed by the header layout (a const enum: tsc writes the number at each use). */
export const enum Ipv4Layout {
  MIN_HEADER_LENGTH = 20,
  MF = 0x2000,
  OFFSET_MASK = 0x1fff,
}

/** Flags+offset word: More Fragments bit and the 13-bit offset. */

/**
 * Outer IPv4 at `off`, `end` = end of the captured bytes. On DECODED the
 * datagram is an unfragmented UDP datagram; outerL4Offset and outerIpLength
 * locate the UDP header and the datagram's end.
 */
export function decodeIpv4(dv: DataView, off: number, end: number, view: PacketView): OutcomeCode {
  if (end - off < Ipv4Layout.MIN_HEADER_LENGTH) return Outcome.IPV4_TOO_SHORT;
  const word0 = dv.getUint32(off); // version 4 | IHL 4 | TOS 8 | total length 16
  if (word0 >>> 28 !== 4) return Outcome.IPV4_BAD_VERSION;
  const headerLength = (word0 >>> 22) & 0x3c; // IHL * 4
  if (headerLength < Ipv4Layout.MIN_HEADER_LENGTH) return Outcome.IPV4_BAD_HEADER_LENGTH;
  if (end - off < headerLength) return Outcome.IPV4_BAD_HEADER_LENGTH;
  const totalLength = word0 & 0xffff;
  if (totalLength < headerLength) return Outcome.IPV4_BAD_TOTAL_LENGTH;

  view.outerIpVersion = 4;
  view.outerIpLength = totalLength;
  view.outerSrc4 = dv.getUint32(off + 12);
  view.outerDst4 = dv.getUint32(off + 16);
  view.outerL4Offset = off + headerLength;
  if (end - off < totalLength) view.truncated = true;

  if ((dv.getUint16(off + 6) & (Ipv4Layout.MF | Ipv4Layout.OFFSET_MASK)) !== 0) return Outcome.IPV4_FRAGMENT;
  if (dv.getUint8(off + 9) !== IpProto.UDP) return Outcome.IP_NOT_UDP;
  return Outcome.DECODED;
}

/**
 * Inner IPv4 at `off` (view.innerL3Offset), `end` = end of the inner region.
 * Fills innerIpVersion, innerIpLength, innerIpHeaderLength, innerProto,
 * innerSrc4/Dst4, innerIpId and the fragment fields.
 */
export function decodeInnerIpv4(dv: DataView, off: number, end: number, view: PacketView): OutcomeCode {
  if (end - off < Ipv4Layout.MIN_HEADER_LENGTH) return Outcome.INNER_IPV4_TOO_SHORT;
  // The first 20 bytes are present: read them as 32-bit words (one bounds
  // check each), then check the fields in the usual order.
  const word0 = dv.getUint32(off); // version 4 | IHL 4 | TOS 8 | total length 16
  if (word0 >>> 28 !== 4) return Outcome.INNER_IPV4_BAD_VERSION;
  const headerLength = (word0 >>> 22) & 0x3c; // IHL * 4
  if (headerLength < Ipv4Layout.MIN_HEADER_LENGTH) return Outcome.INNER_IPV4_BAD_HEADER_LENGTH;
  if (end - off < headerLength) return Outcome.INNER_IPV4_TOO_SHORT;
  const totalLength = word0 & 0xffff;
  if (totalLength < headerLength) return Outcome.INNER_IPV4_BAD_TOTAL_LENGTH;

  const word1 = dv.getUint32(off + 4); // identification 16 | flags 3 | fragment offset 13
  view.innerIpVersion = 4;
  view.innerIpLength = totalLength;
  view.innerIpHeaderLength = headerLength;
  view.innerProto = dv.getUint8(off + 9);
  view.innerSrc4 = dv.getUint32(off + 12);
  view.innerDst4 = dv.getUint32(off + 16);
  view.innerIpId = word1 >>> 16;
  view.innerFragment = (word1 & (Ipv4Layout.MF | Ipv4Layout.OFFSET_MASK)) !== 0;
  view.innerFragmentOffset = (word1 & Ipv4Layout.OFFSET_MASK) << 3;
  if (end - off < totalLength) view.truncated = true;
  return Outcome.DECODED;
}
