import type { ReplayReport } from '../replay.js';

/** Right-aligns cells under their headers; the first column is left-aligned. */
export function alignTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) =>
    cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

const n = (x: number) => String(x);

/** The human form of a replay report: per-VNI table, then outcomes. */
export function formatReport(report: ReplayReport): string {
  const out: string[] = [];
  const files = report.files.map((f) => `${f.path} (${f.format}, ${f.frames} frames)`).join(', ');
  out.push(`read ${report.frames} frames from ${files || 'no file'}`);
  out.push('');
  if (report.vnis.length === 0) {
    out.push('no tunnel frames (are the tunnel ports right? see --vxlan-port, --geneve-port, --vxlan-gpe-port)');
  } else {
    const header = ['TUNNEL/VNI', 'FRAMES', 'WIRE_B', 'INNER_L2_B', 'IPV4', 'IPV4_B', 'IPV6', 'IPV6_B',
      'TCP', 'UDP', 'ICMP', 'OTHER', 'TRUNC', 'FRAG', 'SYN', 'SYNACK', 'FIN', 'RST'];
    const rows = report.vnis.map((v) => [
      `${v.tunnel}/${v.vni}`, n(v.frames), n(v.wire_bytes), n(v.inner_l2_bytes),
      n(v.inner_ipv4_packets), n(v.inner_ipv4_bytes), n(v.inner_ipv6_packets), n(v.inner_ipv6_bytes),
      n(v.l4.tcp), n(v.l4.udp), n(v.l4.icmp), n(v.l4.other), n(v.truncated_frames), n(v.inner_fragments),
      n(v.tcp.syn), n(v.tcp.synack), n(v.tcp.fin), n(v.tcp.rst),
    ]);
    out.push(alignTable(header, rows));
  }
  const dup = report.duplicates;
  if (dup && dup.frames > 0) {
    out.push('');
    out.push(`double mirroring: ${dup.frames} frames were copies of a packet seen within ${dup.window_seconds * 1000} ms ` +
      (dup.dedup ? '(counted once: --dedup)' : '(counted twice above; --dedup counts them once)'));
    out.push(alignTable(['VNI_A', 'VNI_B', 'DUPLICATES'], dup.pairs.map((p) => [`${p.a.tunnel}/${p.a.vni}`, `${p.b.tunnel}/${p.b.vni}`, n(p.frames)])));
  }
  const withSessions = report.vnis.filter((v) => v.sessions !== undefined);
  if (withSessions.length > 0) {
    out.push('');
    const ms = (q: { p50: number | null }, k: 'p50' | 'p99') => {
      const x = (q as Record<string, number | null>)[k];
      return x === null ? '-' : (x * 1000).toFixed(3);
    };
    const header = ['TUNNEL/VNI', 'TCP_OPENED', 'ACTIVE', 'FIN', 'RST', 'TIMEOUT', 'EVICTED', 'END', 'MIDSTREAM', 'ONESIDED',
      'RTT_CLI_P50_MS', 'RTT_CLI_P99_MS', 'RTT_SRV_P50_MS', 'RTT_SRV_P99_MS', 'RETRANS_%', 'OOO', 'UNSEEN_B', 'UDP_FLOWS', 'ICMP_FLOWS'];
    const rows = withSessions.map((v) => {
      const t = v.sessions!.tcp;
      const retransPct = v.l4.tcp > 0 ? ((100 * t.retransmitted_packets) / v.l4.tcp).toFixed(2) : '-';
      return [`${v.tunnel}/${v.vni}`, n(t.opened), n(t.active), n(t.closed.fin), n(t.closed.rst), n(t.closed.timeout),
        n(t.closed.evicted), n(t.closed.end_of_capture), n(t.mid_stream), n(t.one_sided),
        ms(t.rtt_client_seconds, 'p50'), ms(t.rtt_client_seconds, 'p99'), ms(t.rtt_server_seconds, 'p50'), ms(t.rtt_server_seconds, 'p99'),
        retransPct, n(t.out_of_order), n(t.unseen_bytes), n(v.sessions!.udp.flows), n(v.sessions!.icmp.flows)];
    });
    out.push(alignTable(header, rows));
  }
  const withTalkers = report.vnis.filter((v) => v.top_talkers !== undefined && v.top_talkers.length > 0);
  for (const v of withTalkers) {
    out.push('');
    out.push(`top talkers ${v.tunnel}/${v.vni}:`);
    out.push(alignTable(['SOURCE', 'DESTINATION', 'BYTES', 'PACKETS'],
      v.top_talkers!.map((t) => [t.source, t.destination, n(t.bytes), n(t.packets)])));
  }
  out.push('');
  const outcomeRows = Object.entries(report.outcomes)
    .filter(([name, count]) => count > 0 || name === 'decoded')
    .map(([name, count]) => [name, n(count)]);
  out.push(alignTable(['OUTCOME', 'FRAMES'], outcomeRows));
  return out.join('\n');
}
