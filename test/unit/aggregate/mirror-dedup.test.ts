/**
 * MirrorDedup on hand-set views (the fields a decoded inner packet has):
 * what makes two frames copies, what does not, the window, and the pairs.
 */
import { describe, expect, it } from 'vitest';
import { MirrorDedup } from '../../../src/aggregate/mirror-dedup.js';
import { IpProto, PacketView, Tunnel } from '../../../src/decode/packet-view.js';

function udpView(vni: number, fields: Partial<PacketView> = {}): PacketView {
  const v = new PacketView();
  Object.assign(v, {
    tunnelType: Tunnel.VXLAN, vni, innerIpVersion: 4, innerProto: IpProto.UDP, innerSrc4: 0x0a000001, innerDst4: 0x0a000002,
    innerIpId: 0x1234, innerIpLength: 60, l4Offset: 100, srcPort: 53000, dstPort: 53, l4Checksum: 0xbeef,
  }, fields);
  return v;
}

describe('MirrorDedup', () => {
  it('the same packet under another VNI 50 µs later is a copy; counted per unordered VNI pair', () => {
    const d = new MirrorDedup();
    expect(d.isDuplicate(udpView(200), 1000, 0)).toBe(false);
    expect(d.isDuplicate(udpView(100), 1000, 50_000)).toBe(true);
    expect(d.isDuplicate(udpView(100, { innerIpId: 0x1235 }), 1000, 60_000)).toBe(false);
    expect(d.isDuplicate(udpView(200, { innerIpId: 0x1235 }), 1000, 70_000)).toBe(true);
    expect(d.duplicates).toBe(2);
    expect(d.pairs()).toEqual([{ a: { tunnel: 'vxlan', vni: 100 }, b: { tunnel: 'vxlan', vni: 200 }, frames: 2 }]);
  });

  it('any differing field of the fingerprint makes it another packet', () => {
    for (const change of [{ innerSrc4: 0x0a000009 }, { innerIpLength: 61 }, { srcPort: 53001 }, { l4Checksum: 0xbeee }, { innerProto: IpProto.ICMP }]) {
      const d = new MirrorDedup();
      d.isDuplicate(udpView(100), 1000, 0);
      expect(d.isDuplicate(udpView(200, change), 1000, 1000), JSON.stringify(change)).toBe(false);
    }
  });

  it('outside the window (either side in time) it is another packet', () => {
    const d = new MirrorDedup(0.005);
    d.isDuplicate(udpView(100), 1000, 0);
    expect(d.isDuplicate(udpView(200), 1000, 5_000_001)).toBe(false); // 5.000001 ms later
    const e = new MirrorDedup(0.005);
    e.isDuplicate(udpView(100), 1000, 10_000_000);
    expect(e.isDuplicate(udpView(200), 1000, 6_000_000)).toBe(true); // 4 ms earlier: sources interleave
  });

  it('at 1 M packets/s with every twin 2 ms behind, all but a few in 10,000 twins are recognised, and nothing else', () => {
    // 200,000 distinct packets 1 µs apart (IP ID and source port make each one new), each followed
    // 2,000 packets later by its copy under another VNI. The table keeps 3 packets per bucket in
    // 2^15 buckets: a packet is lost before its twin when 3 of the 2,000 packets between them land
    // in its bucket, Poisson with mean 2,000 / 32,768 = 0.061, probability 3.8e-5: about 8 of 200,000.
    const d = new MirrorDedup();
    const N = 200_000;
    const LAG = 2_000;
    const v = udpView(100);
    let falseMatches = 0;
    for (let i = 0; i < N + LAG; i++) {
      if (i < N) {
        Object.assign(v, { vni: 100, innerIpId: i & 0xffff, srcPort: 1024 + (i >>> 16) });
        if (d.isDuplicate(v, 1000 + Math.floor(i / 1e6), (i % 1e6) * 1000)) falseMatches++;
      }
      const j = i - LAG;
      if (j >= 0) {
        Object.assign(v, { vni: 200, innerIpId: j & 0xffff, srcPort: 1024 + (j >>> 16) });
        d.isDuplicate(v, 1000 + Math.floor(i / 1e6), (i % 1e6) * 1000 + 500);
      }
    }
    expect(falseMatches).toBe(0);
    expect(d.duplicates).toBeLessThanOrEqual(N);
    expect(d.duplicates).toBeGreaterThanOrEqual(N - 100);
  });

  it('UDP with neither checksum nor IP ID is never called a copy (too little to tell packets apart)', () => {
    const d = new MirrorDedup();
    const weak = { l4Checksum: 0, innerIpId: 0 };
    expect(d.isDuplicate(udpView(100, weak), 1000, 0)).toBe(false);
    expect(d.isDuplicate(udpView(200, weak), 1000, 1000)).toBe(false);
    expect(d.duplicates).toBe(0);
  });
});
