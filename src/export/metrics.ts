/**
 * vxmon's Prometheus metrics (DESIGN.md §5).
 *
 * The hot path never calls prom-client: the pipeline counts into typed arrays
 * and plain fields, and every metric here reads those numbers in its
 * `collect()` at scrape time. Names: prefix `vxmon_`, base units, counters end
 * in `_total`; the only per-traffic label is `vni` (with `tunnel`), plus small
 * fixed sets (`reason`, `l4`, `ip`, `flag`).
 *
 * Each metric is defined twice, in two registries that differ only in their
 * exposition format (Prometheus text 0.0.4 and OpenMetrics 1.0), so the HTTP
 * server can answer in the format the scraper asks for.
 */
import { Counter, Gauge, Registry, collectDefaultMetrics, type PrometheusContentType, type OpenMetricsContentType } from 'prom-client';
import { OUTCOME_NAMES } from '../decode/outcome.js';
import { Col } from '../aggregate/vni-stats.js';
import { describeVniKey } from '../aggregate/vni-key.js';
import type { Pipeline } from '../pipeline.js';
import { registerSessionMetrics } from './session-metrics.js';

export interface MetricsRegistries {
  /** Prometheus text format 0.0.4: our metrics, then the process/nodejs ones. */
  text: Registry<PrometheusContentType>;
  openMetrics: Registry<OpenMetricsContentType>;
  /** Only our own metrics (what `promtool check metrics` lints). */
  ownText: Registry<PrometheusContentType>;
  /** Only our own metrics, in OpenMetrics (what `--openmetrics` samples). */
  ownOpenMetrics: Registry<OpenMetricsContentType>;
}

export interface MetricsSource {
  /** The pipeline whose numbers are exported; read at scrape time. */
  pipeline(): Pipeline;
  version: string;
  /** Registers further metrics (a daemon's sources, reloads...) in our registries. */
  registerMore?: (registers: Registry[]) => void;
}

/** Per-VNI counters: metric name, help, and the VniStats column it reads. */
const VNI_COUNTERS: readonly [string, string, number][] = [
  ['vxmon_vni_frames_total', 'Tunnel frames accepted for this VNI, including those with a malformed inner packet.', Col.FRAMES],
  ['vxmon_vni_wire_bytes_total', "Sum of the tunnel frames' original lengths on the wire, outer headers included.", Col.WIRE_BYTES],
  ['vxmon_vni_inner_bytes_total', 'Sum of the mirrored (inner) frame lengths: the tunnel UDP length minus UDP and tunnel headers.', Col.INNER_L2_BYTES],
  ['vxmon_vni_truncated_frames_total', 'Frames cut short by the snap length or by the mirror (PacketLength, MTU).', Col.TRUNCATED_FRAMES],
  ['vxmon_vni_inner_fragments_total', 'Inner IP fragments (first and later ones).', Col.INNER_FRAGMENTS],
  ['vxmon_vni_inner_dropped_total', 'Frames of this VNI whose inner packet was malformed (reason in vxmon_frames_dropped_total).', Col.INNER_DROPPED],
  ['vxmon_vni_geneve_options_total', 'Geneve options seen (skipped by their length, not interpreted).', Col.GENEVE_OPTIONS],
  ['vxmon_vni_geneve_control_frames_total', 'Geneve frames with the O bit set (control packets).', Col.GENEVE_CONTROL_FRAMES],
];

/** A registry that speaks OpenMetrics (prom-client's typings lack the constructor argument). */
function openMetricsRegistry(): Registry<OpenMetricsContentType> {
  const r = new Registry<OpenMetricsContentType>();
  r.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
  return r;
}

/** Per-VNI counters split by one more label: name, help, the label, and (label value, VniStats column) pairs. */
const VNI_SPLIT_COUNTERS: readonly [string, string, string, readonly [string, number][]][] = [
  ['vxmon_vni_inner_ip_packets_total', 'Inner IP packets by IP version.', 'ip',
    [['4', Col.INNER_IPV4_PACKETS], ['6', Col.INNER_IPV6_PACKETS]]],
  ['vxmon_vni_inner_ip_bytes_total', 'Sum of the inner IP length fields (IPv4 total length; 40 + IPv6 payload length), by IP version.', 'ip',
    [['4', Col.INNER_IPV4_BYTES], ['6', Col.INNER_IPV6_BYTES]]],
  ['vxmon_vni_inner_packets_total', 'Inner IP packets by L4 protocol (icmp includes ICMPv6; later fragments are in no l4).', 'l4',
    [['tcp', Col.L4_TCP], ['udp', Col.L4_UDP], ['icmp', Col.L4_ICMP], ['other', Col.L4_OTHER]]],
  ['vxmon_vni_tcp_flag_packets_total', 'Inner TCP packets with SYN (no ACK), SYN+ACK, FIN, RST set: packets, not sessions.', 'flag',
    [['syn', Col.TCP_SYN], ['synack', Col.TCP_SYNACK], ['fin', Col.TCP_FIN], ['rst', Col.TCP_RST]]],
];

export function createMetrics(source: MetricsSource): MetricsRegistries {
  const ownText = new Registry<PrometheusContentType>();
  const ownOpenMetrics = openMetricsRegistry();
  // One set of metric objects per registry, never one object in both:
  // prom-client renames a counter object in place (drops `_total`) when an
  // OpenMetrics registry renders it, which would then leak into the text format.
  defineOwnMetrics(source, [ownText] as unknown as Registry[]);
  defineOwnMetrics(source, [ownOpenMetrics] as unknown as Registry[]);

  // prom-client's process/nodejs metrics do not pass promtool's lint (e.g.
  // nodejs_version_info without _total conventions): keep them apart and
  // merge them only into what is served.
  const processText = new Registry<PrometheusContentType>();
  collectDefaultMetrics({ register: processText });
  const processOpenMetrics = openMetricsRegistry();
  collectDefaultMetrics({ register: processOpenMetrics });

  return {
    ownText,
    ownOpenMetrics,
    text: Registry.merge([ownText, processText]) as Registry<PrometheusContentType>,
    // merge() keeps the members' content type; its typing only knows the text one.
    openMetrics: Registry.merge([ownOpenMetrics, processOpenMetrics] as unknown as Registry[]) as unknown as Registry<OpenMetricsContentType>,
  };
}

/** Registers every vxmon metric in `registers`, reading `source` at scrape time. */
function defineOwnMetrics(source: MetricsSource, registers: Registry[]): void {

  new Gauge({
    name: 'vxmon_build_info',
    help: 'Always 1; the labels say which vxmon and Node.js are running.',
    labelNames: ['version', 'nodejs'],
    registers,
    collect() {
      this.set({ version: source.version, nodejs: process.versions.node }, 1);
    },
  });

  new Counter({
    name: 'vxmon_frames_total',
    help: 'Frames read from every source, whatever their outcome.',
    registers,
    collect() {
      this.reset();
      this.inc(source.pipeline().decoderStats.frames);
    },
  });

  new Counter({
    name: 'vxmon_frames_decoded_total',
    help: 'Frames decoded through every header vxmon parses.',
    registers,
    collect() {
      this.reset();
      this.inc(source.pipeline().decoderStats.byOutcome[0]);
    },
  });

  new Counter({
    name: 'vxmon_frames_dropped_total',
    help: 'Frames not decoded, by the one reason that stopped them (README: Drop reasons).',
    labelNames: ['reason'],
    registers,
    collect() {
      this.reset();
      const counts = source.pipeline().decoderStats.byOutcome;
      for (let code = 1; code < OUTCOME_NAMES.length; code++) this.inc({ reason: OUTCOME_NAMES[code] }, counts[code]);
    },
  });

  /** Calls `fn(labels, row)` for every VNI row of the current pipeline. */
  const eachVni = (fn: (labels: { tunnel: string; vni: string }, row: number) => void) => {
    const stats = source.pipeline().vniStats;
    stats.keys.forEach((key, row) => {
      const d = describeVniKey(key);
      fn({ tunnel: d.tunnel, vni: String(d.vni) }, row);
    });
  };

  for (const [name, help, col] of VNI_COUNTERS) {
    new Counter({
      name,
      help,
      labelNames: ['tunnel', 'vni'],
      registers,
      collect() {
        this.reset();
        const stats = source.pipeline().vniStats;
        eachVni((labels, row) => this.inc(labels, stats.get(row, col)));
      },
    });
  }

  for (const [name, help, label, split] of VNI_SPLIT_COUNTERS) {
    new Counter({
      name,
      help,
      labelNames: ['tunnel', 'vni', label],
      registers,
      collect() {
        this.reset();
        const stats = source.pipeline().vniStats;
        eachVni((labels, row) => {
          for (const [value, col] of split) this.inc({ ...labels, [label]: value }, stats.get(row, col));
        });
      },
    });
  }

  new Gauge({
    name: 'vxmon_vni_last_frame_timestamp_seconds',
    help: 'Capture time of the last frame seen for this VNI (seconds since 1970); alert when it stops moving.',
    labelNames: ['tunnel', 'vni'],
    registers,
    collect() {
      this.reset();
      const stats = source.pipeline().vniStats;
      eachVni((labels, row) => this.set(labels, stats.get(row, Col.LAST_FRAME_TIME)));
    },
  });

  new Gauge({
    name: 'vxmon_vnis_folded',
    help: 'Distinct VNIs beyond --max-vnis, counted together under vni="other".',
    registers,
    collect() {
      this.set(source.pipeline().vniStats.folder.foldedVnis);
    },
  });

  new Counter({
    name: 'vxmon_vni_outer_tunnel_frames_total',
    help: 'Nested tunnel frames of this (innermost) VNI by the outermost tunnel that carried them, e.g. Gateway Load Balancer Geneve.',
    labelNames: ['tunnel', 'vni', 'outer_tunnel', 'outer_vni'],
    registers,
    collect() {
      this.reset();
      for (const p of source.pipeline().vniStats.outerTunnels.figures()) {
        this.inc({ tunnel: p.a.tunnel, vni: String(p.a.vni), outer_tunnel: p.b.tunnel, outer_vni: String(p.b.vni) }, p.frames);
      }
    },
  });

  new Counter({
    name: 'vxmon_mirror_duplicate_frames_total',
    help: 'Frames that were a second copy of a packet seen within the dedup window (double mirroring), per pair of VNIs (a <= b).',
    labelNames: ['tunnel_a', 'vni_a', 'tunnel_b', 'vni_b'],
    registers,
    collect() {
      this.reset();
      for (const p of source.pipeline().dedup?.pairs() ?? []) {
        this.inc({ tunnel_a: p.a.tunnel, vni_a: String(p.a.vni), tunnel_b: p.b.tunnel, vni_b: String(p.b.vni) }, p.frames);
      }
    },
  });

  new Gauge({
    name: 'vxmon_dedup_enabled',
    help: '1 when --dedup counts a double-mirrored packet once; 0 when the figures are raw (copies still counted above).',
    registers,
    collect() {
      this.set(source.pipeline().dropsDuplicates ? 1 : 0);
    },
  });

  registerSessionMetrics(registers, () => source.pipeline().sessions);
  source.registerMore?.(registers);
}
