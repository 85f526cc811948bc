import { describe, expect, it } from 'vitest';
import { makeDecoderConfig } from '../../../src/decode/decoder-config.js';
import { Outcome } from '../../../src/decode/outcome.js';
import { PacketView, Tunnel } from '../../../src/decode/packet-view.js';
import { decodeInnerUdp, decodeOuterUdp } from '../../../src/decode/udp.js';
import { hex, patch, dataView } from './hex.js';
import { expectView } from './view-helpers.js';

const VXLAN_PORTS = makeDecoderConfig().tunnelByPort; // 4789 only

/** Outer UDP to 4789 with 16 bytes of datagram payload: length 24. */
const UDP_4789 = hex(
  'c0 01', // source port 49153
  '12 b5', // destination port 4789
  '00 18', // length 24 = 8 + 16
  '00 00', // checksum (none)
  '08 00 00 00 00 00 64 00', // @8 VXLAN (not parsed here)
  '00 00 00 00 00 00 00 00', // @16 inner bytes
);

function outer(buf: Buffer, ipPayloadLength: number, end = buf.length, ports = VXLAN_PORTS) {
  const view = new PacketView();
  return { outcome: decodeOuterUdp(dataView(buf), 0, end, ipPayloadLength, view, ports), view };
}

const FIELDS = { outerSrcPort: 49153, outerDstPort: 4789, outerUdpLength: 24 };

describe('decodeOuterUdp', () => {
  it('to a VXLAN port, length equal to the IP payload', () => {
    const { outcome, view } = outer(UDP_4789, 24);
    expect(outcome).toBe(Outcome.DECODED);
    expectView(view, FIELDS);
  });

  it('length shorter than the IP payload is fine (the rest is IP padding)', () => {
    expect(outer(UDP_4789, 30).outcome).toBe(Outcome.DECODED);
  });

  it('fewer than 8 bytes is udp_too_short, view untouched', () => {
    const r = outer(UDP_4789, 24, 7);
    expect(r.outcome).toBe(Outcome.UDP_TOO_SHORT);
    expectView(r.view, {});
  });

  it('length < 8 or beyond the IP payload is udp_bad_length (fields recorded)', () => {
    const seven = outer(patch(UDP_4789, { 5: 7 }), 24);
    expect(seven.outcome).toBe(Outcome.UDP_BAD_LENGTH);
    expectView(seven.view, { ...FIELDS, outerUdpLength: 7 });
    expect(outer(patch(UDP_4789, { 5: 0 }), 24).outcome).toBe(Outcome.UDP_BAD_LENGTH); // 0 (jumbogram style)
    expect(outer(UDP_4789, 23).outcome).toBe(Outcome.UDP_BAD_LENGTH); // IP says 23 bytes of payload
    // the IP length decides, not the captured bytes: 24 <= 100 even with 10 bytes captured
    expect(outer(UDP_4789, 100, 10).outcome).toBe(Outcome.DECODED);
  });

  it('a datagram longer than the bytes present is truncated, not dropped', () => {
    const { outcome, view } = outer(UDP_4789, 24, 16);
    expect(outcome).toBe(Outcome.DECODED);
    expectView(view, { ...FIELDS, truncated: true });
  });

  it('a destination port that is not a tunnel port is udp_not_tunnel_port', () => {
    const dns = outer(patch(UDP_4789, { 2: 0x00, 3: 0x35 }), 24); // port 53
    expect(dns.outcome).toBe(Outcome.UDP_NOT_TUNNEL_PORT);
    expectView(dns.view, { ...FIELDS, outerDstPort: 53 });
    // the source port does not count
    expect(outer(patch(UDP_4789, { 0: 0x12, 1: 0xb5, 2: 0x00, 3: 0x35 }), 24).outcome).toBe(Outcome.UDP_NOT_TUNNEL_PORT);
  });

  it('ports come from the configuration', () => {
    const ports8472 = makeDecoderConfig({ vxlanPorts: [8472] }).tunnelByPort;
    const to8472 = patch(UDP_4789, { 2: 0x21, 3: 0x18 }); // port 8472
    expect(outer(to8472, 24, 24, ports8472).outcome).toBe(Outcome.DECODED);
    expect(outer(UDP_4789, 24, 24, ports8472).outcome).toBe(Outcome.UDP_NOT_TUNNEL_PORT);
    expect(outer(to8472, 24).outcome).toBe(Outcome.UDP_NOT_TUNNEL_PORT);
  });

  it('Geneve (6081) and VXLAN-GPE (4790) are tunnel ports by default; a port with no tunnel type is not', () => {
    const ports = makeDecoderConfig().tunnelByPort;
    expect(ports[6081]).toBe(Tunnel.GENEVE);
    expect(ports[4790]).toBe(Tunnel.VXLAN_GPE);
    const geneve = patch(UDP_4789, { 2: 0x17, 3: 0xc1 }); // port 6081
    expect(outer(geneve, 24, 24, ports).outcome).toBe(Outcome.DECODED);
    expect(outer(geneve, 24, 24, new Uint8Array(65536)).outcome).toBe(Outcome.UDP_NOT_TUNNEL_PORT);
  });
});

describe('decodeInnerUdp', () => {
  const DNS = hex(
    'e1 10', // source port 57616
    '00 35', // destination port 53
    '00 1d', // length 29
    'ab cd', // checksum
    '12 34 01 00 00 01 00 00 00 00 00 00', // DNS header (payload)
  );

  it('ports and L4 offset', () => {
    const buf = Buffer.concat([hex('ff ff'), DNS]);
    const view = new PacketView();
    expect(decodeInnerUdp(dataView(buf), 2, buf.length, view)).toBe(Outcome.DECODED);
    expectView(view, { l4Offset: 2, srcPort: 57616, dstPort: 53, l4Checksum: 0xabcd });
  });

  it('fewer than 8 bytes is inner_udp_too_short', () => {
    const view = new PacketView();
    expect(decodeInnerUdp(dataView(DNS), 0, 7, view)).toBe(Outcome.INNER_UDP_TOO_SHORT);
    expectView(view, {});
  });
});
