/**
 * Golden sessions: corpus captures through the real decoder and the session
 * tracker, against the tshark oracle's `tcp.ipv4.session_list` (per VNI:
 * client = SYN sender, per-direction packets, IP bytes and payload bytes)
 * and `sessions` counts. The oracles are read, never rewritten.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { trackCapture, type PlainRecord } from '../unit/session/helpers.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const CORPUS = path.join(ROOT, 'pcaps', 'corpus');

interface OracleSession {
  client: string;
  server: string;
  client_is: string;
  pkts_c2s: number;
  pkts_s2c: number;
  ip_bytes_c2s: number;
  ip_bytes_s2c: number;
  payload_bytes_c2s: number;
  payload_bytes_s2c: number;
}
interface OracleTcp {
  sessions: number;
  session_list: OracleSession[];
  session_list_truncated_to_first?: number;
}

function oracleTcp(rel: string): Map<number, OracleTcp> {
  const o = JSON.parse(fs.readFileSync(path.join(CORPUS, rel + '.oracle.json'), 'utf8'));
  const out = new Map<number, OracleTcp>();
  for (const [vni, t] of Object.entries(o.vxlan_4789.outer as Record<string, { tcp: { ipv4?: OracleTcp } }>)) {
    if (t.tcp?.ipv4) out.set(Number(vni), t.tcp.ipv4);
  }
  return out;
}

async function check(rel: string) {
  const oracle = oracleTcp(rel);
  const { tracker, records } = await trackCapture(path.join(CORPUS, rel));
  for (const [vni, o] of oracle) {
    const tcp = records.filter((r) => r.vni === vni && r.proto === 6);
    expect(tcp.length, `VNI ${vni} sessions`).toBe(o.sessions);
    const byTuple = new Map<string, PlainRecord>(tcp.map((r) => [`${r.initiator}>${r.responder}`, r]));
    for (const s of o.session_list) {
      const r = byTuple.get(`${s.client}>${s.server}`);
      expect(r, `VNI ${vni} ${s.client} -> ${s.server}`).toBeDefined();
      expect(s.client_is).toBe('syn_sender');
      expect(r!.initiator_method).toBe('syn');
      expect([r!.fwd.packets, r!.rev.packets, r!.fwd.ip_bytes, r!.rev.ip_bytes, r!.fwd.payload_bytes, r!.rev.payload_bytes]).toEqual([
        s.pkts_c2s, s.pkts_s2c, s.ip_bytes_c2s, s.ip_bytes_s2c, s.payload_bytes_c2s, s.payload_bytes_s2c,
      ]);
    }
    const f = tracker.stats.figuresOf(2 ** 24 + vni)!;
    const closed = Object.values(f.tcp.closed).reduce((a, b) => a + b, 0);
    expect(f.tcp.opened).toBe(o.sessions);
    expect(closed).toBe(f.tcp.opened); // end of replay: opened == sum of closed
    expect(f.tcp.active).toBe(0);
  }
  return { tracker, records };
}

describe('sessions against the corpus oracles', () => {
  it('suricata-verify vxlan-decoder-03: 4 SSH sessions, 3 closed by FIN, one still open at the end', async () => {
    const { tracker } = await check('suricata-verify/vxlan-decoder-03/vxlan.pcap');
    const f = tracker.stats.figuresOf(2 ** 24 + 5569041)!;
    expect(f.tcp.closed).toEqual({ fin: 3, rst: 0, timeout: 0, evicted: 0, end_of_capture: 1, shutdown: 0 });
    expect(f.tcp.rtt_client_seconds.count).toBe(4);
    expect(f.tcp.rtt_server_seconds.count).toBe(4);
    expect([f.tcp.retransmitted_packets, f.tcp.unseen_bytes, f.tcp.mid_stream, f.tcp.one_sided]).toEqual([0, 0, 0, 0]);
  });

  it('zeek vxlan-overlapping-http-get: the same tuple in VNIs 4711 and 4242 is two sessions', async () => {
    const { records } = await check('zeek/vxlan-overlapping-http-get.pcap');
    expect(records.map((r) => r.vni).sort()).toEqual([4242, 4711]);
  });

  it('nDPI vxlan: two TLS sessions; the RSTs after both FINs stay in the first one', async () => {
    const { records } = await check('nDPI/vxlan.pcap');
    const tcp = records.filter((r) => r.proto === 6);
    expect(tcp.map((r) => r.close_reason)).toEqual(['fin', 'fin']);
    // 45226: client flags OR includes RST (0x04): FIN|SYN|RST|PSH|ACK = 0x1f.
    expect(tcp.find((r) => r.initiator.endsWith(':45226'))!.fwd.tcp_flags).toBe(0x1f);
  });

  it('zeek-history vxlan-sample: 10,000 single-SYN sessions, all one-sided', async () => {
    const { tracker } = await check('zeek-history/vxlan-sample.pcap');
    const f = tracker.stats.figures();
    expect(f).toHaveLength(1);
    expect(f[0].tcp.opened).toBe(10000);
    expect(f[0].tcp.one_sided).toBe(10000);
    expect(f[0].tcp.closed.end_of_capture).toBe(10000); // the capture lasts 0.26 s: no timeouts
  });
});
