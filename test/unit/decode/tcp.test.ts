import { describe, expect, it } from 'vitest';
import { Outcome } from '../../../src/decode/outcome.js';
import { PacketView, TcpFlag } from '../../../src/decode/packet-view.js';
import { decodeTcp } from '../../../src/decode/tcp.js';
import { hex, patch, dataView } from './hex.js';
import { expectView } from './view-helpers.js';

/** A Linux SYN: 20 fixed bytes + 20 bytes of options. */
const SYN = hex(
  'a4 5e', // source port 42078
  '00 16', // destination port 22
  'fe dc ba 98', // sequence 0xfedcba98 (above 2^31)
  '00 00 00 00', // acknowledgment 0
  'a0', // data offset 10 (40 bytes)
  '02', // SYN
  'fa f0', // window 64240
  '12 34', // checksum
  '00 00', // urgent
  '02 04 23 28', // @20 MSS 9000
  '04 02', // @24 SACK permitted
  '08 0a 80 00 00 01 7f ff ff fe', // @26 timestamps TSval 0x80000001 TSecr 0x7ffffffe
  '01', // @36 NOP
  '03 03 0e', // @37 window scale 14
);

/** `end`: where the captured bytes stop; the segment itself (by its IP length) is the whole of `buf`. */
function run(buf: Buffer, end = buf.length, off = 0, segmentEnd = buf.length) {
  const view = new PacketView();
  return { outcome: decodeTcp(dataView(buf), off, end, view, segmentEnd), view };
}

const SYN_FIXED = {
  l4Offset: 0,
  srcPort: 42078,
  dstPort: 22,
  tcpSeq: 0xfedcba98,
  tcpAck: 0,
  tcpFlags: TcpFlag.SYN,
  tcpWindow: 64240,
  tcpHeaderLength: 40,
};

describe('decodeTcp', () => {
  it('SYN with MSS, SACK-permitted, timestamps, window scale', () => {
    const { outcome, view } = run(SYN);
    expect(outcome).toBe(Outcome.DECODED);
    expectView(view, {
      ...SYN_FIXED,
      tcpMss: 9000,
      tcpWindowScale: 14,
      tcpSackPermitted: true,
      tcpHasTimestamp: true,
      tcpTsVal: 0x80000001,
      tcpTsEcr: 0x7ffffffe,
    });
  });

  it('no options; all eight flag bits; a uint32 ack', () => {
    const buf = hex(
      '00 50 c3 51', // 80 -> 50001
      '00 00 00 01', // sequence 1
      'ff ff ff ff', // ack 0xffffffff
      '50', // data offset 5
      'ff', // CWR ECE URG ACK PSH RST SYN FIN
      '00 00', // window 0
      '00 00 00 00',
    );
    const { outcome, view } = run(buf);
    expect(outcome).toBe(Outcome.DECODED);
    expectView(view, {
      l4Offset: 0,
      srcPort: 80,
      dstPort: 50001,
      tcpSeq: 1,
      tcpAck: 0xffffffff,
      tcpFlags: 0xff,
      tcpWindow: 0,
      tcpHeaderLength: 20,
    });
  });

  it('the reserved nibble next to the data offset is not a flag', () => {
    const { view } = run(patch(SYN, { 12: 0xa1 })); // data offset 10, AE/NS bit set
    expect(view.tcpFlags).toBe(TcpFlag.SYN);
    expect(view.tcpHeaderLength).toBe(40);
  });

  it('fewer than 20 bytes is inner_tcp_too_short; data offset < 5 is inner_tcp_bad_data_offset', () => {
    expect(run(SYN, 19).outcome).toBe(Outcome.INNER_TCP_TOO_SHORT);
    expectView(run(SYN, 19).view, {});
    expect(run(patch(SYN, { 12: 0x40 })).outcome).toBe(Outcome.INNER_TCP_BAD_DATA_OFFSET);
    expect(run(patch(SYN, { 12: 0x00 })).outcome).toBe(Outcome.INNER_TCP_BAD_DATA_OFFSET);
    expectView(run(patch(SYN, { 12: 0x40 })).view, {});
  });

  it('a header longer than the segment its IP length gives is inner_tcp_bad_data_offset, not a capture cut', () => {
    // The SYN says 40 bytes of header; a segment of 20 or 39 bytes (by the IP length) cannot hold it.
    // tshark: "Malformed Packet", "Segment does not contain a full TCP header".
    expect(run(SYN, 20, 0, 20).outcome).toBe(Outcome.INNER_TCP_BAD_DATA_OFFSET);
    expect(run(SYN, 39, 0, 39).outcome).toBe(Outcome.INNER_TCP_BAD_DATA_OFFSET);
    expectView(run(SYN, 39, 0, 39).view, {});
    // The same 39 bytes captured of a 40-byte segment: cut by the capture, decoded and flagged.
    const cut = run(SYN, 39, 0, 40);
    expect([cut.outcome, cut.view.truncated]).toEqual([Outcome.DECODED, true]);
  });

  it('options cut by the capture: truncated, whole options before the cut still parsed', () => {
    // 20 fixed + MSS (4) + SACK-permitted (2) + 5 of the 10 timestamp bytes
    const { outcome, view } = run(SYN, 31);
    expect(outcome).toBe(Outcome.DECODED);
    expectView(view, { ...SYN_FIXED, tcpMss: 9000, tcpSackPermitted: true, truncated: true });
    // cut between an option's kind and length bytes
    const r = run(SYN, 21);
    expectView(r.view, { ...SYN_FIXED, truncated: true });
    // exactly the fixed header: decoded, truncated, no options
    expectView(run(SYN, 20).view, { ...SYN_FIXED, truncated: true });
  });

  it('EOL ends the options', () => {
    const buf = patch(SYN, { 24: 0x00 }); // EOL where SACK-permitted was
    expectView(run(buf).view, { ...SYN_FIXED, tcpMss: 9000 });
  });

  it('a malformed option length (0 or 1, or past the header) stops parsing', () => {
    expectView(run(patch(SYN, { 25: 0x00 })).view, { ...SYN_FIXED, tcpMss: 9000 }); // SACK-perm length 0
    expectView(run(patch(SYN, { 25: 0x01 })).view, { ...SYN_FIXED, tcpMss: 9000 }); // length 1
    expectView(run(patch(SYN, { 38: 0x04 })).view, {
      // window scale claims 4 bytes, 3 remain in the header
      ...SYN_FIXED,
      tcpMss: 9000,
      tcpSackPermitted: true,
      tcpHasTimestamp: true,
      tcpTsVal: 0x80000001,
      tcpTsEcr: 0x7ffffffe,
    });
  });

  it('a known kind with the wrong length is skipped by its length; unknown kinds are skipped', () => {
    const buf = hex(
      '00 01', // source port 1
      '00 02', // destination port 2
      '00 00 00 00', // sequence 0
      '00 00 00 00', // acknowledgment 0
      '80', // data offset 8 (32 bytes)
      '10', // ACK
      '10 00', // window 4096
      '00 00 00 00', // checksum, urgent
      '02 06 05 b4 00 00', // @20 MSS with length 6: ignored, skipped
      '1e 04 aa bb', // @26 kind 30 (MPTCP), length 4: skipped
      '03 02', // @30 window scale with length 2: ignored
    );
    const { outcome, view } = run(buf);
    expect(outcome).toBe(Outcome.DECODED);
    expectView(view, {
      l4Offset: 0,
      srcPort: 1,
      dstPort: 2,
      tcpFlags: TcpFlag.ACK,
      tcpWindow: 0x1000,
      tcpHeaderLength: 32,
    });
  });

  it('options do not run into payload bytes', () => {
    const buf = hex(
      '00 01', // source port 1
      '00 02', // destination port 2
      '00 00 00 00', // sequence 0
      '00 00 00 00', // acknowledgment 0
      '60', // data offset 6 (24 bytes)
      '18', // PSH ACK
      '10 00', // window 4096
      '00 00 00 00', // checksum, urgent
      '01 01 01 01', // @20 four NOPs
      '02 04 05 b4', // @24 payload that looks like an MSS option
    );
    expect(run(buf).view.tcpMss).toBe(0);
    expect(run(buf).view.truncated).toBe(false);
  });

  it('at an offset', () => {
    const buf = Buffer.concat([hex('00 00 00'), SYN]);
    expect(run(buf, buf.length, 3).view.l4Offset).toBe(3);
    expect(run(buf, buf.length, 3).view.tcpMss).toBe(9000);
  });
});
