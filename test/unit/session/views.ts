/** Hand-filled PacketViews for driving the tracker without bytes. */
import { IpProto, PacketView, TcpFlag, Tunnel } from '../../../src/decode/packet-view.js';

export const A = 0x0a000001; // 10.0.0.1
export const B = 0x0a000002; // 10.0.0.2

export interface Pkt {
  vni?: number;
  tunnel?: number;
  src?: number;
  dst?: number;
  sp?: number;
  dp?: number;
  proto?: number;
  flags?: string; // e.g. 'S', 'SA', 'A', 'PA', 'FA', 'R'
  seq?: number;
  ack?: number;
  len?: number;
  win?: number;
  icmpType?: number;
  /** ICMP identifier (bytes 4-5 of the header), 0 when absent. */
  icmpId?: number;
  v6src?: [number, number, number, number];
  v6dst?: [number, number, number, number];
}

const FLAG: Record<string, number> = { F: TcpFlag.FIN, S: TcpFlag.SYN, R: TcpFlag.RST, P: TcpFlag.PSH, A: TcpFlag.ACK };

export function fill(view: PacketView, p: Pkt): PacketView {
  view.reset(1, 0, 100, 100);
  view.tunnelType = p.tunnel ?? Tunnel.VXLAN;
  view.vni = p.vni ?? 100;
  const proto = p.proto ?? IpProto.TCP;
  view.innerProto = proto;
  if (p.v6src && p.v6dst) {
    view.innerIpVersion = 6;
    [view.innerSrc6a, view.innerSrc6b, view.innerSrc6c, view.innerSrc6d] = p.v6src;
    [view.innerDst6a, view.innerDst6b, view.innerDst6c, view.innerDst6d] = p.v6dst;
    view.innerIpHeaderLength = 40;
  } else {
    view.innerIpVersion = 4;
    view.innerSrc4 = p.src ?? A;
    view.innerDst4 = p.dst ?? B;
    view.innerIpHeaderLength = 20;
  }
  view.l4Offset = 50;
  const len = p.len ?? 0;
  let l4 = 8;
  if (proto === IpProto.TCP) {
    l4 = 20;
    view.srcPort = p.sp ?? 40000;
    view.dstPort = p.dp ?? 80;
    view.tcpSeq = (p.seq ?? 0) >>> 0;
    view.tcpAck = (p.ack ?? 0) >>> 0;
    let f = 0;
    for (const ch of p.flags ?? 'A') f |= FLAG[ch];
    view.tcpFlags = f;
    view.tcpWindow = p.win ?? 502;
    view.tcpHeaderLength = 20;
  } else if (proto === IpProto.UDP) {
    view.srcPort = p.sp ?? 40000;
    view.dstPort = p.dp ?? 53;
  } else {
    l4 = 4;
    view.icmpType = p.icmpType ?? 8;
    view.icmpCode = 0;
    view.icmpId = p.icmpId ?? 0;
  }
  view.payloadLength = len;
  view.innerIpLength = view.innerIpHeaderLength + l4 + len;
  return view;
}
