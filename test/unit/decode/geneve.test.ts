/**
 * decodeGeneve on headers taken byte for byte from external captures, each
 * annotated with what tcpdump 4.99.3 prints for it (the upstream expected
 * outputs tcpdump/geneve-vv.out and geneve-gcp.out in the corpus).
 */
import { describe, expect, it } from 'vitest';
import { decodeGeneve } from '../../../src/decode/geneve.js';
import { Outcome } from '../../../src/decode/outcome.js';
import { PacketView, Tunnel } from '../../../src/decode/packet-view.js';
import { dataView, hex, patch } from './hex.js';
import { expectView } from './view-helpers.js';

/**
 * tcpdump geneve.pcap frame 1 from the UDP payload on (UDP length 0x7a = 122):
 * "Geneve, Flags [C], vni 0xa, options [class Standard (0x0) type 0x80(C) len 8 data 0000000c]".
 */
const OVS = hex(
  '02', // Ver 0, Opt Len 2 (8 bytes)
  '40', // O 0, C 1, reserved 0
  '65 58', // protocol type: Transparent Ethernet Bridging
  '00 00 0a', // VNI 10
  '00', // reserved
  '00 00 80 01', // option: class 0x0000, type 0x80 (critical), R 0, length 1 (4 bytes of data)
  '00 00 00 0c', // option data
  'fe 71', // first inner bytes (Ethernet destination)
);

/**
 * tcpdump geneve-gcp.pcap, GCP Packet Mirroring (UDP length 0x60 = 96): "Geneve, Flags [none], vni 0x0,
 * options [class Google (0x132) type 0x1 len 8 ..., type 0x2 len 20 ..., type 0x3 len 12 ...]", then IPv4.
 */
const GCP = hex(
  '0a', // Ver 0, Opt Len 10 (40 bytes)
  '00', // no flags
  '08 00', // protocol type: IPv4, no inner Ethernet
  '00 00 00', // VNI 0
  '00', // reserved
  '01 32 01 01 80 00 00 d1', // class 0x0132 type 1, 1 word
  '01 32 02 04 08 00 00 0d c0 a8 64 02 00 00 00 00 00 00 00 00', // type 2, 4 words
  '01 32 03 02 00 00 00 00 00 00 12 34', // type 3, 2 words
  '45 00', // first inner bytes (IPv4)
);

function run(buf: Buffer, udpLength: number, end = buf.length) {
  const view = new PacketView();
  return { outcome: decodeGeneve(dataView(buf), 0, end, view, udpLength), view };
}

describe('decodeGeneve (RFC 8926 §3.4, §3.5)', () => {
  it('Open vSwitch header with one critical option: VNI, C flag, options counted and skipped', () => {
    const { outcome, view } = run(OVS, 122);
    expect(outcome).toBe(Outcome.DECODED);
    expectView(view, {
      tunnelType: Tunnel.GENEVE,
      tunnelOffset: 0,
      vni: 10,
      tunnelPayload: 0x6558,
      geneveFlags: 0x40,
      geneveOptionsLength: 8,
      geneveOptionCount: 1,
      innerL2Offset: 16,
      innerL2Length: 98, // 122 - 8 UDP - 8 Geneve - 8 options
    });
  });

  it('GCP Packet Mirroring: three options (40 bytes), IPv4 payload with no Ethernet', () => {
    const { outcome, view } = run(GCP, 96);
    expect(outcome).toBe(Outcome.DECODED);
    expectView(view, {
      tunnelType: Tunnel.GENEVE,
      vni: 0,
      tunnelPayload: 0x0800,
      geneveOptionsLength: 40,
      geneveOptionCount: 3,
      innerL2Offset: 48,
      innerL2Length: 40, // 96 - 8 - 8 - 40 = the inner IPv4 total length (tcpdump: length 40)
    });
  });

  it('the O bit (control packet) is recorded and the frame still decoded', () => {
    const { outcome, view } = run(patch(OVS, { 1: 0xc0 }), 122);
    expect(outcome).toBe(Outcome.DECODED);
    expect(view.geneveFlags).toBe(0xc0);
  });

  it('fewer than 8 bytes is geneve_too_short, nothing attributed', () => {
    for (let n = 0; n < 8; n++) {
      const { outcome, view } = run(OVS, 122, n);
      expect(outcome, `${n} bytes`).toBe(Outcome.GENEVE_TOO_SHORT);
      expect(view.tunnelType).toBe(0);
    }
  });

  it('a version other than 0 MUST be dropped: geneve_bad_version', () => {
    for (const v of [0x42, 0x82, 0xc2]) {
      const { outcome, view } = run(patch(OVS, { 0: v }), 122);
      expect(outcome).toBe(Outcome.GENEVE_BAD_VERSION);
      expect(view.tunnelType).toBe(0);
      expect(view.geneveFlags).toBe(0x40);
    }
  });

  it('options cut short (every length from 8 to 15 bytes) are geneve_options_too_short', () => {
    for (let n = 8; n < 16; n++) {
      const { outcome, view } = run(OVS, 122, n);
      expect(outcome, `${n} bytes`).toBe(Outcome.GENEVE_OPTIONS_TOO_SHORT);
      expect(view.tunnelType).toBe(0);
    }
  });

  it('an option whose length runs past Opt Len is geneve_bad_option_length', () => {
    // option length 2 words: 4 + 8 = 12 bytes in an 8-byte options area
    const { outcome, view } = run(patch(OVS, { 11: 0x02 }), 122);
    expect(outcome).toBe(Outcome.GENEVE_BAD_OPTION_LENGTH);
    expect(view.tunnelType).toBe(0);
  });

  it('a protocol type other than Ethernet/IPv4/IPv6 is attributed to the VNI and dropped', () => {
    const nsh = patch(OVS, { 2: 0x89, 3: 0x4f }); // 0x894F NSH
    const { outcome, view } = run(nsh, 122);
    expect(outcome).toBe(Outcome.GENEVE_UNSUPPORTED_PROTOCOL);
    expect(view.tunnelType).toBe(Tunnel.GENEVE);
    expect(view.vni).toBe(10);
    const v6 = run(patch(OVS, { 2: 0x86, 3: 0xdd }), 122);
    expect(v6.outcome).toBe(Outcome.DECODED);
    expect(v6.view.tunnelPayload).toBe(0x86dd);
  });

  it('the 24-bit VNI extremes', () => {
    expect(run(patch(OVS, { 4: 0xff, 5: 0xff, 6: 0xff }), 122).view.vni).toBe(0xffffff);
    expect(run(patch(OVS, { 6: 0x00 }), 122).view.vni).toBe(0);
  });
});
