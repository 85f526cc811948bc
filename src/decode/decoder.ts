/**
 * decodeFrame: one captured frame in, one outcome out (DESIGN.md §1, §4).
 *
 * The path is fixed: link header (Ethernet, Linux cooked v1/v2, raw IP) ->
 * outer IPv4/IPv6 -> outer UDP to a tunnel port -> VXLAN -> inner Ethernet ->
 * inner IPv4/IPv6 -> TCP / UDP / ICMP. Each layer lives in its own file,
 * runs its length checks in a fixed order and returns DECODED or its drop
 * reason; the first drop ends the frame.
 *
 * Regions: every layer gets an `end` it must not read past.
 *   - the frame: offset .. offset + capturedLength (clamped to the Buffer);
 *   - the outer IP payload: trimmed to the IP length fields, so trailing
 *     Ethernet padding or a captured FCS is never read as data;
 *   - the tunnel payload (VXLAN + inner frame): trimmed to the outer UDP
 *     length;
 *   - the inner L4 bytes: trimmed to the inner IP length (inner padding).
 * Lengths reported in the view (innerIpLength, payloadLength) come from the
 * IP length fields, i.e. what was sent; when fewer bytes are present the
 * frame is flagged `truncated` (DESIGN.md §3 rule 4).
 *
 * Attribution: once VXLAN accepts its header, tunnelType and vni stay set
 * whatever the inner layers return, so the frame is counted for its VNI.
 *
 * Hot-path discipline (DESIGN.md §3): no allocation, no closures, no
 * strings; field reads are byte arithmetic (bytes.ts explains why); it
 * never throws on any bytes: out-of-range typed-array reads cannot throw,
 * and every read is preceded by a length check anyway.
 */
import { LinkType } from '../capture/frame-source.js';
import type { DecoderConfig } from './decoder-config.js';
import { EtherType, decodeEthernet, decodeInnerEthernet } from './ethernet.js';
import { decodeIcmp, ICMP_HEADER_LENGTH } from './icmp.js';
import { decodeInnerIpv4, decodeIpv4 } from './ipv4.js';
import { decodeInnerIpv6, decodeIpv6 } from './ipv6.js';
import { decodeLinuxSll, decodeLinuxSll2 } from './linux-sll.js';
import { Outcome, type OutcomeCode } from './outcome.js';
import { IpProto, type PacketView } from './packet-view.js';
import { decodeTcp } from './tcp.js';
import { decodeInnerUdp, decodeOuterUdp, UDP_HEADER_LENGTH } from './udp.js';
import { decodeVxlan, VXLAN_HEADER_LENGTH } from './vxlan.js';

export function decodeFrame(
  buf: Buffer,
  offset: number,
  capturedLength: number,
  wireLength: number,
  linkType: number,
  view: PacketView,
  config: DecoderConfig,
): OutcomeCode {
  view.reset(linkType, offset, capturedLength, wireLength);

  // Never trust the caller's numbers to stay inside the Buffer (NaN, negative
  // or too large all end up as a short frame rather than a wild read).
  const bufLength = buf.length;
  const start = offset >= 0 && offset <= bufLength ? offset : bufLength;
  let end = capturedLength > 0 ? start + capturedLength : start;
  if (end > bufLength) {
    end = bufLength;
    view.truncated = true;
  }

  let r: OutcomeCode;
  switch (linkType) {
    case LinkType.ETHERNET:
      r = decodeEthernet(buf, start, end, view);
      break;
    case LinkType.LINUX_SLL:
      r = decodeLinuxSll(buf, start, end, view);
      break;
    case LinkType.LINUX_SLL2:
      r = decodeLinuxSll2(buf, start, end, view);
      break;
    case LinkType.RAW: {
      // LINKTYPE_RAW: the version nibble of the first byte says which IP.
      view.outerL3Offset = start;
      const version = end - start >= 1 ? buf[start] >> 4 : 0;
      if (version === 4) return fromOuterIpv4(buf, start, end, view, config);
      if (version === 6) return fromOuterIpv6(buf, start, end, view, config);
      return Outcome.RAW_IP_BAD_VERSION;
    }
    case LinkType.IPV4:
      view.outerL3Offset = start;
      return fromOuterIpv4(buf, start, end, view, config);
    case LinkType.IPV6:
      view.outerL3Offset = start;
      return fromOuterIpv6(buf, start, end, view, config);
    default:
      return Outcome.LINK_TYPE_UNSUPPORTED;
  }
  if (r !== Outcome.DECODED) return r;

  switch (view.outerEtherType) {
    case EtherType.IPV4:
      return fromOuterIpv4(buf, view.outerL3Offset, end, view, config);
    case EtherType.IPV6:
      return fromOuterIpv6(buf, view.outerL3Offset, end, view, config);
    default:
      return Outcome.ETH_NOT_IP;
  }
}

function fromOuterIpv4(buf: Buffer, off: number, end: number, view: PacketView, config: DecoderConfig): OutcomeCode {
  const r = decodeIpv4(buf, off, end, view);
  if (r !== Outcome.DECODED) return r;
  return fromOuterUdp(buf, view.outerL4Offset, off + view.outerIpLength, end, view, config);
}

function fromOuterIpv6(buf: Buffer, off: number, end: number, view: PacketView, config: DecoderConfig): OutcomeCode {
  const r = decodeIpv6(buf, off, end, view);
  if (r !== Outcome.DECODED) return r;
  return fromOuterUdp(buf, view.outerL4Offset, off + view.outerIpLength, end, view, config);
}

/** Outer UDP -> VXLAN -> inner frame. `ipEnd` is where the IP length fields say the datagram ends. */
function fromOuterUdp(
  buf: Buffer,
  udpOff: number,
  ipEnd: number,
  end: number,
  view: PacketView,
  config: DecoderConfig,
): OutcomeCode {
  const payloadEnd = ipEnd < end ? ipEnd : end;
  let r = decodeOuterUdp(buf, udpOff, payloadEnd, ipEnd - udpOff, view, config.tunnelByPort);
  if (r !== Outcome.DECODED) return r;
  const udpEnd = udpOff + view.outerUdpLength;
  const tunnelEnd = udpEnd < payloadEnd ? udpEnd : payloadEnd;
  r = decodeVxlan(buf, udpOff + UDP_HEADER_LENGTH, tunnelEnd, view, config.strictReserved);
  if (r !== Outcome.DECODED) return r;
  return decodeInner(buf, udpOff + UDP_HEADER_LENGTH + VXLAN_HEADER_LENGTH, tunnelEnd, view);
}

/** The mirrored frame: `off` .. `end` is the inner region (captured and within the outer UDP datagram). */
function decodeInner(buf: Buffer, off: number, end: number, view: PacketView): OutcomeCode {
  let r = decodeInnerEthernet(buf, off, end, view);
  if (r !== Outcome.DECODED) return r;

  const l3 = view.innerL3Offset;
  let isV4: boolean;
  switch (view.innerEtherType) {
    case EtherType.IPV4:
      r = decodeInnerIpv4(buf, l3, end, view);
      isV4 = true;
      break;
    case EtherType.IPV6:
      r = decodeInnerIpv6(buf, l3, end, view);
      isV4 = false;
      break;
    default:
      return Outcome.DECODED; // ARP, LLDP...: counted, innerIpVersion stays 0
  }
  if (r !== Outcome.DECODED) return r;

  const ipEnd = l3 + view.innerIpLength;
  const l4End = ipEnd < end ? ipEnd : end; // trims inner Ethernet padding
  const l4 = l3 + view.innerIpHeaderLength;
  let l4HeaderLength = 0;
  // Only the first fragment (offset 0) carries the L4 header.
  if (view.innerFragmentOffset === 0) {
    switch (view.innerProto) {
      case IpProto.TCP:
        r = decodeTcp(buf, l4, l4End, view);
        l4HeaderLength = view.tcpHeaderLength;
        break;
      case IpProto.UDP:
        r = decodeInnerUdp(buf, l4, l4End, view);
        l4HeaderLength = UDP_HEADER_LENGTH;
        break;
      case IpProto.ICMP:
        if (isV4) {
          r = decodeIcmp(buf, l4, l4End, view);
          l4HeaderLength = ICMP_HEADER_LENGTH;
        }
        break;
      case IpProto.ICMPV6:
        if (!isV4) {
          r = decodeIcmp(buf, l4, l4End, view);
          l4HeaderLength = ICMP_HEADER_LENGTH;
        }
        break;
    }
    if (r !== Outcome.DECODED) return r;
  }
  view.payloadOffset = l4 + l4HeaderLength;
  const payloadLength = view.innerIpLength - view.innerIpHeaderLength - l4HeaderLength;
  view.payloadLength = payloadLength > 0 ? payloadLength : 0;
  return Outcome.DECODED;
}
