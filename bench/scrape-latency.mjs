#!/usr/bin/env node
// /metrics scrape latency with a large state (`npm run bench` runs it after the
// throughput figures; or `node bench/scrape-latency.mjs [--vnis 256]
// [--sessions 1000000] [--scrapes 50] [--json]`). Reported, never asserted.
//
// The state is built through the real path: crafted VXLAN frames (outer
// Ethernet/IPv4/UDP 4789/VXLAN, inner Ethernet/IPv4/TCP SYN) go through
// Pipeline.onFrame, one SYN per session, spread over the VNIs, with capture
// times inside one second so no session times out. A handful of sessions per
// VNI are completed (SYN-ACK, ACK) and some closed (FIN both ways) so the RTT
// and duration histograms have samples. Then the real web server
// (startWebServer, the same registries `vxmon replay --serve` uses) listens on
// 127.0.0.1 at a free port and /metrics is fetched over HTTP, in the
// Prometheus text format and in OpenMetrics, one scrape at a time.

import { performance } from 'node:perf_hooks';

const dist = new URL('../dist/', import.meta.url);
const { Pipeline } = await import(new URL('pipeline.js', dist).href);
const { makeDecoderConfig } = await import(new URL('decode/decoder-config.js', dist).href);
const { SessionTracker } = await import(new URL('session/session-tracker.js', dist).href);
const { createMetrics } = await import(new URL('export/metrics.js', dist).href);
const { startWebServer } = await import(new URL('export/http-server.js', dist).href);
const { landingVnis } = await import(new URL('export/landing-page.js', dist).href);

export function parseScrapeArgs(argv) {
  const o = { vnis: 256, sessions: 1_000_000, scrapes: 50, json: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--vnis') o.vnis = Number(argv[++i]);
    else if (a === '--sessions') o.sessions = Number(argv[++i]);
    else if (a === '--scrapes') o.scrapes = Number(argv[++i]);
    else if (a === '--json') o.json = true;
    else throw new Error(`unknown argument ${a}`);
  }
  return o;
}

// Frame layout (offsets into the 104-byte frame).
const VNI_AT = 46; // VXLAN header at 42: flags 1, reserved 3, VNI 3, reserved 1
const INNER_IP = 64; // inner IPv4 after outer 14 + 20 + 8 + VXLAN 8 + inner Ethernet 14
const INNER_TCP = INNER_IP + 20;
const FRAME_LEN = INNER_TCP + 20;
const SYN = 0x02;
const ACK = 0x10;
const FIN = 0x01;

function template() {
  const f = Buffer.alloc(FRAME_LEN);
  // outer Ethernet: dst, src, IPv4
  f.set([2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x08, 0x00], 0);
  // outer IPv4: v4 IHL 5, total length, TTL 64, UDP, 10.0.0.1 -> 10.0.0.2
  f.set([0x45, 0, 0, 0, 0, 0, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2], 14);
  f.writeUInt16BE(FRAME_LEN - 14, 16);
  // outer UDP: 50000 -> 4789, length
  f.writeUInt16BE(50000, 34);
  f.writeUInt16BE(4789, 36);
  f.writeUInt16BE(FRAME_LEN - 34, 38);
  f[42] = 0x08; // VXLAN I flag
  // inner Ethernet
  f.set([2, 0, 0, 0, 1, 1, 2, 0, 0, 0, 1, 2, 0x08, 0x00], 50);
  // inner IPv4: TCP, total length 40
  f.set([0x45, 0, 0, 40, 0, 0, 0x40, 0, 64, 6, 0, 0], INNER_IP);
  f[INNER_TCP + 12] = 5 << 4; // data offset
  f.writeUInt16BE(65535, INNER_TCP + 14); // window
  return f;
}

/** One TCP segment of session `i` in VNI `vni`; `reply` swaps the direction. */
function setSegment(f, vni, i, flags, reply, seq, ack) {
  f.writeUIntBE(vni, VNI_AT, 3);
  const client = 0x0a000000 + (i >>> 14); // 10.x.y.z: 16384 ports per client address
  const clientPort = 1024 + (i & 0x3fff);
  const server = 0xc0a80001;
  f.writeUInt32BE(reply ? server : client, INNER_IP + 12);
  f.writeUInt32BE(reply ? client : server, INNER_IP + 16);
  f.writeUInt16BE(reply ? 443 : clientPort, INNER_TCP);
  f.writeUInt16BE(reply ? clientPort : 443, INNER_TCP + 2);
  f.writeUInt32BE(seq >>> 0, INNER_TCP + 4);
  f.writeUInt32BE(ack >>> 0, INNER_TCP + 8);
  f[INNER_TCP + 13] = flags;
}

function percentile(sorted, q) {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

export async function scrapeLatency({ vnis, sessions, scrapes }, log = console.error) {
  const tracker = new SessionTracker({ maxSessions: Math.max(sessions, 1) });
  const pipeline = new Pipeline(makeDecoderConfig(), tracker);
  const f = template();
  const t0 = 1_700_000_000;
  const buildStart = performance.now();
  let ns = 0;
  const tick = () => (ns = (ns + 500) % 1e9); // all within one second of capture time
  for (let i = 0; i < sessions; i++) {
    setSegment(f, 1000 + (i % vnis), i, SYN, false, 1000, 0);
    pipeline.onFrame(f, 0, FRAME_LEN, FRAME_LEN, t0, tick(), 1);
  }
  // Complete the handshake of the first 8 sessions of each VNI, and close 4 of them, for histogram samples.
  for (let i = 0; i < Math.min(sessions, 8 * vnis); i++) {
    const vni = 1000 + (i % vnis);
    setSegment(f, vni, i, SYN | ACK, true, 5000, 1001);
    pipeline.onFrame(f, 0, FRAME_LEN, FRAME_LEN, t0, tick(), 1);
    setSegment(f, vni, i, ACK, false, 1001, 5001);
    pipeline.onFrame(f, 0, FRAME_LEN, FRAME_LEN, t0, tick(), 1);
    if (i < 4 * vnis) {
      setSegment(f, vni, i, FIN | ACK, false, 1001, 5001);
      pipeline.onFrame(f, 0, FRAME_LEN, FRAME_LEN, t0, tick(), 1);
      setSegment(f, vni, i, FIN | ACK, true, 5001, 1002);
      pipeline.onFrame(f, 0, FRAME_LEN, FRAME_LEN, t0, tick(), 1);
    }
  }
  const buildSeconds = (performance.now() - buildStart) / 1000;
  log(`scrape bench: ${vnis} VNIs, ${tracker.liveSessions} live sessions built in ${buildSeconds.toFixed(1)} s (${pipeline.decoderStats.frames} frames)`);

  const server = await startWebServer({
    listen: { host: '127.0.0.1', port: 0 },
    registries: createMetrics({ pipeline: () => pipeline, version: 'bench' }),
    readiness: () => ({ ready: true, reason: 'bench' }),
    landing: () => ({ version: 'bench', startedAt: new Date(), sources: [], vnis: landingVnis(pipeline) }),
  });
  const url = `http://127.0.0.1:${server.port}/metrics`;
  const formats = {
    text: {},
    openmetrics: { accept: 'application/openmetrics-text; version=1.0.0' },
  };
  const result = { vnis, liveSessions: tracker.liveSessions, buildSeconds, scrapes, formats: {} };
  try {
    for (const [name, headers] of Object.entries(formats)) {
      for (let w = 0; w < 3; w++) await (await fetch(url, { headers })).text(); // warm-up
      const ms = [];
      let bytes = 0;
      for (let s = 0; s < scrapes; s++) {
        const t = performance.now();
        const body = await (await fetch(url, { headers })).arrayBuffer();
        ms.push(performance.now() - t);
        bytes = body.byteLength;
      }
      ms.sort((a, b) => a - b);
      result.formats[name] = { medianMs: percentile(ms, 0.5), p99Ms: percentile(ms, 0.99), maxMs: ms[ms.length - 1], bytes };
    }
  } finally {
    await server.close();
  }
  return result;
}

export function formatScrapeLatency(r) {
  const lines = [
    `/metrics scrape latency: ${r.vnis} VNIs, ${r.liveSessions} live sessions, ${r.scrapes} sequential scrapes over HTTP on loopback`,
    '| format | median ms | p99 ms | max ms | exposition bytes |',
    '|---|---|---|---|---|',
  ];
  for (const [name, f] of Object.entries(r.formats)) {
    lines.push(`| ${name} | ${f.medianMs.toFixed(1)} | ${f.p99Ms.toFixed(1)} | ${f.maxMs.toFixed(1)} | ${f.bytes} |`);
  }
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const o = parseScrapeArgs(process.argv.slice(2));
  const r = await scrapeLatency(o);
  console.log(o.json ? JSON.stringify(r, null, 2) : formatScrapeLatency(r));
}
