/**
 * Nested tunnels through decodeFrame: Geneve carrying VXLAN, the AWS
 * Gateway Load Balancer shape. The frame is zeek's
 * geneve-vxlan-dns-truncated.pcap frame 1, byte for byte (176 of 182 bytes
 * captured), except that the Geneve VNI is patched from 4242 to 4243 so the
 * two layers' VNIs can be told apart. tshark -V reads it as:
 *   Ethernet / IPv4 127.0.0.1 > 127.0.0.1 (total length 168) /
 *   UDP 11803 > 6081 (length 148) / Geneve (no options, protocol IPv4, VNI 4242) /
 *   IPv4 (total length 132) / UDP 26383 > 4789 (length 112) / VXLAN (flags 0x08, VNI 4242) /
 *   Ethernet / IPv4 172.16.11.201 > 1.1.1.1 (total length 82) / UDP 36872 > 53 (length 62) / DNS
 */
import { describe, expect, it } from 'vitest';
import { LinkType } from '../../../src/capture/frame-source.js';
import { decodeFrame } from '../../../src/decode/decoder.js';
import { makeDecoderConfig } from '../../../src/decode/decoder-config.js';
import { Outcome } from '../../../src/decode/outcome.js';
import { PacketView, Tunnel } from '../../../src/decode/packet-view.js';
import { hex, patch } from './hex.js';

const GENEVE_VXLAN_DNS = patch(
  hex(
    '0c 55 21 83 13 6e 0c 55 21 83 13 6d 08 00 45 00',
    '00 a8 00 00 00 00 20 11 9c 43 7f 00 00 01 7f 00',
    '00 01 2e 1b 17 c1 00 94 1f 5b 00 00 08 00 00 10', // UDP to 6081 at 34; Geneve at 42: 00 00 08 00 ...
    '92 00 45 00 00 84 00 00 00 00 20 11 9c 67 7f 00', // ... VNI 00 10 92; inner IPv4 at 50
    '00 01 7f 00 00 01 67 0f 12 b5 00 70 1f 63 08 00', // UDP to 4789 at 70 (length 0x70); VXLAN at 78
    '00 00 00 10 92 00 74 ac b9 3f d2 7d 48 f1 7f a3', // VNI 4242; inner Ethernet at 86
    'b6 ff 08 00 45 00 00 52 f3 00 00 00 40 11 cd bf', // inner IPv4 at 100
    'ac 10 0b c9 01 01 01 01 90 08 00 35 00 3e c7 91', // UDP 36872 > 53 at 120
    'fa 48 01 20 00 01 00 00 00 00 00 01 09 63 6f 72',
    '65 6c 69 67 68 74 03 63 6f 6d 00 00 01 00 01 00',
    '00 29 10 00 00 00 00 00 00 0c 00 0a 00 08 87 31',
  ),
  { 48: 0x93 }, // Geneve VNI 4242 -> 4243
);

function decode(buf: Buffer, maxTunnelDepth?: number) {
  const view = new PacketView();
  const outcome = decodeFrame(buf, 0, buf.length, 182, LinkType.ETHERNET, view, makeDecoderConfig({ maxTunnelDepth }));
  return { outcome, view };
}

describe('decodeFrame: nested tunnels', () => {
  it('Geneve -> IPv4 -> UDP 4789 -> VXLAN: the VXLAN VNI is the identity, the Geneve one is kept', () => {
    const { outcome, view } = decode(GENEVE_VXLAN_DNS);
    expect(outcome).toBe(Outcome.DECODED);
    expect(view.tunnelDepth).toBe(2);
    expect(view.tunnelType).toBe(Tunnel.VXLAN);
    expect(view.vni).toBe(4242);
    expect(view.outerTunnelType).toBe(Tunnel.GENEVE);
    expect(view.outerVni).toBe(4243);
    expect(view.outerDstPort).toBe(6081);
    expect(view.tunnelOffset).toBe(78);
    expect(view.innerL2Offset).toBe(86);
    expect(view.innerL2Length).toBe(96); // nested UDP length 112 - 8 - 8
    expect(view.innerL3Offset).toBe(100);
    expect(view.innerSrc4).toBe(0xac100bc9); // 172.16.11.201
    expect(view.innerDst4).toBe(0x01010101);
    expect(view.innerIpLength).toBe(82);
    expect([view.srcPort, view.dstPort]).toEqual([36872, 53]);
    expect(view.payloadLength).toBe(54); // 82 - 20 - 8
    expect(view.truncated).toBe(true); // 176 of 182 bytes captured
  });

  it('a single tunnel has depth 1 and the same outer and inner VNI', () => {
    const v4789 = patch(GENEVE_VXLAN_DNS, { 72: 0x12, 73: 0x34 }); // nested UDP to 4660: not a tunnel port
    const { outcome, view } = decode(v4789);
    expect(outcome).toBe(Outcome.DECODED);
    expect(view.tunnelDepth).toBe(1);
    expect([view.tunnelType, view.vni, view.outerTunnelType, view.outerVni]).toEqual([Tunnel.GENEVE, 4243, Tunnel.GENEVE, 4243]);
    expect(view.innerL2Length).toBe(132); // Geneve: 148 - 8 - 8, an IPv4 packet of total length 132
    expect(view.dstPort).toBe(4660);
  });

  it('deeper than the limit is inner_tunnel_too_deep, counted for the deepest VNI accepted', () => {
    const { outcome, view } = decode(GENEVE_VXLAN_DNS, 1);
    expect(outcome).toBe(Outcome.INNER_TUNNEL_TOO_DEEP);
    expect([view.tunnelType, view.vni, view.tunnelDepth]).toEqual([Tunnel.GENEVE, 4243, 1]);
    expect(decode(GENEVE_VXLAN_DNS, 2).outcome).toBe(Outcome.DECODED);
  });

  it('a nested header cut short keeps the outer attribution and names the nested layer', () => {
    const cut = GENEVE_VXLAN_DNS.subarray(0, 82); // 4 bytes of the VXLAN header
    const { outcome, view } = decode(Buffer.from(cut));
    expect(outcome).toBe(Outcome.VXLAN_TOO_SHORT);
    expect([view.tunnelType, view.vni, view.tunnelDepth]).toEqual([Tunnel.GENEVE, 4243, 1]);
    // the outer level's inner IPv4/UDP is not left behind as if it were the nested packet's
    expect([view.innerIpVersion, view.l4Offset]).toEqual([0, 0]);
  });

  it("UDP to 4789 that is not VXLAN (I flag clear, bytes all there) is the outer level's UDP packet, decoded", () => {
    // The workload's own traffic to port 4789 inside the Geneve tunnel: byte 78 (VXLAN flags) 0x08 -> 0x00.
    // tshark shows such a packet as IPv4 / UDP 26383 > 4789 in Geneve 4243 with a VXLAN it cannot parse.
    const { outcome, view } = decode(patch(GENEVE_VXLAN_DNS, { 78: 0x00 }));
    expect(outcome).toBe(Outcome.DECODED);
    expect([view.tunnelType, view.vni, view.tunnelDepth]).toEqual([Tunnel.GENEVE, 4243, 1]);
    expect([view.innerIpVersion, view.innerL3Offset, view.innerIpLength, view.l4Offset]).toEqual([4, 50, 132, 70]);
    expect([view.srcPort, view.dstPort, view.payloadLength]).toEqual([26383, 4789, 104]); // 132 - 20 - 8
    // Strict reserved bits reject a VXLAN header by its content too: the same.
    const strict = new PacketView();
    const r = decodeFrame(patch(GENEVE_VXLAN_DNS, { 79: 0x01 }), 0, 176, 182, LinkType.ETHERNET, strict, makeDecoderConfig({ reservedPolicy: 'strict' }));
    expect([r, strict.tunnelType, strict.vni, strict.dstPort]).toEqual([Outcome.DECODED, Tunnel.GENEVE, 4243, 4789]);
  });

  it('UDP to 4789 whose datagram (by its UDP length) is shorter than a VXLAN header: the outer UDP packet', () => {
    // Nested UDP length 0x70 -> 12: 4 bytes of payload, all present, where VXLAN needs 8.
    const { outcome, view } = decode(patch(GENEVE_VXLAN_DNS, { 74: 0x00, 75: 0x0c }));
    expect(outcome).toBe(Outcome.DECODED);
    expect([view.tunnelType, view.vni, view.tunnelDepth, view.innerIpVersion, view.dstPort]).toEqual([Tunnel.GENEVE, 4243, 1, 4, 4789]);
  });

  it('a nested frame whose inner packet is cut in its Ethernet header has no inner IP of the outer level', () => {
    const cut = GENEVE_VXLAN_DNS.subarray(0, 90); // VXLAN whole, 4 bytes of the inner Ethernet header
    const { outcome, view } = decode(Buffer.from(cut));
    expect(outcome).toBe(Outcome.INNER_ETH_TOO_SHORT);
    expect([view.tunnelType, view.vni, view.tunnelDepth, view.innerIpVersion, view.l4Offset]).toEqual([Tunnel.VXLAN, 4242, 2, 0, 0]);
  });

  it('every prefix: the layer cut gives its reason, attribution moves from Geneve to VXLAN, never a throw', () => {
    // Offsets from the annotated bytes above: outer Ethernet 0..13, IPv4 14..33, UDP 34..41, Geneve 42..49
    // (no options), IPv4 50..69, UDP 70..77, VXLAN 78..85, Ethernet 86..99, IPv4 100..119, UDP 120..127.
    const table: [number, number, Outcome][] = [
      [0, 13, Outcome.ETH_TOO_SHORT], [14, 33, Outcome.IPV4_TOO_SHORT], [34, 41, Outcome.UDP_TOO_SHORT],
      [42, 49, Outcome.GENEVE_TOO_SHORT], [50, 69, Outcome.INNER_IPV4_TOO_SHORT], [70, 77, Outcome.INNER_UDP_TOO_SHORT],
      [78, 85, Outcome.VXLAN_TOO_SHORT], [86, 99, Outcome.INNER_ETH_TOO_SHORT], [100, 119, Outcome.INNER_IPV4_TOO_SHORT],
      [120, 127, Outcome.INNER_UDP_TOO_SHORT], [128, 176, Outcome.DECODED],
    ];
    const view = new PacketView();
    const config = makeDecoderConfig();
    for (const [from, to, want] of table) {
      for (let n = from; n <= to; n++) {
        const prefix = Buffer.from(GENEVE_VXLAN_DNS.subarray(0, n));
        const outcome = decodeFrame(prefix, 0, n, 182, LinkType.ETHERNET, view, config);
        expect(outcome, `prefix ${n}`).toBe(want);
        const attribution = n < 50 ? [0, 0] : n < 86 ? [Tunnel.GENEVE, 4243] : [Tunnel.VXLAN, 4242];
        expect([view.tunnelType, view.vni], `prefix ${n}`).toEqual(attribution);
      }
    }
  });

  it('a Geneve UDP socket\'s datagram (GENEVE_PAYLOAD: the UDP payload, from byte 42) decodes the same way', () => {
    const datagram = Buffer.from(GENEVE_VXLAN_DNS.subarray(42));
    const view = new PacketView();
    const outcome = decodeFrame(datagram, 0, datagram.length, datagram.length, LinkType.GENEVE_PAYLOAD, view, makeDecoderConfig());
    expect(outcome).toBe(Outcome.DECODED);
    expect([view.tunnelType, view.vni, view.outerTunnelType, view.outerVni, view.tunnelDepth]).toEqual([Tunnel.VXLAN, 4242, Tunnel.GENEVE, 4243, 2]);
    expect([view.outerIpVersion, view.srcPort, view.dstPort]).toEqual([0, 36872, 53]);
    // the same bytes read as a VXLAN socket's datagram are not VXLAN (the I flag is clear in Geneve's first byte)
    expect(decodeFrame(datagram, 0, datagram.length, datagram.length, LinkType.VXLAN_PAYLOAD, view, makeDecoderConfig())).toBe(Outcome.VXLAN_I_FLAG_UNSET);
  });
});
