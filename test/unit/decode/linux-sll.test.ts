import { describe, expect, it } from 'vitest';
import { decodeLinuxSll, decodeLinuxSll2 } from '../../../src/decode/linux-sll.js';
import { Outcome } from '../../../src/decode/outcome.js';
import { PacketView } from '../../../src/decode/packet-view.js';
import { hex, dataView } from './hex.js';
import { expectView } from './view-helpers.js';

const V1_PREFIX = hex(
  '00 04', // packet type 4: sent by us
  '00 01', // ARPHRD_ETHER
  '00 06', // address length 6
  '02 9f 8e 44 55 66 00 00', // address, padded to 8
); // the protocol field follows at offset 14

describe('Linux cooked v1 (LINKTYPE_LINUX_SLL, 16 bytes)', () => {
  it('protocol at offset 14, payload at 16', () => {
    const frame = Buffer.concat([V1_PREFIX, hex('08 00', '45')]); // protocol IPv4, first IP byte
    const view = new PacketView();
    expect(decodeLinuxSll(dataView(frame), 0, frame.length, view)).toBe(Outcome.DECODED);
    expectView(view, { outerEtherType: 0x0800, outerL3Offset: 16 });
  });

  it('at an offset in a larger buffer', () => {
    const buf = Buffer.concat([hex('aa aa aa aa'), V1_PREFIX, hex('86 dd')]);
    const view = new PacketView();
    expect(decodeLinuxSll(dataView(buf), 4, buf.length, view)).toBe(Outcome.DECODED);
    expectView(view, { outerEtherType: 0x86dd, outerL3Offset: 20 });
  });

  it('a VLAN tag re-inserted by libpcap: protocol 0x8100, then TCI and the real protocol', () => {
    const frame = Buffer.concat([
      V1_PREFIX,
      hex(
        '81 00', // @14 protocol field now holds the TPID
        '00 7b', // @16 TCI: VID 123
        '08 00', // @18 real protocol IPv4
      ),
    ]);
    const view = new PacketView();
    expect(decodeLinuxSll(dataView(frame), 0, frame.length, view)).toBe(Outcome.DECODED);
    expectView(view, { outerVlanCount: 1, outerVlanId: 123, outerEtherType: 0x0800, outerL3Offset: 20 });
  });

  it('fewer than 16 bytes is sll_too_short', () => {
    const frame = Buffer.concat([V1_PREFIX, hex('08')]); // 15 bytes
    const view = new PacketView();
    expect(decodeLinuxSll(dataView(frame), 0, frame.length, view)).toBe(Outcome.SLL_TOO_SHORT);
    expectView(view, {});
  });

  it('a cut re-inserted tag is eth_vlan_too_short', () => {
    const frame = Buffer.concat([V1_PREFIX, hex('81 00', '00 7b')]); // TCI present, real protocol missing
    const view = new PacketView();
    expect(decodeLinuxSll(dataView(frame), 0, frame.length, view)).toBe(Outcome.ETH_VLAN_TOO_SHORT);
  });

  it('a non-EtherType protocol (802.2 LLC = 0x0004) is passed up unchanged', () => {
    const frame = Buffer.concat([V1_PREFIX, hex('00 04')]);
    const view = new PacketView();
    expect(decodeLinuxSll(dataView(frame), 0, frame.length, view)).toBe(Outcome.DECODED);
    expectView(view, { outerEtherType: 0x0004, outerL3Offset: 16 });
  });
});

describe('Linux cooked v2 (LINKTYPE_LINUX_SLL2, 20 bytes)', () => {
  const header = hex(
    '86 dd', // @0 protocol IPv6
    '00 00', // reserved
    '00 00 00 05', // interface index 5
    '00 01', // ARPHRD_ETHER
    '00', // packet type: to us
    '06', // address length
    '02 9f 8e 44 55 66 00 00', // address
  ); // payload at 20

  it('protocol at offset 0, payload at 20', () => {
    const frame = Buffer.concat([header, hex('60')]);
    const view = new PacketView();
    expect(decodeLinuxSll2(dataView(frame), 0, frame.length, view)).toBe(Outcome.DECODED);
    expectView(view, { outerEtherType: 0x86dd, outerL3Offset: 20 });
  });

  it('fewer than 20 bytes is sll2_too_short', () => {
    const view = new PacketView();
    expect(decodeLinuxSll2(dataView(header), 0, 19, view)).toBe(Outcome.SLL2_TOO_SHORT);
    expectView(view, {});
  });

  it('exactly 20 bytes decodes (the caller then finds no L3 bytes)', () => {
    const view = new PacketView();
    expect(decodeLinuxSll2(dataView(header), 0, 20, view)).toBe(Outcome.DECODED);
    expectView(view, { outerEtherType: 0x86dd, outerL3Offset: 20 });
  });
});
