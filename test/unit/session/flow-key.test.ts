import { describe, expect, it } from 'vitest';
import { IpProto, PacketView, Tunnel } from '../../../src/decode/packet-view.js';
import { FlowKey, fillFlowKey } from '../../../src/session/flow-key.js';
import { A, B, fill } from './views.js';

const key = (p: Parameters<typeof fill>[1], icmpId = 0) => {
  const k = new FlowKey();
  expect(fillFlowKey(k, fill(new PacketView(), { ...p, icmpId }))).toBe(true);
  return k;
};

describe('flow key', () => {
  it('is the same for both directions; reversed tells them apart', () => {
    const ab = key({ src: A, dst: B, sp: 40000, dp: 80 });
    const ba = key({ src: B, dst: A, sp: 80, dp: 40000 });
    expect(ab.hash).toBe(ba.hash);
    expect([ab.loA, ab.hiA, ab.loPort, ab.hiPort]).toEqual([A, B, 40000, 80]);
    expect([ba.loA, ba.hiA, ba.loPort, ba.hiPort]).toEqual([A, B, 40000, 80]);
    expect(ab.reversed).toBe(false);
    expect(ba.reversed).toBe(true);
  });
  it('orders equal addresses by port', () => {
    const x = key({ src: A, dst: A, sp: 9000, dp: 80 });
    expect([x.loPort, x.hiPort, x.reversed]).toEqual([80, 9000, true]);
  });
  it('separates VNIs, tunnel types and protocols', () => {
    const base = key({ vni: 4711 });
    expect(key({ vni: 4242 }).hash).not.toBe(base.hash);
    expect(key({ vni: 4711, tunnel: Tunnel.GENEVE }).vniKey).toBe(2 * 2 ** 24 + 4711);
    expect(base.vniKey).toBe(2 ** 24 + 4711);
    expect(key({ vni: 4711, proto: IpProto.UDP }).hash).not.toBe(base.hash);
  });
  it('keys IPv6 symmetrically', () => {
    const s: [number, number, number, number] = [0x20010db8, 0, 0, 1];
    const d: [number, number, number, number] = [0x20010db8, 0, 0, 2];
    const ab = key({ v6src: s, v6dst: d, sp: 50000, dp: 443 });
    const ba = key({ v6src: d, v6dst: s, sp: 443, dp: 50000 });
    expect(ab.hash).toBe(ba.hash);
    expect(ab.ipVersion).toBe(6);
    expect([ab.loD, ab.hiD, ba.reversed]).toEqual([1, 2, true]);
  });
  it('uses the ICMP echo identifier for both ports, 0 for other ICMP', () => {
    const rq = key({ proto: IpProto.ICMP, icmpType: 8, src: A, dst: B }, 0x1234);
    const rp = key({ proto: IpProto.ICMP, icmpType: 0, src: B, dst: A }, 0x1234);
    expect(rq.hash).toBe(rp.hash);
    expect([rq.loPort, rq.hiPort]).toEqual([0x1234, 0x1234]);
    expect(key({ proto: IpProto.ICMP, icmpType: 8 }, 0x1235).hash).not.toBe(rq.hash);
    expect(key({ proto: IpProto.ICMP, icmpType: 3 }, 0x1234).loPort).toBe(0);
  });
  it('refuses what it cannot key: non-first fragments, other protocols, no inner IP', () => {
    const k = new FlowKey();
    const v = fill(new PacketView(), {});
    v.innerFragmentOffset = 1480;
    expect(fillFlowKey(k, v)).toBe(false);
    expect(fillFlowKey(k, fill(new PacketView(), { proto: IpProto.GRE }))).toBe(false);
    const none = fill(new PacketView(), {});
    none.innerIpVersion = 0;
    expect(fillFlowKey(k, none)).toBe(false);
  });
});
