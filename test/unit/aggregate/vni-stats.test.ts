import { describe, expect, it } from 'vitest';
import { VniStats } from '../../../src/aggregate/vni-stats.js';
import { DecoderStats } from '../../../src/aggregate/decoder-stats.js';
import { Outcome, OUTCOME_NAMES } from '../../../src/decode/outcome.js';
import { IpProto, PacketView, TcpFlag, Tunnel } from '../../../src/decode/packet-view.js';

/** A view as the decoder would leave it for a VXLAN frame carrying inner IPv4. */
function vxlanView(vni: number, opts: Partial<PacketView> = {}): PacketView {
  const v = new PacketView();
  v.reset(1, 0, 110, 110);
  v.tunnelType = Tunnel.VXLAN;
  v.vni = vni;
  v.innerL2Length = 60; // outer UDP length 76 - 8 - 8
  v.innerIpVersion = 4;
  v.innerIpLength = 46;
  v.innerProto = IpProto.TCP;
  Object.assign(v, opts);
  return v;
}

describe('VniStats', () => {
  it('adds frames, bytes, L3/L4 mix and TCP flags per VNI', () => {
    const s = new VniStats();
    s.add(vxlanView(100, { tcpFlags: TcpFlag.SYN }), Outcome.DECODED, 10, 0);
    s.add(vxlanView(100, { tcpFlags: TcpFlag.SYN | TcpFlag.ACK }), Outcome.DECODED, 11, 500_000_000);
    s.add(vxlanView(100, { tcpFlags: TcpFlag.FIN | TcpFlag.ACK }), Outcome.DECODED, 12, 0);
    s.add(vxlanView(100, { tcpFlags: TcpFlag.RST | TcpFlag.ACK }), Outcome.DECODED, 12, 0);
    s.add(vxlanView(7, { innerProto: IpProto.UDP }), Outcome.DECODED, 13, 0);
    s.add(vxlanView(7, { innerIpVersion: 6, innerIpLength: 88, innerProto: IpProto.ICMPV6 }), Outcome.DECODED, 14, 0);
    s.add(vxlanView(7, { innerProto: IpProto.IGMP }), Outcome.DECODED, 15, 0);
    const [vni7, vni100] = s.figures(); // sorted by VNI
    expect(vni100).toMatchObject({
      tunnel: 'vxlan', vni: 100, frames: 4, wire_bytes: 440, inner_l2_bytes: 240,
      inner_ipv4_packets: 4, inner_ipv4_bytes: 184, inner_ipv6_packets: 0,
      l4: { tcp: 4, udp: 0, icmp: 0, other: 0 }, tcp: { syn: 1, synack: 1, fin: 1, rst: 1 },
      last_frame_time: 12,
    });
    expect(vni7).toMatchObject({
      vni: 7, frames: 3, inner_ipv4_packets: 2, inner_ipv4_bytes: 92, inner_ipv6_packets: 1, inner_ipv6_bytes: 88,
      l4: { tcp: 0, udp: 1, icmp: 1, other: 1 }, tcp: { syn: 0, synack: 0, fin: 0, rst: 0 },
    });
  });

  it('keeps a frame with an inner problem in its VNI, without L4 figures', () => {
    const s = new VniStats();
    s.add(vxlanView(5, { tcpFlags: TcpFlag.SYN }), Outcome.INNER_TCP_TOO_SHORT, 1, 0);
    s.add(vxlanView(5, { innerIpVersion: 0 }), Outcome.INNER_ETH_TOO_SHORT, 1, 0);
    const [f] = s.figures();
    expect(f).toMatchObject({ frames: 2, inner_dropped: 2, inner_ipv4_packets: 1, l4: { tcp: 0, udp: 0, icmp: 0, other: 0 } });
    expect(f.tcp.syn).toBe(0);
  });

  it('counts fragments, but L4 only on the first fragment', () => {
    const s = new VniStats();
    s.add(vxlanView(9, { innerFragment: true, innerFragmentOffset: 0, innerProto: IpProto.UDP }), Outcome.DECODED, 1, 0);
    s.add(vxlanView(9, { innerFragment: true, innerFragmentOffset: 1480, innerProto: IpProto.UDP }), Outcome.DECODED, 1, 0);
    const [f] = s.figures();
    expect(f).toMatchObject({ frames: 2, inner_fragments: 2, inner_ipv4_packets: 2, l4: { udp: 1 } });
  });

  it('counts truncated frames and grows past its initial 64 rows', () => {
    const s = new VniStats();
    for (let vni = 0; vni < 1000; vni++) s.add(vxlanView(vni, { truncated: vni % 2 === 0 }), Outcome.DECODED, 1, 0);
    const figures = s.figures();
    expect(figures).toHaveLength(1000);
    expect(figures[999]).toMatchObject({ vni: 999, frames: 1, truncated_frames: 0 });
    expect(figures.reduce((a, f) => a + f.truncated_frames, 0)).toBe(500);
  });

  it('keeps the same VNI under two tunnel types apart', () => {
    const s = new VniStats();
    s.add(vxlanView(42), Outcome.DECODED, 1, 0);
    s.add(vxlanView(42, { tunnelType: Tunnel.GENEVE }), Outcome.DECODED, 1, 0);
    expect(s.figures().map((f) => `${f.tunnel}/${f.vni}`)).toEqual(['vxlan/42', 'geneve/42']);
  });
});

describe('DecoderStats', () => {
  it('reports every outcome name, and frames is their sum', () => {
    const d = new DecoderStats();
    d.count(Outcome.DECODED);
    d.count(Outcome.DECODED);
    d.count(Outcome.UDP_NOT_TUNNEL_PORT);
    const o = d.outcomes();
    expect(Object.keys(o)).toEqual([...OUTCOME_NAMES]);
    expect(o.decoded).toBe(2);
    expect(o.udp_not_tunnel_port).toBe(1);
    expect(d.frames).toBe(3);
  });
});
