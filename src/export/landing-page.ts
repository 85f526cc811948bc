/** The `/` page: what is running, since when, reading what, and the per-VNI figures. */
import type { Pipeline } from '../pipeline.js';
import { keyOfDescribed } from '../aggregate/vni-key.js';

/** One row of the per-VNI table. */
export interface LandingVni {
  tunnel: string;
  vni: number | 'other';
  frames: number;
  wire_bytes: number;
  inner_l2_bytes: number;
  /** Absent when the pipeline tracks no sessions. */
  tcp?: {
    opened: number;
    active: number;
    /** Handshake RTT medians in seconds, null before the first completed handshake. */
    rtt_client_p50: number | null;
    rtt_server_p50: number | null;
  };
}

export interface LandingInfo {
  version: string;
  startedAt: Date;
  sources: string[];
  vnis: LandingVni[];
}

/** The table rows of a pipeline: its per-VNI counters joined with its session figures (read per page view). */
export function landingVnis(pipeline: Pipeline): LandingVni[] {
  const sessions = pipeline.sessions?.stats;
  return pipeline.vniStats.figures().map((v) => {
    const row: LandingVni = { tunnel: v.tunnel, vni: v.vni, frames: v.frames, wire_bytes: v.wire_bytes, inner_l2_bytes: v.inner_l2_bytes };
    if (sessions === undefined) return row;
    const f = sessions.figuresOf(keyOfDescribed(v));
    row.tcp = {
      opened: f?.tcp.opened ?? 0,
      active: f?.tcp.active ?? 0,
      rtt_client_p50: f?.tcp.rtt_client_seconds.p50 ?? null,
      rtt_server_p50: f?.tcp.rtt_server_seconds.p50 ?? null,
    };
    return row;
  });
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function uptime(since: Date): string {
  let s = Math.floor((Date.now() - since.getTime()) / 1000);
  const d = Math.floor(s / 86400);
  s -= d * 86400;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  return `${d}d ${h}h ${m}m ${s - m * 60}s`;
}

/** An RTT in milliseconds with µs resolution (the tracker's), or a dash when none was measured. */
function rttMs(seconds: number | null | undefined): string {
  return seconds === null || seconds === undefined ? '–' : `${(seconds * 1000).toFixed(3)} ms`;
}

const COLUMNS = ['tunnel', 'VNI', 'frames', 'wire bytes', 'inner bytes', 'TCP opened', 'TCP active', 'RTT p50 client', 'RTT p50 server'];

export function renderLandingPage(info: LandingInfo): string {
  const rows = info.vnis
    .map((v) => {
      const cells = [
        escapeHtml(v.tunnel),
        String(v.vni),
        String(v.frames),
        String(v.wire_bytes),
        String(v.inner_l2_bytes),
        v.tcp ? String(v.tcp.opened) : '–',
        v.tcp ? String(v.tcp.active) : '–',
        rttMs(v.tcp?.rtt_client_p50),
        rttMs(v.tcp?.rtt_server_p50),
      ];
      return `<tr>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>vxmon</title>
<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .6em;text-align:right}th{background:#eee}</style>
</head><body>
<h1>vxmon ${escapeHtml(info.version)}</h1>
<p>VXLAN traffic-mirror decoder. Up ${uptime(info.startedAt)} (since ${info.startedAt.toISOString()}).</p>
<p>Sources: ${info.sources.map(escapeHtml).join(', ') || 'none'}</p>
<p><a href="/metrics">/metrics</a> · <a href="/-/healthy">/-/healthy</a> · <a href="/-/ready">/-/ready</a></p>
<p>RTT p50: median handshake round trip on each side of the mirror point (client: SYN-ACK to ACK; server: SYN to SYN-ACK).</p>
<table><thead><tr>${COLUMNS.map((c) => `<th>${c}</th>`).join('')}</tr></thead>
<tbody>
${rows || `<tr><td colspan="${COLUMNS.length}">no tunnel traffic yet</td></tr>`}
</tbody></table>
</body></html>
`;
}
