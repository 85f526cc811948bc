/**
 * decodeFrame: one captured frame in, one outcome out (DESIGN.md §1, §4).
 *
 * The path is fixed: link header (Ethernet, Linux cooked v1/v2, raw IP) ->
 * outer IPv4/IPv6 -> outer UDP to a tunnel port -> the port's tunnel header
 * (VXLAN, Geneve or VXLAN-GPE) -> what it carries (Ethernet, or IP directly
 * for Geneve/GPE) -> inner IPv4/IPv6 -> TCP / UDP / ICMP. When that inner
 * UDP goes to a tunnel port again, the tunnel nests (the AWS Gateway Load
 * Balancer case: Geneve -> IPv4 -> UDP 4789 -> VXLAN) and decoding repeats
 * there, up to config.maxTunnelDepth headers. (The internal link types
 * VXLAN_PAYLOAD, GENEVE_PAYLOAD, VXLAN_GPE_PAYLOAD, a UDP socket's datagram, start at the tunnel header.) Each layer lives in its own file,
 * runs its length checks in a fixed order and returns DECODED or its drop
 * reason; the first drop ends the frame.
 *
 * Before the layers, an Ethernet frame is offered to decodeCommonShape
 * (common-shape.ts): the one shape nearly every mirrored frame has, checked
 * and written in one function. It takes the frame only when the result is
 * exactly what the layers would give; a config with commonShape false runs
 * the layers alone, the reference it is tested against.
 *
 * Regions: every layer gets an `end` it must not read past.
 *   - the frame: offset .. offset + capturedLength (clamped to the Buffer);
 *   - the outer IP payload: trimmed to the IP length fields, so trailing
 *     Ethernet padding or a captured FCS is never read as data;
 *   - the tunnel payload (tunnel header + inner frame): trimmed to the
 *     carrying UDP length (the outer one, or a nested tunnel's own);
 *   - the inner L4 bytes: trimmed to the inner IP length (inner padding).
 * Lengths reported in the view (innerIpLength, payloadLength) come from the
 * IP length fields, i.e. what was sent; when fewer bytes are present the
 * frame is flagged `truncated` (DESIGN.md §3 rule 4).
 *
 * Attribution: once a tunnel header is accepted, tunnelType and vni stay set
 * whatever the inner layers return, so the frame is counted for its VNI.
 * With nesting they name the innermost header accepted (the mirror session
 * that copied the packet: the outer ones are transport to the mirror
 * target), and outerTunnelType/outerVni keep the outermost.
 *
 * Hot-path discipline (DESIGN.md §3): no allocation, no closures, no
 * strings; field reads go through a DataView over the frame's Buffer,
 * cached in the view per Buffer (PacketView.dataViewOf says why). It never throws on
 * any bytes: every read is preceded by a length check against an `end` that
 * never passes the Buffer.
 */
import { LinkType } from '../capture/frame-source.js';
import { decodeCommonShape } from './common-shape.js';
import type { DecoderConfig } from './decoder-config.js';
import { EtherType, decodeEthernet, decodeInnerEthernet } from './ethernet.js';
import { decodeIcmp, IcmpLayout } from './icmp.js';
import { decodeInnerIpv4, decodeIpv4 } from './ipv4.js';
import { decodeInnerIpv6, decodeIpv6 } from './ipv6.js';
import { decodeLinuxSll, decodeLinuxSll2 } from './linux-sll.js';
import { Outcome, type OutcomeCode } from './outcome.js';
import { IpProto, Tunnel, TunnelPayload, type PacketView } from './packet-view.js';
import { decodeTcp } from './tcp.js';
import { decodeInnerUdp, decodeOuterUdp, UdpLayout } from './udp.js';
import { decodeGeneve } from './geneve.js';
import { decodeVxlan } from './vxlan.js';
import { decodeVxlanGpe } from './vxlan-gpe.js';

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
  const dv = view.dataViewOf(buf);
  const start = frameStart(buf, offset);
  const end = frameEnd(buf, start, capturedLength, view);
  // Nearly every mirrored frame: one function instead of eight (common-shape.ts says
  // why). It writes nothing unless the frame is that shape, and then what the layers would.
  if (
    linkType === LinkType.ETHERNET &&
    config.commonShape &&
    decodeCommonShape(dv, start, end, view, config.tunnelByPort) === Outcome.DECODED
  ) {
    return Outcome.DECODED;
  }
  return decodeLayers(dv, start, end, linkType, view, config);
}

// Never trust the caller's numbers to stay inside the Buffer (NaN, negative
// or too large all end up as a short frame rather than a wild read).

/** Where the frame starts: `offset`, or the Buffer's end when `offset` is not inside it. */
function frameStart(buf: Buffer, offset: number): number {
  return offset >= 0 && offset <= buf.length ? offset : buf.length;
}

/** Where the frame's captured bytes end, clamped to the Buffer (and then flagged truncated). */
function frameEnd(buf: Buffer, start: number, capturedLength: number, view: PacketView): number {
  const end = capturedLength > 0 ? start + capturedLength : start;
  if (end <= buf.length) return end;
  view.truncated = true;
  return buf.length;
}

/** The layers, from the link header on; `start` .. `end` the frame's bytes (decodeFrame has reset the view). */
function decodeLayers(dv: DataView, start: number, end: number, linkType: number, view: PacketView, config: DecoderConfig): OutcomeCode {
  // Link layer -> which outer IP (4 or 6) starts at view.outerL3Offset.
  let r: OutcomeCode;
  let ipVersion: number;
  if (linkType === LinkType.ETHERNET) {
    r = decodeEthernet(dv, start, end, view);
    if (r !== Outcome.DECODED) return r;
    ipVersion = ipVersionOfEtherType(view.outerEtherType);
    if (ipVersion === 0) return Outcome.ETH_NOT_IP;
  } else if (linkType >= LinkType.VXLAN_PAYLOAD && linkType <= LinkType.VXLAN_GPE_PAYLOAD) {
    // A UDP socket's datagram: the payload link types are 0x10000 + the tunnel type.
    return decodeTunnelPayload(dv, start, end, view, config, linkType - 0x10000);
  } else {
    ipVersion = decodeOtherLink(dv, start, end, linkType, view);
    if (ipVersion < 0) return -ipVersion as OutcomeCode;
  }

  // Outer IP -> UDP -> VXLAN, one layer after the other; the first drop ends the frame.
  const l3 = view.outerL3Offset;
  r = ipVersion === 4 ? decodeIpv4(dv, l3, end, view) : decodeIpv6(dv, l3, end, view);
  if (r !== Outcome.DECODED) return r;
  const ipEnd = l3 + view.outerIpLength; // where the IP length fields say the datagram ends
  const payloadEnd = ipEnd < end ? ipEnd : end;
  const udpOff = view.outerL4Offset;
  r = decodeOuterUdp(dv, udpOff, payloadEnd, ipEnd - udpOff, view, config.tunnelByPort);
  if (r !== Outcome.DECODED) return r;
  const udpLength = view.outerUdpLength;
  const udpEnd = udpOff + udpLength;
  const tunnelEnd = udpEnd < payloadEnd ? udpEnd : payloadEnd;
  const kind = config.tunnelByPort[view.outerDstPort];
  return decodeTunnels(dv, udpOff + UdpLayout.HEADER_LENGTH, tunnelEnd, udpLength, kind, view, config);
}

/**
 * The tunnel header of type `kind` at `off` (a UDP payload; `end` its end,
 * `udpLength` the carrying UDP length field) and what it carries; while
 * that is UDP to a tunnel port, the next tunnel in the same way. A loop, not
 * recursion: the depth is a counter and the stack stays flat.
 */
function decodeTunnels(
  dv: DataView,
  off: number,
  end: number,
  udpLength: number,
  kind: number,
  view: PacketView,
  config: DecoderConfig,
): OutcomeCode {
  // What the level above held before a nested header was tried (see "Not a tunnel header" below).
  let aboveIpVersion = 0;
  let aboveL4Offset = 0;
  let aboveVxlanFlags = 0;
  let aboveReservedNonZero = false;
  let aboveGeneveFlags = 0;
  let nestedCut = false;
  for (let depth = 1; ; depth++) {
    let r: OutcomeCode;
    if (kind === Tunnel.VXLAN) r = decodeVxlan(dv, off, end, view, config.strictReserved, udpLength);
    else if (kind === Tunnel.GENEVE) r = decodeGeneve(dv, off, end, view, udpLength);
    else r = decodeVxlanGpe(dv, off, end, view, udpLength);
    // Accepted (even when what it carries is unsupported) iff it wrote tunnelOffset: at depth 1
    // tunnelType was reset for this frame; deeper, the previous header's offset is smaller.
    const accepted = view.tunnelType !== Tunnel.NONE && view.tunnelOffset === off;
    if (accepted) {
      view.tunnelDepth = depth;
      if (depth === 1) {
        view.outerTunnelType = view.tunnelType;
        view.outerVni = view.vni;
      }
    }
    if (r !== Outcome.DECODED && !accepted && depth > 1 && !(nestedCut && isTunnelTooShort(r))) {
      // Not a tunnel header: inner UDP to a tunnel port that carries something else (the
      // workload's own traffic on 4789, say). The frame is what the level above decoded: a UDP
      // packet in its tunnel. Only a header the capture cut short stays a drop (its bytes are
      // missing, not wrong), under the nested layer's reason.
      view.innerIpVersion = aboveIpVersion;
      view.l4Offset = aboveL4Offset;
      view.vxlanFlags = aboveVxlanFlags;
      view.reservedNonZero = aboveReservedNonZero;
      view.geneveFlags = aboveGeneveFlags;
      return Outcome.DECODED;
    }
    if (r !== Outcome.DECODED) return r;
    r = decodeInner(dv, view.innerL2Offset, end, view);
    if (r !== Outcome.DECODED) return r;

    // Nested: the first fragment of inner UDP to a tunnel port.
    if (view.innerProto !== IpProto.UDP || view.l4Offset === 0) return r;
    const next = config.tunnelByPort[view.dstPort];
    if (next === Tunnel.NONE) return r;
    if (depth >= config.maxTunnelDepth) return Outcome.INNER_TUNNEL_TOO_DEEP;
    const l4 = view.l4Offset;
    const ipEnd = view.innerL3Offset + view.innerIpLength;
    const l4End = ipEnd < end ? ipEnd : end;
    const nestedUdpLength = dv.getUint16(l4 + 4); // decodeInnerUdp checked all 8 bytes are here
    const nestedEnd = l4 + nestedUdpLength;
    off = l4 + UdpLayout.HEADER_LENGTH;
    end = nestedUdpLength >= UdpLayout.HEADER_LENGTH && nestedEnd < l4End ? nestedEnd : l4End;
    udpLength = nestedUdpLength;
    kind = next;
    // Kept in case the nested header turns out not to be one; nestedCut: the nested datagram
    // runs past the bytes present (the capture or PacketLength cut it).
    aboveIpVersion = view.innerIpVersion;
    aboveL4Offset = view.l4Offset;
    aboveVxlanFlags = view.vxlanFlags;
    aboveReservedNonZero = view.reservedNonZero;
    aboveGeneveFlags = view.geneveFlags;
    nestedCut = nestedEnd > l4End;
    // The layers below describe the nested tunnel's packet from now on: clear their
    // markers as reset() does, so nothing of this level's inner packet is read as that one's.
    view.innerIpVersion = 0;
    view.l4Offset = 0;
  }
}

/** A tunnel header rejected only for missing bytes (as opposed to bytes that are not that header). */
function isTunnelTooShort(r: OutcomeCode): boolean {
  return r === Outcome.VXLAN_TOO_SHORT || r === Outcome.GENEVE_TOO_SHORT || r === Outcome.GENEVE_OPTIONS_TOO_SHORT || r === Outcome.VXLAN_GPE_TOO_SHORT;
}

/** 4 or 6 for the IP EtherTypes, else 0. */
function ipVersionOfEtherType(type: number): number {
  return type === EtherType.IPV4 ? 4 : type === EtherType.IPV6 ? 6 : 0;
}

/**
 * The link types other than Ethernet (kept out of decodeFrame so that the
 * common path stays small enough to be compiled as one unit). Returns the
 * outer IP version (4 or 6), or minus the drop reason.
 */
function decodeOtherLink(dv: DataView, start: number, end: number, linkType: number, view: PacketView): number {
  let r: OutcomeCode;
  switch (linkType) {
    case LinkType.LINUX_SLL:
      r = decodeLinuxSll(dv, start, end, view);
      break;
    case LinkType.LINUX_SLL2:
      r = decodeLinuxSll2(dv, start, end, view);
      break;
    case LinkType.RAW:
    case LinkType.IPV4:
    case LinkType.IPV6: {
      // No link header: no tags, no EtherType (0 for raw-IP links).
      view.outerVlanCount = 0;
      view.outerVlanId = 0;
      view.outerEtherType = 0;
      view.outerL3Offset = start;
      if (linkType === LinkType.IPV4) return 4;
      if (linkType === LinkType.IPV6) return 6;
      // LINKTYPE_RAW: the version nibble of the first byte says which IP.
      const version = end - start >= 1 ? dv.getUint8(start) >> 4 : 0;
      return version === 4 || version === 6 ? version : -Outcome.RAW_IP_BAD_VERSION;
    }
    default:
      return -Outcome.LINK_TYPE_UNSUPPORTED;
  }
  if (r !== Outcome.DECODED) return -r;
  const version = ipVersionOfEtherType(view.outerEtherType);
  return version !== 0 ? version : -Outcome.ETH_NOT_IP;
}

/**
 * LinkType.VXLAN_PAYLOAD, GENEVE_PAYLOAD, VXLAN_GPE_PAYLOAD (the UDP socket
 * source): the kernel has taken off the outer Ethernet/IP/UDP headers and
 * the frame is the whole UDP payload, starting at the tunnel header of type
 * `kind` (the socket's port says which). No outer layer is reached
 * (outerIpVersion stays 0); the outer UDP fields say what is known: ports
 * unknown (0), the length of a datagram that carried exactly these bytes.
 */
function decodeTunnelPayload(dv: DataView, start: number, end: number, view: PacketView, config: DecoderConfig, kind: number): OutcomeCode {
  view.outerSrcPort = 0;
  view.outerDstPort = 0;
  view.outerUdpLength = end - start + UdpLayout.HEADER_LENGTH;
  return decodeTunnels(dv, start, end, view.outerUdpLength, kind, view, config);
}

/**
 * The mirrored frame: `off` .. `end` is the inner region (captured and
 * within the carrying UDP datagram). An Ethernet frame, or, when the tunnel
 * says so (view.tunnelPayload), an IP packet with no L2 header.
 */
function decodeInner(dv: DataView, off: number, end: number, view: PacketView): OutcomeCode {
  let r: OutcomeCode;
  const payload = view.tunnelPayload;
  if (payload === TunnelPayload.ETHERNET) {
    r = decodeInnerEthernet(dv, off, end, view);
    if (r !== Outcome.DECODED) return r;
  } else {
    view.innerVlanCount = 0;
    view.innerEtherType = payload; // IPv4 or IPv6: the tunnel's protocol field is an EtherType
    view.innerL3Offset = off;
  }

  const l3 = view.innerL3Offset;
  const type = view.innerEtherType;
  if (type === EtherType.IPV4) r = decodeInnerIpv4(dv, l3, end, view);
  else if (type === EtherType.IPV6) r = decodeInnerIpv6(dv, l3, end, view);
  else return Outcome.DECODED; // ARP, LLDP...: counted, innerIpVersion stays 0
  if (r !== Outcome.DECODED) return r;

  const ipEnd = l3 + view.innerIpLength;
  const l4End = ipEnd < end ? ipEnd : end; // trims inner Ethernet padding
  const l4 = l3 + view.innerIpHeaderLength;
  let l4HeaderLength = 0;
  // Only the first fragment (offset 0) carries the L4 header.
  if (view.innerFragmentOffset === 0) {
    const proto = view.innerProto;
    if (proto === IpProto.TCP) {
      r = decodeTcp(dv, l4, l4End, view, ipEnd);
      l4HeaderLength = view.tcpHeaderLength;
    } else if (proto === IpProto.UDP) {
      r = decodeInnerUdp(dv, l4, l4End, view);
      l4HeaderLength = UdpLayout.HEADER_LENGTH;
    } else if (proto === (type === EtherType.IPV4 ? IpProto.ICMP : IpProto.ICMPV6)) {
      r = decodeIcmp(dv, l4, l4End, view);
      l4HeaderLength = IcmpLayout.MESSAGE_HEADER_LENGTH;
    }
    if (r !== Outcome.DECODED) return r;
  }
  view.payloadOffset = l4 + l4HeaderLength;
  const payloadLength = view.innerIpLength - view.innerIpHeaderLength - l4HeaderLength;
  view.payloadLength = payloadLength > 0 ? payloadLength : 0;
  return Outcome.DECODED;
}
