/** The `/` page: what is running, since when, reading what, and the per-VNI figures. */

export interface LandingInfo {
  version: string;
  startedAt: Date;
  sources: string[];
  vnis: { tunnel: string; vni: number | 'other'; frames: number; wire_bytes: number; inner_l2_bytes: number }[];
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

export function renderLandingPage(info: LandingInfo): string {
  const rows = info.vnis
    .map(
      (v) =>
        `<tr><td>${escapeHtml(v.tunnel)}</td><td>${v.vni}</td><td>${v.frames}</td><td>${v.wire_bytes}</td><td>${v.inner_l2_bytes}</td></tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>vxmon</title>
<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .6em;text-align:right}th{background:#eee}</style>
</head><body>
<h1>vxmon ${escapeHtml(info.version)}</h1>
<p>VXLAN traffic-mirror decoder. Up ${uptime(info.startedAt)} (since ${info.startedAt.toISOString()}).</p>
<p>Sources: ${info.sources.map(escapeHtml).join(', ') || 'none'}</p>
<p><a href="/metrics">/metrics</a> · <a href="/-/healthy">/-/healthy</a> · <a href="/-/ready">/-/ready</a></p>
<table><thead><tr><th>tunnel</th><th>VNI</th><th>frames</th><th>wire bytes</th><th>inner bytes</th></tr></thead>
<tbody>
${rows || '<tr><td colspan="5">no tunnel traffic yet</td></tr>'}
</tbody></table>
</body></html>
`;
}
