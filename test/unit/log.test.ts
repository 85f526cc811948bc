import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { AnomalySampler, createRootLogger, DropLog } from '../../src/log.js';
import { DatagramPeer } from '../../src/decode/tunnel-allow.js';
import { Outcome, OUTCOME_NAMES } from '../../src/decode/outcome.js';
import { PacketView } from '../../src/decode/packet-view.js';

describe('AnomalySampler', () => {
  it('says yes to the first N of each kind, then to every M-th', () => {
    const s = new AnomalySampler(3, 2, 5);
    const yes = [];
    for (let i = 1; i <= 20; i++) if (s.shouldLog(1)) yes.push(i);
    // first 2, then occurrences 2+5, 2+10, 2+15
    expect(yes).toEqual([1, 2, 7, 12, 17]);
    expect(s.shouldLog(0)).toBe(true); // kinds are counted apart
    expect(s.seen[1]).toBe(20);
  });
});

describe('DropLog', () => {
  it('writes one JSON line per sampled drop with the reason, source, VNI and outer addresses', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
    const log = createRootLogger('info', sink);
    const drops = new DropLog(log, OUTCOME_NAMES, 1, 1000);
    const view = new PacketView();
    view.reset(1, 0, 60, 60);
    view.outerIpVersion = 4;
    view.outerSrc4 = 0x0a000001; // 10.0.0.1
    view.outerDst4 = 0xac1f11bc; // 172.31.17.188
    view.outerDstPort = 4789;
    for (let i = 0; i < 1500; i++) drops.note('pcap:eth0', Outcome.VXLAN_I_FLAG_UNSET, view);
    await new Promise<void>((r) => log.flush(() => r()));
    // first 1, then occurrence 1001: two lines for 1500 drops
    expect(lines).toHaveLength(2);
    const first = JSON.parse(lines[0]);
    expect(first).toMatchObject({
      level: 40, source: 'pcap:eth0', reason: 'vxlan_i_flag_unset', occurrence: 1,
      outerSrc: '10.0.0.1', outerDst: '172.31.17.188', outerDstPort: 4789,
    });
    expect(first.vni).toBeUndefined();
    expect(JSON.parse(lines[1]).occurrence).toBe(1001);
  });

  it('names the sender of a dropped UDP-socket datagram (no outer IP header to show)', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
    const log = createRootLogger('info', sink);
    const drops = new DropLog(log, OUTCOME_NAMES, 10, 1000);
    const view = new PacketView();
    view.reset(0x10001, 0, 60, 60); // LinkType.VXLAN_PAYLOAD
    const peer = new DatagramPeer();
    peer.set('198.51.100.7');
    drops.note('udp:0.0.0.0:4789', Outcome.TUNNEL_SOURCE_NOT_ALLOWED, view, peer);
    peer.set('2001:db8:0:0:1:0:0:1');
    drops.note('udp:[::]:4789', Outcome.TUNNEL_SOURCE_NOT_ALLOWED, view, peer);
    await new Promise<void>((r) => log.flush(() => r()));
    expect(JSON.parse(lines[0])).toMatchObject({ reason: 'tunnel_source_not_allowed', sender: '198.51.100.7' });
    expect(JSON.parse(lines[1])).toMatchObject({ reason: 'tunnel_source_not_allowed', sender: '2001:db8::1:0:0:1' });
    expect(JSON.parse(lines[0]).outerSrc).toBeUndefined();
  });
});
