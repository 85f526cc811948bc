import { describe, expect, it } from 'vitest';
import { decodeIcmp } from '../../../src/decode/icmp.js';
import { Outcome } from '../../../src/decode/outcome.js';
import { PacketView } from '../../../src/decode/packet-view.js';
import { hex, dataView } from './hex.js';
import { expectView } from './view-helpers.js';

function run(buf: Buffer, off = 0, end = buf.length) {
  const view = new PacketView();
  return { outcome: decodeIcmp(dataView(buf), off, end, view), view };
}

describe('decodeIcmp (RFC 792 / RFC 4443)', () => {
  it('ICMP destination unreachable, port unreachable', () => {
    const buf = hex(
      '03', // type 3 destination unreachable
      '03', // code 3 port unreachable
      'fc fc', // checksum
      '00 00 00 00', // unused
      '45 00 00 1c', // start of the quoted datagram
    );
    const { outcome, view } = run(buf);
    expect(outcome).toBe(Outcome.DECODED);
    expectView(view, { l4Offset: 0, icmpType: 3, icmpCode: 3, l4Checksum: 0xfcfc, icmpId: 0 }); // bytes 4-5: unused
  });

  it('ICMPv6 echo reply at an offset', () => {
    const buf = hex(
      '99 99', // not ours
      '81', // @2 type 129 echo reply
      '00', // code 0
      '12 34', // checksum
      '00 2a 00 01', // identifier, sequence
    );
    const { outcome, view } = run(buf, 2);
    expect(outcome).toBe(Outcome.DECODED);
    expectView(view, { l4Offset: 2, icmpType: 129, icmpCode: 0, l4Checksum: 0x1234, icmpId: 0x2a });
    // The identifier only when its 2 bytes are within `end`: 5 bytes of header give none.
    expect(run(buf, 2, 7).view.icmpId).toBe(0);
    expect(run(buf, 2, 8).view.icmpId).toBe(0x2a);
  });

  it('exactly 4 bytes decodes; 3 is inner_icmp_too_short', () => {
    const buf = hex('0b 01 00 00'); // time exceeded, fragment reassembly
    expectView(run(buf).view, { l4Offset: 0, icmpType: 11, icmpCode: 1 });
    const r = run(buf, 0, 3);
    expect(r.outcome).toBe(Outcome.INNER_ICMP_TOO_SHORT);
    expectView(r.view, {});
  });
});
