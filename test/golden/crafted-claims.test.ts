/**
 * The crafted captures (pcaps/crafted/, written by pcaps/gen/make-fixtures.mjs)
 * exercise what they claim. Every number below is counted by hand from the
 * generator's script (comments say how), not copied from vxmon's or tshark's
 * output; oracle.test.ts separately compares the same files with tshark.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { makeDecoderConfig, type ReservedPolicy } from '../../src/decode/decoder-config.js';
import { replay } from '../../src/replay.js';

const CRAFTED = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'pcaps', 'crafted');

async function run(name: string, opts: { vxlanPorts?: number[]; reservedPolicy?: ReservedPolicy } = {}) {
  const result = await replay([path.join(CRAFTED, name)], {
    decoder: makeDecoderConfig({ vxlanPorts: opts.vxlanPorts ?? [4789], reservedPolicy: opts.reservedPolicy ?? 'permissive' }),
  });
  expect(result.error, `${name}: ${result.error?.message}`).toBeUndefined();
  const r = result.report;
  const vni = (n: number) => {
    const v = r.vnis.find((x) => x.tunnel === 'vxlan' && x.vni === n);
    expect(v, `${name}: VNI ${n} reported`).toBeDefined();
    return v!;
  };
  /** Outcomes with a non-zero count, so a stray reason shows up in the diff. */
  const nonZero = Object.fromEntries(Object.entries(r.outcomes).filter(([, n]) => n !== 0));
  return { r, vni, nonZero, vniList: r.vnis.map((v) => v.vni) };
}

/** Everything per VNI except what legitimately differs between link types / clocks. */
const sameAcrossLinks = (v: Record<string, unknown>) => {
  const { wire_bytes: _w, last_frame_time: _t, ...rest } = v;
  return rest;
};

describe('crafted captures exercise what they claim', () => {
  it('bad-flags: the 6 frames without the I flag are dropped, in both policies', async () => {
    // Frames 1, 3, 6, 10: flags 0x08, VNI 100 (ICMP echo). Frames 2, 4, 7: flags 0x00 (VNI 200);
    // 5, 8: flags 0x80 (VNI 300); 9: an all-zero header. 4 decoded + 6 dropped = 10.
    for (const reservedPolicy of ['permissive', 'strict'] as const) {
      const { r, nonZero, vniList, vni } = await run('bad-flags.pcap', { reservedPolicy });
      expect(r.frames).toBe(10);
      expect(nonZero).toEqual({ decoded: 4, vxlan_i_flag_unset: 6 });
      expect(vniList).toEqual([100]);
      expect(vni(100).frames).toBe(4);
      expect(vni(100).l4.icmp).toBe(4);
    }
  });

  it('reserved-bits: counted under permissive, dropped under strict', async () => {
    // VNI 10: frames 1, 3, 6, 10, clean flags 0x08. VNI 20: frames 2 (0x88), 4 (0x0c), 5 (0xff),
    // 7 (reserved 24 bits = 1), 8 (last byte = 1), 9 (both reserved fields): 6 frames with I set.
    const p = await run('reserved-bits.pcap', { reservedPolicy: 'permissive' });
    expect(p.nonZero).toEqual({ decoded: 10 });
    expect(p.vniList).toEqual([10, 20]);
    expect(p.vni(10).frames).toBe(4);
    expect(p.vni(20).frames).toBe(6);
    expect(p.vni(20).l4.udp).toBe(6);

    const s = await run('reserved-bits.pcap', { reservedPolicy: 'strict' });
    expect(s.nonZero).toEqual({ decoded: 4, vxlan_reserved_nonzero: 6 });
    expect(s.vniList).toEqual([10]);
  });

  it('non-vxlan-udp: ordinary UDP is udp_not_tunnel_port, VXLAN is decoded', async () => {
    // 12 frames: DNS x2 (53), NTP x2 (123), syslog x2 (514), one VXLAN-looking datagram FROM 4789
    // to 51234, one VXLAN datagram to 8472 = 8 not-tunnel; 4 VXLAN/4789 frames in VNI 1000.
    const d = await run('non-vxlan-udp.pcap');
    expect(d.r.frames).toBe(12);
    expect(d.nonZero).toEqual({ decoded: 4, udp_not_tunnel_port: 8 });
    expect(d.vniList).toEqual([1000]);
    // With 8472 configured too, the Linux-port frame (VNI 1000, an ICMP echo request) joins in.
    const k = await run('non-vxlan-udp.pcap', { vxlanPorts: [4789, 8472] });
    expect(k.nonZero).toEqual({ decoded: 5, udp_not_tunnel_port: 7 });
    expect(k.vni(1000).frames).toBe(5);
    expect(k.vni(1000).l4.icmp).toBe(3);
  });

  it('link-type and file-format twins decode to the Ethernet twin\'s per-VNI figures', async () => {
    // ethernet-twin.pcap: 11 frames = 10 VXLAN (VNI 1100: ICMP echo pair, 8-packet TCP session)
    // + 1 DNS query from the capturing host (frame 6, udp/53).
    // VXLAN frame sizes: 2 x 148 (ICMP) + SYN 124 + SYN-ACK 124 + 4 x 116 (ACK, FIN, FIN, ACK)
    // + 180 (64-byte request) + 372 (256-byte reply) = 1560 wire bytes.
    const eth = await run('ethernet-twin.pcap');
    expect(eth.nonZero).toEqual({ decoded: 10, udp_not_tunnel_port: 1 });
    expect(eth.vniList).toEqual([1100]);
    const base = eth.vni(1100);
    expect(base.frames).toBe(10);
    expect(base.wire_bytes).toBe(1560);
    expect(base.l4).toEqual({ tcp: 8, udp: 0, icmp: 2, other: 0 });
    expect(base.tcp).toEqual({ syn: 1, synack: 1, fin: 2, rst: 0 });

    // Last VXLAN frame: 1000 + 9 x 1234 us after 2024-06-01T12:00:00Z; the nanosecond files add
    // 10 x 111 + 7 = 1117 ns (frame index 10). Doubles hold ~0.2 us at this epoch, hence the tolerance.
    const lastUs = 1717243200 + 0.012106;
    const lastNs = 1717243200 + 0.012107117;
    expect(Math.abs(base.last_frame_time - lastUs)).toBeLessThan(1e-6);

    const twins: Array<[string, number, number, string]> = [
      // file, wire bytes per VNI, last frame time, format
      ['linux-cooked-v1.pcap', 1560 + 10 * 2, lastUs, 'pcap'], //     SLL header 16 bytes vs Ethernet 14
      ['linux-cooked-v2.pcap', 1560 + 10 * 6, lastUs, 'pcap'], //     SLL2 header 20 bytes
      ['raw-ip.pcap', 1560 - 10 * 14, lastUs, 'pcap'], //             no link header
      ['two-interfaces.pcapng', 1560 + 4 * 2, lastUs, 'pcapng'], //   frames 2, 4, 8, 10 (odd indexes) on the SLL interface
      ['nanosecond.pcap', 1560, lastNs, 'pcap'],
      ['nanosecond-be.pcap', 1560, lastNs, 'pcap'],
      ['microsecond-be.pcap', 1560, lastUs, 'pcap'],
    ];
    for (const [name, wire, last, format] of twins) {
      const t = await run(name);
      expect(t.r.files[0].format, name).toBe(format);
      expect(t.nonZero, name).toEqual({ decoded: 10, udp_not_tunnel_port: 1 });
      expect(t.vniList, name).toEqual([1100]);
      const v = t.vni(1100);
      expect(sameAcrossLinks({ ...v }), name).toEqual(sameAcrossLinks({ ...base }));
      expect(v.wire_bytes, name).toBe(wire);
      expect(Math.abs(v.last_frame_time - last), `${name} last frame time`).toBeLessThan(1e-6);
    }
  });

  it('packetlength-100: inner frames cut by the mirror are flagged truncated, bytes come from the IP length', async () => {
    // 17 frames, all cut copies encapsulated whole. Cut (inner frame > 100 bytes): HTTP segments of
    // 1514, 1514 and 766 bytes, the 242-byte ping request and reply, a 192-byte syslog datagram = 6.
    const { nonZero, vni } = await run('packetlength-100.pcap');
    expect(nonZero).toEqual({ decoded: 17 });
    const v = vni(3141592);
    expect(v.frames).toBe(17);
    expect(v.truncated_frames).toBe(6);
    // Inner L2 bytes present: 74 + 74 + 66 + 100 + 66 + 3 x 100 + 4 x 66 (TCP) + 98 + 98 + 100 + 100 (ICMP) + 100 = 1440.
    expect(v.inner_l2_bytes).toBe(1440);
    // IP total lengths: TCP 60 + 60 + 52 + 86 + 52 + 1500 + 1500 + 752 + 4 x 52 = 4270; ICMP 84 x 2 + 228 x 2 = 624;
    // syslog 20 + 8 + 150 = 178. 4270 + 624 + 178 = 5072.
    expect(v.inner_ipv4_bytes).toBe(5072);
    expect(v.l4).toEqual({ tcp: 12, udp: 1, icmp: 4, other: 0 });
    expect(v.tcp).toEqual({ syn: 1, synack: 1, fin: 2, rst: 0 });
  });

  it('snaplen-128: frames cut by the capture are flagged truncated', async () => {
    // 11 TCP packets; longer than 128 bytes on the wire: the 100-byte request (216) and the server's
    // 1448, 1448 and 1000-byte segments. SYN/SYN-ACK frames are 124 bytes, bare ACK/FIN 116.
    const { nonZero, vni } = await run('snaplen-128.pcap');
    expect(nonZero).toEqual({ decoded: 11 });
    expect(vni(1200).truncated_frames).toBe(4);
    expect(vni(1200).tcp).toEqual({ syn: 1, synack: 1, fin: 2, rst: 0 });
  });

  it('inner-fragments: IPv4 and IPv6 fragments are counted, only offset-0 fragments reach L4', async () => {
    // VNI 900: a DNS query + a 3008-byte UDP datagram in fragments of 1480/1480/48 payload bytes.
    // VNI 901: a 2008-byte UDP datagram over IPv6 in fragments of 1448/560 bytes.
    const { nonZero, vni, vniList } = await run('inner-fragments.pcap');
    expect(nonZero).toEqual({ decoded: 6 });
    expect(vniList).toEqual([900, 901]);
    expect(vni(900).inner_fragments).toBe(3);
    expect(vni(900).inner_ipv4_packets).toBe(4);
    expect(vni(900).l4).toEqual({ tcp: 0, udp: 2, icmp: 0, other: 0 });
    expect(vni(901).inner_fragments).toBe(2);
    expect(vni(901).inner_ipv6_packets).toBe(2);
    // 40 + 8 (fragment header) + 1448, and 40 + 8 + 560.
    expect(vni(901).inner_ipv6_bytes).toBe(1496 + 608);
    expect(vni(901).l4).toEqual({ tcp: 0, udp: 1, icmp: 0, other: 0 });
  });

  it('inner-vlan: inner 802.1Q and QinQ frames reach the inner IP layer', async () => {
    // VNI 500: ICMP echo pair under 802.1Q 10; TCP SYN/SYN-ACK under 802.1ad 100 + 802.1Q 20;
    // ARP request/reply under 802.1Q 10 (not IP).
    const { nonZero, vni } = await run('inner-vlan.pcap');
    expect(nonZero).toEqual({ decoded: 6 });
    const v = vni(500);
    expect(v.frames).toBe(6);
    expect(v.inner_ipv4_packets).toBe(4);
    expect(v.l4).toEqual({ tcp: 2, udp: 0, icmp: 2, other: 0 });
    expect(v.tcp).toEqual({ syn: 1, synack: 1, fin: 0, rst: 0 });
  });

  it('outer-vlan: 802.1Q and 802.1ad + 802.1Q outer tags', async () => {
    // VNI 600: 3 frames under outer 802.1Q 5; VNI 601: 3 frames under outer 802.1ad 100 + 802.1Q 200.
    const { nonZero, vni } = await run('outer-vlan.pcap');
    expect(nonZero).toEqual({ decoded: 6 });
    expect(vni(600).frames).toBe(3);
    expect(vni(601).frames).toBe(3);
    expect(vni(601).wire_bytes - vni(600).wire_bytes).toBe(3 * 4); // one more 4-byte tag per frame
  });

  it('inner-ipv6: extension headers are walked to TCP, UDP and ICMPv6', async () => {
    // VNI 700, 14 frames: TCP session of 8 (SYN, SYN-ACK, ACK, data, data, FIN, FIN, ACK);
    // ICMPv6 echo behind hop-by-hop + destination options / destination options; DNS query behind
    // hop-by-hop and its answer; TCP SYN behind destination options answered by RST|ACK.
    const { nonZero, vni } = await run('inner-ipv6.pcap');
    expect(nonZero).toEqual({ decoded: 14 });
    const v = vni(700);
    expect(v.inner_ipv6_packets).toBe(14);
    expect(v.inner_ipv4_packets).toBe(0);
    expect(v.l4).toEqual({ tcp: 10, udp: 2, icmp: 2, other: 0 });
    expect(v.tcp).toEqual({ syn: 2, synack: 1, fin: 2, rst: 1 });
  });

  it('outer-ipv6: VXLAN over an outer IPv6 header', async () => {
    // VNI 800: one 10-packet TCP session.
    const { nonZero, vni } = await run('outer-ipv6.pcap');
    expect(nonZero).toEqual({ decoded: 10 });
    expect(vni(800).l4.tcp).toBe(10);
  });

  it('aws-multi-vni: four mirror sessions, one inner flow seen in two of them', async () => {
    // web ENI (4012345): HTTP 12 + HTTP with a retransmission 15 + web->db 11 + aborted web->db 6
    //   + refused monitor->web:8080 2 + DNS 4 + IPv6 HTTP from monitor 10 = 60
    // db ENI (4012346): web->db 11 + aborted 6 + bastion's pings 8 = 25
    // bastion ENI (8123456): SSH 21 + DNS 2 + pings 8 = 31
    // monitor ENI (16777215): NTP 4 + refused 2 + IPv6 HTTP 10 = 16
    const { r, nonZero, vni, vniList } = await run('aws-multi-vni.pcap');
    expect(r.frames).toBe(132);
    expect(nonZero).toEqual({ decoded: 132 });
    expect(vniList).toEqual([4012345, 4012346, 8123456, 16777215]);
    expect([60, 25, 31, 16]).toEqual(vniList.map((n) => vni(n).frames));
    // db ENI: SYNs of the two web->db sessions, one RST (the abort), FINs of the closed one.
    expect(vni(4012346).tcp).toEqual({ syn: 2, synack: 2, fin: 2, rst: 1 });
    // monitor ENI: refused SYN + IPv6 SYN; the refusal's RST|ACK.
    expect(vni(16777215).tcp).toEqual({ syn: 2, synack: 1, fin: 2, rst: 1 });
    expect(vni(16777215).inner_ipv6_packets).toBe(10);
  });
});
