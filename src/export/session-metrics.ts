/**
 * Session metrics, read from the tracker's typed arrays at scrape time
 * (the hot path never calls prom-client). Counters and gauges come from the
 * per-VNI session figures; the RTT and duration histograms are built from the
 * tracker's fine log-linear buckets (8 per power of two) folded into coarse
 * `le` boundaries at powers of 4 µs, which are bucket edges there, so the
 * cumulative counts are exact (a sample exactly on an edge counts in the
 * bucket above it).
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import { describeVniKey } from '../aggregate/vni-key.js';
import { bucketUpperUs, HIST_BUCKETS } from '../session/histogram.js';
import { Hist, SCol, type VniSessionFigures } from '../session/session-stats.js';
import type { SessionTracker } from '../session/session-tracker.js';

/** Histogram `le` edges in µs: 4^3 = 64 µs ... 4^13 ≈ 67 s (RTT); durations go on to 4^18 ≈ 19 h. */
const RTT_EDGES_US = Array.from({ length: 11 }, (_, i) => 4 ** (i + 3));
const DURATION_EDGES_US = Array.from({ length: 16 }, (_, i) => 4 ** (i + 3));
const HIST_PER_ROW = 3 * HIST_BUCKETS;
/** Upper bound (µs) of each fine bucket, computed once rather than per bucket per VNI per scrape. */
const BUCKET_UPPER_US = Float64Array.from({ length: HIST_BUCKETS }, (_, i) => bucketUpperUs(i));

type Labels = { tunnel: string; vni: string };

function labelsOf(key: number): Labels {
  const d = describeVniKey(key);
  return { tunnel: d.tunnel, vni: String(d.vni) };
}

/** A prom-client-compatible metric object whose get() builds a histogram from our buckets. */
function bucketHistogram(
  name: string,
  help: string,
  tracker: () => SessionTracker | undefined,
  hist: number,
  edgesUs: number[],
  extraLabels: Record<string, string> = {},
) {
  return {
    name,
    help,
    type: 'histogram',
    aggregator: 'sum',
    get() {
      const values: { metricName: string; labels: Record<string, string | number>; value: number }[] = [];
      const t = tracker();
      if (t) {
        const stats = t.stats;
        stats.keys.forEach((key, row) => {
          const labels = { ...labelsOf(key), ...extraLabels };
          const base = row * HIST_PER_ROW + hist * HIST_BUCKETS;
          let cumulative = 0;
          let i = 0;
          for (const edge of edgesUs) {
            while (i < HIST_BUCKETS && BUCKET_UPPER_US[i] <= edge) cumulative += stats.hist[base + i++];
            values.push({ metricName: `${name}_bucket`, labels: { ...labels, le: edge / 1e6 }, value: cumulative });
          }
          const count = stats.histCount(row, hist);
          values.push({ metricName: `${name}_bucket`, labels: { ...labels, le: '+Inf' }, value: count });
          values.push({ metricName: `${name}_sum`, labels, value: stats.get(row, SCol.RTT_CLIENT_SUM + 3 * hist) / 1e6 });
          values.push({ metricName: `${name}_count`, labels, value: count });
        });
      }
      return { name, help, type: 'histogram', values, aggregator: 'sum' };
    },
  };
}

export function registerSessionMetrics(registers: Registry[], tracker: () => SessionTracker | undefined): void {
  /**
   * Per-VNI session figures of the current tracker, computed once per scrape:
   * a registry calls every metric's collect() in one synchronous run, so the
   * figures are kept until the next microtask and the fifteen metrics below
   * share them (each used to compute every VNI's figures, quantiles included).
   */
  let cached: [Labels, VniSessionFigures][] | undefined;
  const figures = (): [Labels, VniSessionFigures][] => {
    if (cached === undefined) {
      cached = (tracker()?.stats.figures() ?? []).map((f) => [{ tunnel: f.tunnel, vni: String(f.vni) }, f]);
      queueMicrotask(() => (cached = undefined));
    }
    return cached;
  };

  const counter = (name: string, help: string, value: (f: VniSessionFigures) => number) =>
    new Counter({
      name,
      help,
      labelNames: ['tunnel', 'vni'],
      registers,
      collect() {
        this.reset();
        for (const [labels, f] of figures()) this.inc(labels, value(f));
      },
    });

  counter('vxmon_tcp_sessions_opened_total', 'TCP sessions opened (a SYN, or the first packet of a session whose start was not seen).', (f) => f.tcp.opened);
  new Gauge({
    name: 'vxmon_tcp_sessions_active',
    help: 'TCP sessions open now.',
    labelNames: ['tunnel', 'vni'],
    registers,
    collect() {
      this.reset();
      for (const [labels, f] of figures()) this.set(labels, f.tcp.active);
    },
  });
  new Counter({
    name: 'vxmon_tcp_sessions_closed_total',
    help: 'TCP sessions closed, by reason: fin (both sides), rst, timeout, evicted, end_of_capture (replay), shutdown.',
    labelNames: ['tunnel', 'vni', 'reason'],
    registers,
    collect() {
      this.reset();
      for (const [labels, f] of figures()) {
        for (const [reason, n] of Object.entries(f.tcp.closed)) this.inc({ ...labels, reason }, n);
      }
    },
  });
  counter('vxmon_tcp_mid_stream_sessions_total', 'TCP sessions whose start the mirror did not see.', (f) => f.tcp.mid_stream);
  counter('vxmon_tcp_one_sided_sessions_total', 'Closed TCP sessions of which only one direction was ever seen.', (f) => f.tcp.one_sided);
  counter('vxmon_tcp_retransmitted_segments_total', 'TCP segments whose data was all at or below the highest sequence already seen.', (f) => f.tcp.retransmitted_packets);
  counter('vxmon_tcp_retransmitted_bytes_total', 'Payload bytes of retransmitted TCP segments.', (f) => f.tcp.retransmitted_bytes);
  counter('vxmon_tcp_syn_retransmissions_total', 'Repeated SYNs.', (f) => f.tcp.syn_retransmissions);
  counter('vxmon_tcp_out_of_order_segments_total', 'TCP segments that filled a sequence gap.', (f) => f.tcp.out_of_order);
  counter('vxmon_tcp_unseen_bytes_total', 'Bytes a receiver acknowledged that the mirror never delivered: mirror loss.', (f) => f.tcp.unseen_bytes);
  counter('vxmon_tcp_zero_window_total', 'TCP zero-window advertisements.', (f) => f.tcp.zero_windows);
  counter('vxmon_udp_flows_total', 'UDP flows opened.', (f) => f.udp.flows);
  counter('vxmon_icmp_flows_total', 'ICMP flows opened (keyed by echo identifier).', (f) => f.icmp.flows);
  counter('vxmon_session_evictions_total', 'Sessions removed to make room in a full session table.', (f) => f.evictions);

  new Gauge({
    name: 'vxmon_session_table_sessions',
    help: 'Sessions held in the session table now (closed TCP sessions lingering included).',
    registers,
    collect() {
      this.set(tracker()?.liveSessions ?? 0);
    },
  });
  new Gauge({
    name: 'vxmon_session_table_capacity',
    help: 'Most sessions the table holds (--max-sessions).',
    registers,
    collect() {
      this.set(tracker()?.table.maxSessions ?? 0);
    },
  });

  const histograms = [
    bucketHistogram('vxmon_tcp_handshake_rtt_client_seconds', 'Handshake RTT on the client side of the mirror point: SYN-ACK to the ACK that completes the handshake.', tracker, Hist.RTT_CLIENT, RTT_EDGES_US),
    bucketHistogram('vxmon_tcp_handshake_rtt_server_seconds', 'Handshake RTT on the server side of the mirror point: SYN to SYN-ACK.', tracker, Hist.RTT_SERVER, RTT_EDGES_US),
    bucketHistogram('vxmon_tcp_session_duration_seconds', 'Duration of closed TCP sessions, first to last packet.', tracker, Hist.DURATION, DURATION_EDGES_US),
  ];
  for (const r of registers) for (const h of histograms) r.registerMetric(h as never);
}
