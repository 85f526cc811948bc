/**
 * IPv6 header and the extension headers we step over, outer and inner.
 *
 * Standards: RFC 8200 §3 (fixed 40-byte header: version 4 bits | traffic
 * class 8 | flow label 20 | payload length 2 | next header 1 | hop limit 1 |
 * source 16 | destination 16), §4.3-4.6 (hop-by-hop 0, routing 43, fragment
 * 44, destination options 60: next header 1 | length in 8-byte units not
 * counting the first 8), RFC 4302 §2.2 (AH 51: length in 4-byte units minus 2).
 *
 * Extension headers are walked only within min(captured end, end of the
 * datagram by its payload length): a header that runs past that is
 * `*_ext_too_short`. The walk stops at the first header that is not one of
 * the above (the L4 protocol, ESP 50, no-next-header 59, anything unknown).
 * Each step advances at least 8 bytes, so the loop is bounded by the data.
 *
 *   outer: < 40 -> ipv6_too_short; version -> ipv6_bad_version; a fragment
 *          header -> ipv6_fragment, unless it is an atomic fragment (offset
 *          0, M clear: RFC 6946), skipped; a cut extension header ->
 *          ipv6_ext_too_short; final next header != UDP -> ip_not_udp.
 *   inner: < 40 -> inner_ipv6_too_short; version -> inner_ipv6_bad_version;
 *          a cut extension header -> inner_ipv6_ext_too_short. A fragment
 *          header sets the fragment fields; after a non-first fragment's
 *          header the walk stops (what follows is the middle of a datagram).
 * A payload length beyond the bytes present is truncation (a flag).
 */
import { Outcome, type OutcomeCode } from './outcome.js';
import { IpProto, type PacketView } from './packet-view.js';

/** Numbers fixed by the header layout (a const enum: tsc writes the number at each use). */
export const enum Ipv6Layout {
  HEADER_LENGTH = 40,
  FRAGMENT_HEADER_LENGTH = 8,
}

/** Bytes taken by a skippable extension header, from its length byte (the second byte). */
function extensionLength(next: number, lengthByte: number): number {
  return next === IpProto.AH ? (lengthByte + 2) << 2 : (lengthByte + 1) << 3;
}

function isSkippedExtension(next: number): boolean {
  return next === IpProto.HOPOPT || next === IpProto.IPV6_ROUTE || next === IpProto.IPV6_OPTS || next === IpProto.AH;
}

/**
 * Outer IPv6 at `off`, `end` = end of the captured bytes. On DECODED,
 * outerL4Offset is the UDP header (after extension headers) and
 * outerIpLength = 40 + payload length.
 */
export function decodeIpv6(dv: DataView, off: number, end: number, view: PacketView): OutcomeCode {
  if (end - off < Ipv6Layout.HEADER_LENGTH) return Outcome.IPV6_TOO_SHORT;
  if (dv.getUint8(off) >> 4 !== 6) return Outcome.IPV6_BAD_VERSION;

  const ipLength = Ipv6Layout.HEADER_LENGTH + dv.getUint16(off + 4);
  view.outerIpVersion = 6;
  view.outerIpLength = ipLength;
  view.outerL4Offset = 0; // until the extension headers are walked
  if (end - off < ipLength) view.truncated = true;

  const limit = end - off < ipLength ? end : off + ipLength;
  let next = dv.getUint8(off + 6);
  let p = off + Ipv6Layout.HEADER_LENGTH;
  for (;;) {
    if (next === IpProto.IPV6_FRAG) {
      if (limit - p < Ipv6Layout.FRAGMENT_HEADER_LENGTH) return Outcome.IPV6_EXT_TOO_SHORT;
      // Offset 0 and M clear: an atomic fragment, a whole packet to be processed
      // on its own (RFC 6946 §4), so its header is skipped like any other.
      if ((dv.getUint16(p + 2) & 0xfff9) !== 0) return Outcome.IPV6_FRAGMENT;
      next = dv.getUint8(p);
      p += Ipv6Layout.FRAGMENT_HEADER_LENGTH;
      continue;
    }
    if (!isSkippedExtension(next)) break;
    if (limit - p < 2) return Outcome.IPV6_EXT_TOO_SHORT;
    const length = extensionLength(next, dv.getUint8(p + 1));
    if (limit - p < length) return Outcome.IPV6_EXT_TOO_SHORT;
    next = dv.getUint8(p);
    p += length;
  }
  view.outerL4Offset = p;
  if (next !== IpProto.UDP) return Outcome.IP_NOT_UDP;
  return Outcome.DECODED;
}

/**
 * Inner IPv6 at `off` (view.innerL3Offset), `end` = end of the inner region.
 * Fills innerIpVersion, innerIpLength, innerSrc6a..d / innerDst6a..d, then
 * innerIpHeaderLength (40 + extension headers) and innerProto (the last next
 * header), and from a fragment header innerFragment, innerFragmentOffset and
 * innerIpId. An atomic fragment (offset 0, M clear; RFC 6946) is not part of
 * a fragmented datagram, so it leaves innerFragment false.
 */
export function decodeInnerIpv6(dv: DataView, off: number, end: number, view: PacketView): OutcomeCode {
  if (end - off < Ipv6Layout.HEADER_LENGTH) return Outcome.INNER_IPV6_TOO_SHORT;
  if (dv.getUint8(off) >> 4 !== 6) return Outcome.INNER_IPV6_BAD_VERSION;

  const ipLength = Ipv6Layout.HEADER_LENGTH + dv.getUint16(off + 4);
  view.innerIpVersion = 6;
  view.innerIpLength = ipLength;
  view.innerSrc6a = dv.getUint32(off + 8);
  view.innerSrc6b = dv.getUint32(off + 12);
  view.innerSrc6c = dv.getUint32(off + 16);
  view.innerSrc6d = dv.getUint32(off + 20);
  view.innerDst6a = dv.getUint32(off + 24);
  view.innerDst6b = dv.getUint32(off + 28);
  view.innerDst6c = dv.getUint32(off + 32);
  view.innerDst6d = dv.getUint32(off + 36);
  // The rest of this layer's fields, as they stand until the walk below
  // finds a fragment header or its end.
  view.innerIpHeaderLength = 0;
  view.innerProto = -1;
  view.innerIpId = 0;
  view.innerFragment = false;
  view.innerFragmentOffset = 0;
  if (end - off < ipLength) view.truncated = true;

  const limit = end - off < ipLength ? end : off + ipLength;
  let next = dv.getUint8(off + 6);
  let p = off + Ipv6Layout.HEADER_LENGTH;
  for (;;) {
    if (next === IpProto.IPV6_FRAG) {
      if (limit - p < Ipv6Layout.FRAGMENT_HEADER_LENGTH) return Outcome.INNER_IPV6_EXT_TOO_SHORT;
      const offsetFlags = dv.getUint16(p + 2); // offset 13 bits (8-byte units) | res 2 | M 1
      const fragmentOffset = offsetFlags & 0xfff8; // = (offsetFlags >> 3) * 8
      view.innerFragment = fragmentOffset !== 0 || (offsetFlags & 1) !== 0;
      view.innerFragmentOffset = fragmentOffset;
      view.innerIpId = dv.getUint32(p + 4);
      next = dv.getUint8(p);
      p += Ipv6Layout.FRAGMENT_HEADER_LENGTH;
      if (fragmentOffset !== 0) break;
      continue;
    }
    if (!isSkippedExtension(next)) break;
    if (limit - p < 2) return Outcome.INNER_IPV6_EXT_TOO_SHORT;
    const length = extensionLength(next, dv.getUint8(p + 1));
    if (limit - p < length) return Outcome.INNER_IPV6_EXT_TOO_SHORT;
    next = dv.getUint8(p);
    p += length;
  }
  view.innerIpHeaderLength = p - off;
  view.innerProto = next;
  return Outcome.DECODED;
}
