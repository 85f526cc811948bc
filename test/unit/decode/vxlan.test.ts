import { describe, expect, it } from 'vitest';
import { Outcome } from '../../../src/decode/outcome.js';
import { PacketView, Tunnel } from '../../../src/decode/packet-view.js';
import { decodeVxlan } from '../../../src/decode/vxlan.js';
import { hex, patch, dataView } from './hex.js';
import { expectView } from './view-helpers.js';

/** The VXLAN header AWS sends, at offset 0, followed by 2 inner bytes. */
const AWS = hex(
  '08', // flags: I
  '00 00 00', // reserved
  'fa 38 1b', // VNI 16398363
  '00', // reserved
  '0e 11', // first inner bytes
);

/** Run decodeVxlan as the decoder does: outerUdpLength already set by UDP. */
function run(buf: Buffer, strict = false, udpLength = 90, off = 0, end = buf.length) {
  const view = new PacketView();
  view.outerUdpLength = udpLength;
  return { outcome: decodeVxlan(dataView(buf), off, end, view, strict), view };
}

describe('decodeVxlan (RFC 7348 §5)', () => {
  it('accepts the AWS header: VNI, tunnel type, inner position and length', () => {
    const { outcome, view } = run(AWS);
    expect(outcome).toBe(Outcome.DECODED);
    expectView(view, {
      outerUdpLength: 90,
      tunnelType: Tunnel.VXLAN,
      tunnelPayload: 0x6558,
      tunnelOffset: 0,
      vxlanFlags: 0x08,
      vni: 16398363,
      innerL2Offset: 8,
      innerL2Length: 74, // 90 - 8 UDP - 8 VXLAN
    });
  });

  it('positions are absolute in the buffer', () => {
    const buf = Buffer.concat([hex('00 00 00 00 00'), AWS]);
    const { view } = run(buf, false, 16, 5);
    expect(view.tunnelOffset).toBe(5);
    expect(view.innerL2Offset).toBe(13);
    expect(view.innerL2Length).toBe(0);
  });

  it('24-bit VNI extremes', () => {
    expect(run(patch(AWS, { 4: 0xff, 5: 0xff, 6: 0xff })).view.vni).toBe(0xffffff);
    expect(run(patch(AWS, { 4: 0, 5: 0, 6: 0 })).view.vni).toBe(0);
    expect(run(patch(AWS, { 4: 0x80, 5: 0, 6: 1 })).view.vni).toBe(0x800001);
  });

  it('fewer than 8 bytes is vxlan_too_short, nothing recorded', () => {
    const r = run(AWS, false, 90, 0, 7);
    expect(r.outcome).toBe(Outcome.VXLAN_TOO_SHORT);
    expectView(r.view, { outerUdpLength: 90 });
  });

  it('I flag clear is vxlan_i_flag_unset: flags recorded, not attributed to a VNI', () => {
    const r = run(patch(AWS, { 0: 0x00 }));
    expect(r.outcome).toBe(Outcome.VXLAN_I_FLAG_UNSET);
    expectView(r.view, { outerUdpLength: 90, vxlanFlags: 0 });
    const gpeLike = run(patch(AWS, { 0: 0x04 })); // P bit alone, no I
    expect(gpeLike.outcome).toBe(Outcome.VXLAN_I_FLAG_UNSET);
    expectView(gpeLike.view, { outerUdpLength: 90, vxlanFlags: 0x04, reservedNonZero: true });
  });

  // Every reserved position: the other 7 flag bits, bytes 1-3, byte 7.
  const reservedCases: [string, Record<number, number>, number][] = [
    ['flag bit 0x80 (Group Policy G)', { 0: 0x88 }, 0x88],
    ['flag bit 0x40', { 0: 0x48 }, 0x48],
    ['flag bit 0x20', { 0: 0x28 }, 0x28],
    ['flag bit 0x10', { 0: 0x18 }, 0x18],
    ['flag bit 0x04 (GPE P)', { 0: 0x0c }, 0x0c],
    ['flag bit 0x02', { 0: 0x0a }, 0x0a],
    ['flag bit 0x01', { 0: 0x09 }, 0x09],
    ['byte 1', { 1: 0x40 }, 0x08],
    ['byte 2', { 2: 0x01 }, 0x08],
    ['byte 3', { 3: 0x80 }, 0x08],
    ['byte 7', { 7: 0x01 }, 0x08],
  ];

  for (const [name, bytes, flags] of reservedCases) {
    it(`reserved ${name}: permissive decodes and flags it, strict drops it`, () => {
      const buf = patch(AWS, bytes);
      const permissive = run(buf, false);
      expect(permissive.outcome).toBe(Outcome.DECODED);
      expectView(permissive.view, {
        outerUdpLength: 90,
        tunnelType: Tunnel.VXLAN,
        tunnelPayload: 0x6558,
        tunnelOffset: 0,
        vxlanFlags: flags,
        reservedNonZero: true,
        vni: 16398363,
        innerL2Offset: 8,
        innerL2Length: 74,
      });
      const strict = run(buf, true);
      expect(strict.outcome).toBe(Outcome.VXLAN_RESERVED_NONZERO);
      expectView(strict.view, { outerUdpLength: 90, vxlanFlags: flags, reservedNonZero: true });
    });
  }

  it('strict accepts a clean header', () => {
    expect(run(AWS, true).outcome).toBe(Outcome.DECODED);
    expect(run(AWS, true).view.reservedNonZero).toBe(false);
  });
});
