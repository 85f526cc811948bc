/**
 * decodeVxlanGpe on the header of tcpdump's nsh-over-vxlan-gpe.pcap (UDP
 * length 0x48 = 72), which tcpdump 4.99.3 prints as
 * "VXLAN-GPE, flags [IP], vni 16777215" then "NSH, ver 0, ...".
 */
import { describe, expect, it } from 'vitest';
import { Outcome } from '../../../src/decode/outcome.js';
import { PacketView, Tunnel } from '../../../src/decode/packet-view.js';
import { decodeVxlanGpe } from '../../../src/decode/vxlan-gpe.js';
import { dataView, hex, patch } from './hex.js';
import { expectView } from './view-helpers.js';

const NSH = hex(
  '0c', // flags: Ver 0, I, P
  '00 00', // reserved
  '04', // next protocol: NSH
  'ff ff ff', // VNI 16777215
  '00', // reserved
  '00 06 02 01', // first NSH bytes
);

function run(buf: Buffer, end = buf.length) {
  const view = new PacketView();
  return { outcome: decodeVxlanGpe(dataView(buf), 0, end, view, 72), view };
}

describe('decodeVxlanGpe (draft-ietf-nvo3-vxlan-gpe §3.2)', () => {
  it('NSH inside: the VNI is counted as vxlan-gpe, the payload is not misread as Ethernet', () => {
    const { outcome, view } = run(NSH);
    expect(outcome).toBe(Outcome.VXLAN_GPE_UNSUPPORTED_PROTOCOL);
    expectView(view, {
      tunnelType: Tunnel.VXLAN_GPE,
      vni: 16777215,
      vxlanFlags: 0x0c,
      innerL2Offset: 8,
      innerL2Length: 56, // 72 - 8 UDP - 8 GPE
    });
  });

  it('next protocol Ethernet, IPv4, IPv6 decode; the field is read with P clear too (as tcpdump does)', () => {
    expect(run(patch(NSH, { 3: 3 })).view.tunnelPayload).toBe(0x6558);
    expect(run(patch(NSH, { 3: 1 })).view.tunnelPayload).toBe(0x0800);
    expect(run(patch(NSH, { 3: 2 })).view.tunnelPayload).toBe(0x86dd);
    const noP = run(patch(NSH, { 0: 0x08, 3: 1 })); // arkime_synthetic.pcap: "VXLAN-GPE, flags [I]" then IPv4
    expect(noP.outcome).toBe(Outcome.DECODED);
    expect(noP.view.tunnelPayload).toBe(0x0800);
  });

  it('checks in order: too short, version, I flag', () => {
    for (let n = 0; n < 8; n++) expect(run(NSH, n).outcome).toBe(Outcome.VXLAN_GPE_TOO_SHORT);
    expect(run(patch(NSH, { 0: 0x1c })).outcome).toBe(Outcome.VXLAN_GPE_BAD_VERSION);
    const noI = run(patch(NSH, { 0: 0x04 }));
    expect(noI.outcome).toBe(Outcome.VXLAN_GPE_I_FLAG_UNSET);
    expect(noI.view.tunnelType).toBe(0);
  });
});
