#!/usr/bin/env node
// Overload: a bounded burst at the highest rate this machine can send on lo
// against `vxmon run`, then the accounting. Reported, never asserted (the
// test test/integration/overload.test.ts asserts a short version).
//
//   npm run bench -- --overload [--seconds 10]
//   node bench/overload.mjs [--seconds 10] [--max-sessions 100000] [--no-pcap]
//
// Phase 1: --listen-udp 127.0.0.1:24781 (UDP socket source). Phase 2, as
// root with the cap binding built: --interface lo --bpf 'udp dst port 24782'
// --vxlan-port 24782 (libpcap). The sender is bench/udp-blast.c (sendmmsg,
// 256 datagrams a call; compiled into bench/.cache/ with cc) or, without a
// C compiler, bench/syn-flood.mjs. /metrics is scraped every 200 ms during
// the burst. Afterwards: sent (datagrams the kernel accepted from the
// sender), counted by vxmon, the socket's kernel drops
// (vxmon_udp_receive_drops_total, from /proc/net/udp) and the difference
// sent - counted - drops, which must be 0 for the UDP socket source. libpcap
// ring drops are not observable through `cap` (no pcap_stats): for that
// source the figure is sent - counted.

import fs from 'node:fs';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const CLI = path.join(HERE, '../dist/cli.js');
const BLAST = path.join(HERE, '.cache', 'udp-blast');

/** The C sender, compiled once; undefined when no compiler is available. */
export function blaster() {
  const src = path.join(HERE, 'udp-blast.c');
  if (fs.existsSync(BLAST) && fs.statSync(BLAST).mtimeMs >= fs.statSync(src).mtimeMs) return BLAST;
  fs.mkdirSync(path.dirname(BLAST), { recursive: true });
  const r = spawnSync('cc', ['-O2', '-o', BLAST, src], { encoding: 'utf8' });
  return r.status === 0 ? BLAST : undefined;
}

function send(port, seconds, first) {
  const exe = blaster();
  const [cmd, args] = exe
    ? [exe, ['127.0.0.1', String(port), String(seconds), String(first)]]
    : [process.execPath, [path.join(HERE, 'syn-flood.mjs'), '--send', `127.0.0.1:${port}`, '--seconds', String(seconds), '--first', String(first)]];
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  return new Promise((resolve, reject) =>
    child.once('exit', (code) => (code === 0 ? resolve({ ...JSON.parse(out), sender: exe ? 'udp-blast (C, sendmmsg)' : 'syn-flood.mjs (node dgram)' }) : reject(new Error(`sender exited ${code}`)))),
  );
}

async function startDaemon(args) {
  const child = spawn(process.execPath, [CLI, 'run', '--web.listen-address', '127.0.0.1:0', '--log.summary-interval', '0', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const deadline = Date.now() + 15_000;
  while (!/serving \/metrics/.test(out)) {
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error(`vxmon run did not start: ${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { child, port: Number(/"address":"127\.0\.0\.1:(\d+)"/.exec(out)[1]), out: () => out };
}

function value(text, series) {
  const line = text.split('\n').find((l) => l.startsWith(series + ' '));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

function quantile(sorted, p) {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

/** One phase: a burst of `seconds` to `port`, the source named `source`, scraped all along. */
async function phase(daemon, { port, source, seconds, first, kernelDrops }) {
  const metrics = async () => {
    const ctl = new AbortController();
    const timer = setTimeout(() => ctl.abort(), 10_000);
    try {
      const r = await fetch(`http://127.0.0.1:${daemon.port}/metrics`, { signal: ctl.signal });
      if (r.status !== 200) throw new Error(`status ${r.status}`);
      return await r.text();
    } finally {
      clearTimeout(timer);
    }
  };
  const framesOf = (text) => {
    let n = 0;
    for (const l of text.split('\n')) if (l.startsWith(`vxmon_source_frames_total{source="${source}",`)) n += Number(l.slice(l.lastIndexOf(' ') + 1));
    return n;
  };
  const before = await metrics();
  const counted0 = framesOf(before);
  const drops0 = kernelDrops ? value(before, `vxmon_udp_receive_drops_total{source="${source}"}`) ?? 0 : 0;
  const latencies = [];
  let failed = 0;
  let bursting = true;
  const scraper = (async () => {
    while (bursting) {
      const t0 = performance.now();
      try {
        await metrics();
        latencies.push(performance.now() - t0);
      } catch {
        failed++;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  })();
  const t0 = performance.now();
  const s = await send(port, seconds, first);
  const burstSecs = (performance.now() - t0) / 1e3;
  bursting = false;
  await scraper;
  // let the daemon drain its socket buffer: stop when the figures stop moving
  let text = await metrics();
  for (let last = -1, i = 0; i < 100; i++) {
    const now = framesOf(text) + (kernelDrops ? value(text, `vxmon_udp_receive_drops_total{source="${source}"}`) ?? 0 : 0);
    if (now === last || (kernelDrops && now - counted0 - drops0 >= s.sent)) break;
    last = now;
    await new Promise((r) => setTimeout(r, 200));
    text = await metrics();
  }
  const counted = framesOf(text) - counted0;
  const drops = kernelDrops ? (value(text, `vxmon_udp_receive_drops_total{source="${source}"}`) ?? 0) - drops0 : undefined;
  const sorted = latencies.sort((a, b) => a - b);
  return {
    source,
    sender: s.sender,
    seconds: Number(burstSecs.toFixed(1)),
    sent: s.sent,
    send_errors: s.errors,
    sent_per_second: Math.round(s.sent / burstSecs),
    counted,
    kernel_drops: drops ?? 'not observable (cap gives no pcap_stats)',
    unaccounted: s.sent - counted - (drops ?? 0),
    scrapes_ok: latencies.length,
    scrapes_failed: failed,
    metrics_latency_ms: { p50: Number(quantile(sorted, 0.5).toFixed(1)), p99: Number(quantile(sorted, 0.99).toFixed(1)), max: Number((sorted.at(-1) ?? NaN).toFixed(1)) },
  };
}

/** Runs the overload and returns its figures; `pcap` adds the libpcap phase (root + cap only). */
export async function runOverload({ seconds = 10, udpPort = 24781, pcapPort = 24782, pcap = canCapture(), maxSessions = 100_000 } = {}) {
  const args = ['--listen-udp', `127.0.0.1:${udpPort}`, '--max-sessions', String(maxSessions)];
  if (pcap) args.push('--interface', 'lo', '--bpf', `udp dst port ${pcapPort}`, '--vxlan-port', String(pcapPort));
  const daemon = await startDaemon(args);
  const phases = [];
  try {
    phases.push(await phase(daemon, { port: udpPort, source: `udp:127.0.0.1:${udpPort}`, seconds, first: 0, kernelDrops: true }));
    if (pcap) phases.push(await phase(daemon, { port: pcapPort, source: 'pcap:lo', seconds, first: 0x4000000, kernelDrops: false }));
  } finally {
    const status = fs.readFileSync(`/proc/${daemon.child.pid}/status`, 'utf8');
    var peakRssMb = Math.round(Number(/VmHWM:\s+(\d+)/.exec(status)[1]) / 1024);
    var alive = daemon.child.exitCode === null;
    const exited = new Promise((r) => daemon.child.once('exit', (code) => r(code)));
    daemon.child.kill('SIGTERM');
    var exitCode = await exited;
  }
  return { survived: alive, exit_code_after_sigterm: exitCode, max_sessions: maxSessions, daemon_peak_rss_mb: peakRssMb, phases };
}

export function canCapture() {
  if (process.getuid?.() !== 0) return false;
  try {
    createRequire(import.meta.url)('cap');
    return true;
  } catch {
    return false;
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const opt = (name, def) => {
    const i = process.argv.indexOf(name);
    return i < 0 ? def : Number(process.argv[i + 1]);
  };
  const pcap = process.argv.includes('--no-pcap') ? false : canCapture();
  console.log(JSON.stringify(await runOverload({ seconds: opt('--seconds', 10), maxSessions: opt('--max-sessions', 100_000), pcap }), null, 2));
}
