import { describe, expect, it } from 'vitest';
import { decodeEthernet, decodeInnerEthernet } from '../../../src/decode/ethernet.js';
import { Outcome } from '../../../src/decode/outcome.js';
import { PacketView } from '../../../src/decode/packet-view.js';
import { hex, dataView } from './hex.js';
import { expectView } from './view-helpers.js';

const MACS = '01 02 03 04 05 06  0a 0b 0c 0d 0e 0f'; // destination, source

function outer(buf: Buffer, off = 0, end = buf.length) {
  const view = new PacketView();
  const outcome = decodeEthernet(dataView(buf), off, end, view);
  return { outcome, view };
}

function inner(buf: Buffer, off = 0, end = buf.length) {
  const view = new PacketView();
  const outcome = decodeInnerEthernet(dataView(buf), off, end, view);
  return { outcome, view };
}

describe('decodeEthernet (outer)', () => {
  it('untagged IPv4', () => {
    const frame = hex(
      MACS,
      '08 00', // @12 EtherType IPv4
      '45', // @14 first L3 byte
    );
    const { outcome, view } = outer(frame);
    expect(outcome).toBe(Outcome.DECODED);
    expectView(view, { outerEtherType: 0x0800, outerL3Offset: 14 });
  });

  it('counts positions from the frame offset in a larger buffer', () => {
    const buf = hex(
      'ee ee ee', // 3 bytes belonging to something else
      MACS, // @3
      '86 dd', // @15 EtherType IPv6
    );
    const { outcome, view } = outer(buf, 3);
    expect(outcome).toBe(Outcome.DECODED);
    expectView(view, { outerEtherType: 0x86dd, outerL3Offset: 17 });
  });

  it('one 802.1Q tag: VID is the low 12 bits of the TCI', () => {
    const frame = hex(
      MACS,
      '81 00', // @12 TPID 802.1Q
      'fa bc', // @14 TCI: PCP 7, DEI 1, VID 0xabc = 2748
      '08 00', // @16 EtherType IPv4
    );
    const { outcome, view } = outer(frame);
    expect(outcome).toBe(Outcome.DECODED);
    expectView(view, { outerVlanCount: 1, outerVlanId: 2748, outerEtherType: 0x0800, outerL3Offset: 18 });
  });

  it('QinQ 802.1ad + 802.1Q: outerVlanId is the outermost tag', () => {
    const frame = hex(
      MACS,
      '88 a8', // @12 TPID 802.1ad (S-tag)
      '00 0a', // @14 VID 10
      '81 00', // @16 TPID 802.1Q (C-tag)
      '00 14', // @18 VID 20
      '86 dd', // @20 EtherType IPv6
    );
    const { outcome, view } = outer(frame);
    expect(outcome).toBe(Outcome.DECODED);
    expectView(view, { outerVlanCount: 2, outerVlanId: 10, outerEtherType: 0x86dd, outerL3Offset: 22 });
  });

  it('accepts the legacy 0x9100 TPID', () => {
    const frame = hex(
      MACS,
      '91 00', // TPID 0x9100
      '0f ff', // VID 4095
      '81 00', // TPID 802.1Q
      '00 01', // VID 1
      '08 00', // IPv4
    );
    const { outcome, view } = outer(frame);
    expect(outcome).toBe(Outcome.DECODED);
    expectView(view, { outerVlanCount: 2, outerVlanId: 4095, outerEtherType: 0x0800, outerL3Offset: 22 });
  });

  it('a third tag is eth_too_many_vlans', () => {
    const frame = hex(
      MACS,
      '88 a8 00 01', // tag 1, VID 1
      '81 00 00 02', // tag 2, VID 2
      '81 00 00 03', // tag 3
      '08 00',
    );
    const { outcome, view } = outer(frame);
    expect(outcome).toBe(Outcome.ETH_TOO_MANY_VLANS);
    expectView(view, { outerVlanCount: 2, outerVlanId: 1 });
  });

  it('a third TPID is rejected even when its tag bytes are missing', () => {
    const frame = hex(MACS, '88 a8 00 01', '81 00 00 02', '81 00'); // ends at the third TPID
    expect(outer(frame).outcome).toBe(Outcome.ETH_TOO_MANY_VLANS);
  });

  it('fewer than 14 bytes is eth_too_short', () => {
    const frame = hex(MACS, '08'); // 13 bytes
    const { outcome, view } = outer(frame);
    expect(outcome).toBe(Outcome.ETH_TOO_SHORT);
    expectView(view, {});
  });

  it('a cut tag is eth_vlan_too_short', () => {
    const first = hex(MACS, '81 00', '00 05', '08'); // 3 of the first tag's 4 bytes after the TPID field
    expect(outer(first).outcome).toBe(Outcome.ETH_VLAN_TOO_SHORT);
    expectView(outer(first).view, {});

    const second = hex(MACS, '88 a8', '00 05', '81 00', '00'); // second tag: 1 of 4 bytes
    const r = outer(second);
    expect(r.outcome).toBe(Outcome.ETH_VLAN_TOO_SHORT);
    expectView(r.view, { outerVlanCount: 1, outerVlanId: 5 });
  });

  it('never looks past `end`, even when the buffer goes on', () => {
    const frame = hex(MACS, '81 00', '00 05', '08 00');
    expect(outer(frame, 0, 14).outcome).toBe(Outcome.ETH_VLAN_TOO_SHORT);
    expect(outer(frame, 0, 13).outcome).toBe(Outcome.ETH_TOO_SHORT);
  });

  it('reports a non-IP EtherType as is (the caller decides)', () => {
    const { outcome, view } = outer(hex(MACS, '08 06')); // ARP
    expect(outcome).toBe(Outcome.DECODED);
    expectView(view, { outerEtherType: 0x0806, outerL3Offset: 14 });
  });
});

describe('decodeInnerEthernet', () => {
  it('untagged', () => {
    const frame = hex(MACS, '08 00');
    const { outcome, view } = inner(frame);
    expect(outcome).toBe(Outcome.DECODED);
    expectView(view, { innerEtherType: 0x0800, innerL3Offset: 14 });
  });

  it('one and two tags, at an offset', () => {
    const one = hex('00 00', MACS, '81 00', '00 2a', '86 dd'); // frame at 2; tag VID 42; IPv6
    let r = inner(one, 2);
    expect(r.outcome).toBe(Outcome.DECODED);
    expectView(r.view, { innerVlanCount: 1, innerEtherType: 0x86dd, innerL3Offset: 20 });

    const two = hex(MACS, '88 a8 00 64', '81 00 00 c8', '08 06'); // QinQ then ARP
    r = inner(two);
    expect(r.outcome).toBe(Outcome.DECODED);
    expectView(r.view, { innerVlanCount: 2, innerEtherType: 0x0806, innerL3Offset: 22 });
  });

  it('inner reasons: too short, cut tag, too many tags; outer fields untouched', () => {
    expect(inner(hex(MACS, '08')).outcome).toBe(Outcome.INNER_ETH_TOO_SHORT);
    expectView(inner(hex(MACS, '08')).view, {});

    const cut = inner(hex(MACS, '81 00', '00 2a', '08'));
    expect(cut.outcome).toBe(Outcome.INNER_VLAN_TOO_SHORT);
    expectView(cut.view, {});

    const three = inner(hex(MACS, '81 00 00 01', '81 00 00 02', '81 00 00 03', '08 00'));
    expect(three.outcome).toBe(Outcome.INNER_ETH_TOO_MANY_VLANS);
    expectView(three.view, { innerVlanCount: 2 });
  });
});
