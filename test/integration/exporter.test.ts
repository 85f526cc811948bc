/**
 * `vxmon replay --serve` as a user runs it: the CLI as a process, scraped over
 * HTTP, linted by promtool, and scraped by a real Prometheus whose HTTP API we
 * query. Expected per-VNI frame counts come from the tshark oracle of
 * pcaps/crafted/aws-multi-vni.pcap: VNI 4012345 60 frames, 4012346 25,
 * 8123456 31, 16777215 16 (132 in all, every one decoded).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/export/metrics.js';
import { Pipeline } from '../../src/pipeline.js';
import { makeDecoderConfig } from '../../src/decode/decoder-config.js';
import { replay } from '../../src/replay.js';
import { SessionTracker } from '../../src/session/session-tracker.js';
import { hasTool, MUST_HAVE_TOOLS } from './tools.js';
import { sample } from './exposition.js';
import { until } from './until.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = join(ROOT, 'dist/cli.js');
const CAPTURE = join(ROOT, 'pcaps/crafted/aws-multi-vni.pcap');
const ORACLE_FRAMES: Record<string, number> = { '4012345': 60, '4012346': 25, '8123456': 31, '16777215': 16 };

const children: ChildProcess[] = [];
const tmp = mkdtempSync(join(tmpdir(), 'vxmon-exporter-'));
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  rmSync(tmp, { recursive: true, force: true });
});

/** Starts `vxmon replay --serve` on a free loopback port; resolves with the port once it serves. */
async function startServing(capture = CAPTURE): Promise<{ port: number; child: ChildProcess; stderr: () => string }> {
  const child = spawn(process.execPath, [CLI, 'replay', '--serve', '--web.listen-address', '127.0.0.1:0', capture], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  await until('vxmon to finish its replay and serve', () => (/replay finished/.test(err) ? true : undefined), {
    ms: 20_000,
    every: 50,
    child,
    detail: () => err,
  });
  const port = Number(/http:\/\/127\.0\.0\.1:(\d+)\/metrics/.exec(err)![1]);
  return { port, child, stderr: () => err };
}

describe('vxmon replay --serve', () => {
  let port = 0;
  let child: ChildProcess;
  beforeAll(async () => {
    ({ port, child } = await startServing());
  });

  it('/metrics has the replay numbers, per VNI', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    expect(sample(text, 'vxmon_frames_total')).toBe(132);
    expect(sample(text, 'vxmon_frames_decoded_total')).toBe(132);
    expect(sample(text, 'vxmon_frames_dropped_total{reason="udp_not_tunnel_port"}')).toBe(0);
    for (const [vni, frames] of Object.entries(ORACLE_FRAMES)) {
      expect(sample(text, `vxmon_vni_frames_total{tunnel="vxlan",vni="${vni}"}`), vni).toBe(frames);
    }
    expect(text).toMatch(/^vxmon_build_info\{version="\d+\.\d+\.\d+",nodejs="[\d.]+"\} 1$/m);
    expect(text).toMatch(/^process_cpu_seconds_total /m); // process metrics are served too
  });

  it('answers in OpenMetrics when the scraper asks for it', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/metrics`, {
      headers: { accept: 'application/openmetrics-text; version=1.0.0,text/plain;version=0.0.4;q=0.5' },
    });
    expect(res.headers.get('content-type')).toMatch(/^application\/openmetrics-text; version=1\.0\.0/);
    const text = await res.text();
    expect(text.trimEnd().endsWith('# EOF')).toBe(true);
    expect(text).toMatch(/^vxmon_vni_frames_total\{tunnel="vxlan",vni="4012345"\} 60$/m);
  });

  it('serves /, /-/healthy and /-/ready, 404 elsewhere, 405 for POST', async () => {
    const landing = await fetch(`http://127.0.0.1:${port}/`);
    expect(landing.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await landing.text();
    expect(html).toContain('<td>16777215</td><td>16</td>');
    expect((await fetch(`http://127.0.0.1:${port}/-/healthy`)).status).toBe(200);
    const ready = await fetch(`http://127.0.0.1:${port}/-/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.text()).toMatch(/replay finished/);
    expect((await fetch(`http://127.0.0.1:${port}/nope`)).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${port}/metrics`, { method: 'POST' })).status).toBe(405);
  });

  it('a listen address in use is one line and exit 4', async () => {
    const r = spawnSync(process.execPath, [CLI, 'replay', '--serve', '--web.listen-address', `127.0.0.1:${port}`, CAPTURE], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(r.status).toBe(4);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/cannot listen: address already in use/);
  });

  it('stops on SIGTERM with exit 0', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});

describe('session metrics', () => {
  // The real AWS capture: 4 SSH sessions, 3 closed by FIN, 1 still open at the end (its tshark oracle).
  // Server-side handshake RTTs from `tshark -Y tcp.flags.syn==1 -e frame.time_epoch`: SYN -> SYN-ACK
  // 96, 111, 79 and 44 µs; sum 330 µs; one at or under 64 µs, all four at or under 256 µs.
  it('exports session counts and handshake RTT histograms per VNI', async () => {
    const { port, child } = await startServing(join(ROOT, 'pcaps/corpus/suricata-verify/vxlan-decoder-03/vxlan.pcap'));
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    child.kill('SIGTERM');
    const vni = 'tunnel="vxlan",vni="5569041"';
    expect(sample(text, `vxmon_tcp_sessions_opened_total{${vni}}`)).toBe(4);
    expect(sample(text, `vxmon_tcp_sessions_active{${vni}}`)).toBe(0);
    expect(sample(text, `vxmon_tcp_sessions_closed_total{${vni},reason="fin"}`)).toBe(3);
    expect(sample(text, `vxmon_tcp_sessions_closed_total{${vni},reason="end_of_capture"}`)).toBe(1);
    expect(sample(text, `vxmon_tcp_handshake_rtt_server_seconds_bucket{${vni},le="0.000064"}`)).toBe(1);
    expect(sample(text, `vxmon_tcp_handshake_rtt_server_seconds_bucket{${vni},le="0.000256"}`)).toBe(4);
    expect(sample(text, `vxmon_tcp_handshake_rtt_server_seconds_bucket{${vni},le="+Inf"}`)).toBe(4);
    expect(sample(text, `vxmon_tcp_handshake_rtt_server_seconds_count{${vni}}`)).toBe(4);
    expect(sample(text, `vxmon_tcp_handshake_rtt_server_seconds_sum{${vni}}`)).toBeCloseTo(0.00033, 9);
    expect(sample(text, 'vxmon_session_table_capacity')).toBe(1_000_000);
  });
});

describe('promtool check metrics on our own registry', () => {
  if (!hasTool('promtool') && !MUST_HAVE_TOOLS) {
    it.skip('promtool not installed: apt-get install prometheus', () => {});
    return;
  }
  it('passes the lint with no complaint', async () => {
    const pipeline = new Pipeline(makeDecoderConfig(), new SessionTracker());
    await replay([CAPTURE], { decoder: makeDecoderConfig(), pipeline });
    const text = await createMetrics({ pipeline: () => pipeline, version: '0.0.0-test' }).ownText.metrics();
    const r = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});

describe('a real Prometheus scrapes vxmon', () => {
  if (!hasTool('prometheus') && !MUST_HAVE_TOOLS) {
    it.skip('prometheus not installed: apt-get install prometheus', () => {});
    return;
  }
  it('stores the per-VNI frame counts it scraped', async () => {
    const { port } = await startServing();
    const promPort = 20000 + (process.pid % 20000);
    writeFileSync(
      join(tmp, 'prometheus.yml'),
      `global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: vxmon\n    static_configs:\n      - targets: ['127.0.0.1:${port}']\n`,
    );
    const prom = spawn(
      'prometheus',
      [`--config.file=${join(tmp, 'prometheus.yml')}`, `--storage.tsdb.path=${join(tmp, 'tsdb')}`,
        `--web.listen-address=127.0.0.1:${promPort}`],
      { stdio: 'ignore' },
    );
    children.push(prom);
    const deadline = Date.now() + 45_000;
    let got: Record<string, number> = {};
    while (Date.now() < deadline) {
      try {
        const q = encodeURIComponent('vxmon_vni_frames_total{job="vxmon"}');
        const body = (await (await fetch(`http://127.0.0.1:${promPort}/api/v1/query?query=${q}`)).json()) as {
          data: { result: { metric: { vni: string }; value: [number, string] }[] };
        };
        got = Object.fromEntries(body.data.result.map((r) => [r.metric.vni, Number(r.value[1])]));
        if (Object.keys(got).length === 4) break;
      } catch {
        // Prometheus still starting
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    prom.kill('SIGTERM');
    expect(got).toEqual(ORACLE_FRAMES);
  });
});
