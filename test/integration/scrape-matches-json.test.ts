/**
 * "For corpus and crafted captures, the scraped exposition agrees with the
 * replay JSON numbers" (issue #4): every capture under pcaps/ is replayed by
 * `vxmon replay --serve --json` as a process on a free loopback port; once it
 * says the replay finished, /metrics is fetched over HTTP and parsed, and each
 * figure is compared with the JSON report the same run printed: frames,
 * decoded, drops by every reason, and per VNI frames, bytes, inner packets by
 * IP version and L4 protocol, TCP flag packets, truncated/fragments/inner
 * drops, last frame time, TCP sessions opened/active/closed by reason,
 * retransmissions, out-of-order, unseen bytes, zero windows, mid-stream and
 * one-sided sessions, UDP/ICMP flows, evictions, and the handshake RTT and
 * duration histogram counts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { until } from './until.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = join(ROOT, 'dist/cli.js');

function captures(dir: string): string[] {
  return readdirSync(dir)
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return name === 'gen' ? [] : captures(path);
      return /\.(pcap|pcapng)$/.test(name) ? [path] : [];
    })
    .sort();
}
const CAPTURES = captures(join(ROOT, 'pcaps'));

const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
});

/** Series → value of a Prometheus text exposition (labels kept in the order served). */
function parseExposition(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const cut = line.lastIndexOf(' ');
    out.set(line.slice(0, cut), Number(line.slice(cut + 1)));
  }
  return out;
}

/** Runs `replay --serve --json` on a capture: its JSON report and its /metrics once the replay finished. */
async function serveAndScrape(capture: string): Promise<{ report: any; metrics: Map<string, number>; exitCode: number | null }> {
  const child = spawn(process.execPath, [CLI, 'replay', '--serve', '--json', '--web.listen-address', '127.0.0.1:0', capture], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  await until(`${capture}: the replay to finish`, () => (/replay finished/.test(err) ? true : undefined), {
    ms: 30_000,
    every: 20,
    child,
    detail: () => err,
  });
  const port = Number(/http:\/\/127\.0\.0\.1:(\d+)\/metrics/.exec(err)![1]);
  const metrics = parseExposition(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text());
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  return { report: JSON.parse(out), metrics, exitCode: await exited };
}

describe('scraped /metrics agrees with replay --json', () => {
  it('covers every capture in pcaps/', () => {
    expect(CAPTURES.length).toBeGreaterThanOrEqual(40);
  });

  it.each(CAPTURES.map((c) => [relative(ROOT, c), c]))('%s', async (_name, capture) => {
    const { report, metrics, exitCode } = await serveAndScrape(capture);
    // A capture that ends in a malformed record still serves what it read, and exits 3.
    expect([0, 3]).toContain(exitCode);
    const get = (series: string) => {
      expect(metrics.has(series), series).toBe(true);
      return metrics.get(series);
    };
    expect(get('vxmon_frames_total')).toBe(report.frames);
    for (const [reason, n] of Object.entries(report.outcomes as Record<string, number>)) {
      if (reason === 'decoded') expect(get('vxmon_frames_decoded_total')).toBe(n);
      else expect(get(`vxmon_frames_dropped_total{reason="${reason}"}`), reason).toBe(n);
    }
    const dropSeries = [...metrics.keys()].filter((k) => k.startsWith('vxmon_frames_dropped_total{'));
    expect(dropSeries).toHaveLength(Object.keys(report.outcomes).length - 1);

    const servedVnis = new Set([...metrics.keys()].filter((k) => k.startsWith('vxmon_vni_frames_total{')));
    expect(servedVnis.size).toBe(report.vnis.length);
    for (const v of report.vnis) {
      const l = `tunnel="${v.tunnel}",vni="${v.vni}"`;
      const pairs: [string, number][] = [
        [`vxmon_vni_frames_total{${l}}`, v.frames],
        [`vxmon_vni_wire_bytes_total{${l}}`, v.wire_bytes],
        [`vxmon_vni_inner_bytes_total{${l}}`, v.inner_l2_bytes],
        [`vxmon_vni_truncated_frames_total{${l}}`, v.truncated_frames],
        [`vxmon_vni_inner_fragments_total{${l}}`, v.inner_fragments],
        [`vxmon_vni_inner_dropped_total{${l}}`, v.inner_dropped],
        [`vxmon_vni_inner_ip_packets_total{${l},ip="4"}`, v.inner_ipv4_packets],
        [`vxmon_vni_inner_ip_packets_total{${l},ip="6"}`, v.inner_ipv6_packets],
        [`vxmon_vni_inner_ip_bytes_total{${l},ip="4"}`, v.inner_ipv4_bytes],
        [`vxmon_vni_inner_ip_bytes_total{${l},ip="6"}`, v.inner_ipv6_bytes],
        [`vxmon_vni_last_frame_timestamp_seconds{${l}}`, v.last_frame_time],
        ...Object.entries(v.l4 as Record<string, number>).map(([p, n]): [string, number] => [`vxmon_vni_inner_packets_total{${l},l4="${p}"}`, n]),
        ...Object.entries(v.tcp as Record<string, number>).map(([f, n]): [string, number] => [`vxmon_vni_tcp_flag_packets_total{${l},flag="${f}"}`, n]),
      ];
      const s = v.sessions;
      pairs.push(
        [`vxmon_tcp_sessions_opened_total{${l}}`, s.tcp.opened],
        [`vxmon_tcp_sessions_active{${l}}`, s.tcp.active],
        [`vxmon_tcp_mid_stream_sessions_total{${l}}`, s.tcp.mid_stream],
        [`vxmon_tcp_one_sided_sessions_total{${l}}`, s.tcp.one_sided],
        [`vxmon_tcp_retransmitted_segments_total{${l}}`, s.tcp.retransmitted_packets],
        [`vxmon_tcp_retransmitted_bytes_total{${l}}`, s.tcp.retransmitted_bytes],
        [`vxmon_tcp_syn_retransmissions_total{${l}}`, s.tcp.syn_retransmissions],
        [`vxmon_tcp_out_of_order_segments_total{${l}}`, s.tcp.out_of_order],
        [`vxmon_tcp_unseen_bytes_total{${l}}`, s.tcp.unseen_bytes],
        [`vxmon_tcp_zero_window_total{${l}}`, s.tcp.zero_windows],
        [`vxmon_udp_flows_total{${l}}`, s.udp.flows],
        [`vxmon_icmp_flows_total{${l}}`, s.icmp.flows],
        [`vxmon_session_evictions_total{${l}}`, s.evictions],
        [`vxmon_tcp_handshake_rtt_client_seconds_count{${l}}`, s.tcp.rtt_client_seconds.count],
        [`vxmon_tcp_handshake_rtt_server_seconds_count{${l}}`, s.tcp.rtt_server_seconds.count],
        [`vxmon_tcp_session_duration_seconds_count{${l}}`, s.tcp.duration_seconds.count],
        ...Object.entries(s.tcp.closed as Record<string, number>).map(([r, n]): [string, number] => [`vxmon_tcp_sessions_closed_total{${l},reason="${r}"}`, n]),
      );
      for (const [series, n] of pairs) expect(get(series), series).toBe(n);
    }
  });
});
