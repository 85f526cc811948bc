#!/usr/bin/env node
// Session memory: heap + ArrayBuffer bytes per live session in a SessionTracker
// holding N live sessions (default 1,000,000, the default --max-sessions).
//
//   node --expose-gc bench/session-memory.mjs [--sessions N] [--json]
//
// run.mjs runs this as a child process, so the figure is not mixed with what
// the throughput runs left on the heap. Without --expose-gc it re-runs itself
// with the flag.
//
// How: one PacketView is filled by hand, per session, as the decoder would fill
// it for a bare SYN (VXLAN, inner IPv4/TCP, no payload), and handed to
// tracker.onPacket(). Every SYN has a distinct 5-tuple (VNI, source address and
// source port vary), all within one second of frame time, so no session times
// out and none is evicted: after the loop the table holds exactly N live
// sessions. The tracker is never finished.
//
// Measured: process.memoryUsage() heapUsed + arrayBuffers after a full gc
// (typed-array columns live in ArrayBuffers outside the V8 heap, so heapUsed
// alone would miss them), at three points:
//   base    after the imports, before the tracker exists
//   empty   the tracker constructed (its table starts at 1,024 rows)
//   full    N live sessions
// bytes per session = (full - base) / N: everything the tracker holds,
// divided by the sessions it holds. Reported against the target of
// <= 200 B per session at 1 M sessions; information only, never an exit code.

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const TARGET_BYTES = 200;

function parseArgs(argv) {
  const o = { sessions: 1_000_000, json: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--sessions') o.sessions = Number(argv[++i]);
    else if (a === '--json') o.json = true;
    else if (a === '-h' || a === '--help') {
      console.log('usage: node --expose-gc bench/session-memory.mjs [--sessions N] [--json]');
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  if (!Number.isSafeInteger(o.sessions) || o.sessions < 1 || o.sessions > 0x7fffffff) {
    throw new Error('--sessions must be a positive integer');
  }
  return o;
}

function used() {
  globalThis.gc();
  globalThis.gc();
  const m = process.memoryUsage();
  return { heapUsed: m.heapUsed, arrayBuffers: m.arrayBuffers, total: m.heapUsed + m.arrayBuffers };
}

export async function measureSessionMemory(sessions) {
  let SessionTracker, PacketView;
  try {
    ({ SessionTracker } = await import('../dist/session/session-tracker.js'));
    ({ PacketView } = await import('../dist/decode/packet-view.js'));
  } catch (e) {
    throw new Error(`cannot load the compiled project from dist/ (run \`npm run build\` first): ${e.message}`);
  }

  // The view, filled once with the fields a decoded VXLAN/IPv4/TCP SYN has;
  // the loop changes only the VNI, the source address and port, and the ISN.
  const v = new PacketView();
  v.linkType = 1;
  v.outerIpVersion = 4;
  v.tunnelType = 1; // VXLAN
  v.innerIpVersion = 4;
  v.innerIpLength = 60;
  v.innerIpHeaderLength = 20;
  v.innerProto = 6; // TCP
  v.innerDst4 = 0x0a0a0a0a; // 10.10.10.10
  v.innerFragmentOffset = 0;
  v.l4Offset = 84;
  v.dstPort = 443;
  v.tcpFlags = 0x02; // SYN
  v.tcpWindow = 64240;
  v.tcpHeaderLength = 40;
  v.tcpMss = 1460;
  v.tcpWindowScale = 7;
  v.tcpSackPermitted = true;
  v.payloadLength = 0;

  const base = used();
  const tracker = new SessionTracker({ maxSessions: Math.max(sessions, 1_000_000) });
  const empty = used();

  const tsSec = 1_763_900_000;
  const t0 = performance.now();
  for (let i = 0; i < sessions; i++) {
    v.vni = 100 + (i & 7); // 8 VNIs
    v.innerSrc4 = (0x0a100000 + (i >>> 17)) >>> 0; // 10.16.x.x
    v.srcPort = 1024 + ((i >>> 3) & 0x3fff);
    v.tcpSeq = Math.imul(i, 2654435761) >>> 0;
    // 1 µs apart: 1 M sessions span one second of frame time.
    v.tcpTsVal = i;
    tracker.onPacket(v, tsSec, (i % 1_000_000) * 1000);
  }
  const fillSeconds = (performance.now() - t0) / 1000;
  const full = used();

  const live = tracker.liveSessions;
  const evicted = tracker.stats.figures().reduce((s, f) => s + f.tcp.closed.evicted + f.tcp.closed.timeout, 0);
  const result = {
    sessions,
    liveSessions: live,
    closedDuringFill: evicted,
    maxSessions: tracker.table.maxSessions,
    tableRows: tracker.table.capacity,
    tableTypedArrayBytes: tracker.table.bytesAllocated(),
    fillSeconds,
    bytes: { base, empty, full },
    bytesPerSession: (full.total - base.total) / live,
    heapBytesPerSession: (full.heapUsed - base.heapUsed) / live,
    arrayBufferBytesPerSession: (full.arrayBuffers - base.arrayBuffers) / live,
    tableBytesPerSession: tracker.table.bytesAllocated() / live,
    targetBytesPerSession: TARGET_BYTES,
  };
  result.targetMet = result.bytesPerSession <= TARGET_BYTES;
  // Keep the tracker reachable until after the last measurement.
  if (tracker.liveSessions !== live) throw new Error('unreachable');
  return result;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (typeof globalThis.gc !== 'function') {
    // Re-run under --expose-gc (package.json's scripts do not pass it).
    const r = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
      stdio: 'inherit',
    });
    process.exitCode = r.status ?? 1;
    return;
  }
  const r = await measureSessionMemory(opts.sessions);
  if (opts.json) {
    console.log(JSON.stringify(r, null, 2));
    return;
  }
  const mb = (n) => (n / 1e6).toFixed(1);
  const { base, empty, full } = r.bytes;
  console.log(`session memory: ${r.liveSessions.toLocaleString('en-US')} live sessions (max ${r.maxSessions.toLocaleString('en-US')}, ${r.closedDuringFill} closed while filling), filled in ${r.fillSeconds.toFixed(2)} s`);
  console.log(`  heap + arrayBuffers: ${mb(base.total)} MB before the tracker, ${mb(empty.total)} MB empty, ${mb(full.total)} MB full`);
  console.log(
    `  ${r.bytesPerSession.toFixed(1)} B per live session (heap ${r.heapBytesPerSession.toFixed(1)}, arrayBuffers ${r.arrayBufferBytesPerSession.toFixed(1)}; ` +
      `table columns + index ${r.tableBytesPerSession.toFixed(1)}); target <= ${TARGET_BYTES} B (info): ${r.targetMet ? 'met' : 'not met'}`,
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((e) => {
    console.error(`session-memory: ${e.message}`);
    process.exitCode = 1;
  });
}
