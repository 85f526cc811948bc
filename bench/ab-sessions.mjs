#!/usr/bin/env node
// A/B of the session path: two (or more) compiled trees in one process, runs
// interleaved, so that this VM's ±30 % drift between runs hits every tree alike.
//
//   node bench/ab-sessions.mjs --dist A_DIST --dist B_DIST [--runs K (5)] [--file PATH] [--mode procs|e2e|replay|both|check]
//
// A_DIST / B_DIST are `dist/` directories (copy one aside before changing the
// code: `cp -r dist bench/.cache/dist-base`; a copy under the repository still
// finds node_modules). Default: only ./dist.
//
//   procs   run.mjs's own pattern, one fresh process per tree and round (K
//           rounds, trees alternating): three (b) runs, then three (d) runs;
//           reported per tree: the best (b) and (d) over all rounds, and the
//           median over rounds of each process's best. Use this for figures
//           to quote: alternating (b) and (d) in one process, as e2e does,
//           made (d) slower than run.mjs measures it (more so for the old
//           column layout), although its A/B direction agreed.
//   e2e     per tree and run: (b) readCaptureFile into a Pipeline without
//           sessions, then (d) the same with a SessionTracker (finish() at the
//           end, as run.mjs does). Reported: best and median M frames/s, and
//           what sessions add per frame, (d) - (b) in ns, best against best.
//   replay  sessions alone: every frame is decoded once (by the first tree) and
//           the PacketView fields the tracker reads are kept in typed arrays;
//           each run then copies them back into a view of the tree under test,
//           frame by frame, and calls onPacket. The copy costs the same for
//           every tree, so differences are the tracker's.
//   check   not timed: per tree, passes with sessions and an onFlow that
//           digests every flow record (all fields, in order of closing) and
//           then the per-VNI session figures; the trees must agree. Three
//           configurations: the defaults; a 1,000-session table (evictions);
//           timeouts of 0.3 s (sweeps and expiry on lookup). Run it before
//           trusting a speed-up.
// Times are wall seconds (AB_CPU=1: CPU seconds of this process); AB_STUB=1
// replaces the tracker by an empty one in replay mode (the loop's own cost).
// The capture is bench/.cache/aws-1000000-1.pcap unless --file says otherwise.
// Reported, never asserted.

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

function parseArgs(argv) {
  const o = { dists: [], runs: 5, file: path.join(here, '.cache/aws-1000000-1.pcap'), mode: 'procs', child: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--dist') o.dists.push(path.resolve(argv[++i]));
    else if (a === '--runs') o.runs = Number(argv[++i]);
    else if (a === '--file') o.file = path.resolve(argv[++i]);
    else if (a === '--mode') o.mode = argv[++i];
    else if (a === '--child') o.child = true;
    else throw new Error(`unknown argument ${a}`);
  }
  if (o.dists.length === 0) o.dists.push(path.join(here, '../dist'));
  return o;
}

function getGc() {
  if (typeof globalThis.gc === 'function') return globalThis.gc;
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc');
}

async function load(dist) {
  return {
    dist,
    ...(await import(path.join(dist, 'capture/pcap-file-source.js'))),
    ...(await import(path.join(dist, 'pipeline.js'))),
    ...(await import(path.join(dist, 'decode/decoder-config.js'))),
    ...(await import(path.join(dist, 'session/session-tracker.js'))),
    ...(await import(path.join(dist, 'decode/packet-view.js'))),
  };
}

// The PacketView fields SessionTracker.onPacket and what it calls read.
const INT_FIELDS = [
  'innerIpVersion', 'innerFragmentOffset', 'l4Offset', 'innerProto', 'srcPort', 'dstPort', 'icmpType',
  'tunnelType', 'vni', 'outerTunnelType', 'outerVni', 'tunnelDepth', 'innerIpLength', 'payloadLength',
  'tcpFlags', 'tcpWindow',
];
const U32_FIELDS = [
  'innerSrc4', 'innerDst4', 'innerSrc6a', 'innerSrc6b', 'innerSrc6c', 'innerSrc6d',
  'innerDst6a', 'innerDst6b', 'innerDst6c', 'innerDst6d', 'tcpSeq', 'tcpAck',
];

/** Decode once; keep what the tracker reads, per frame that reaches it. */
async function snapshot(m, file) {
  const ints = [];
  const u32s = [];
  const meta = []; // tsSec, tsNsec, icmpId
  const p = new m.Pipeline(m.makeDecoderConfig());
  const sink = {
    onFrame(buf, offset, capturedLength, wireLength, tsSec, tsNsec, linkType) {
      const outcome = p.onFrame(buf, offset, capturedLength, wireLength, tsSec, tsNsec, linkType);
      const v = p.view;
      if (outcome !== 0 || v.innerIpVersion === 0) return outcome;
      for (const f of INT_FIELDS) ints.push(v[f]);
      for (const f of U32_FIELDS) u32s.push(v[f] >>> 0);
      const l4 = v.l4Offset;
      const icmp = v.innerProto === 1 || v.innerProto === 58;
      meta.push(tsSec, tsNsec, icmp && l4 !== 0 && l4 + 6 <= offset + capturedLength ? (buf[l4 + 4] << 8) | buf[l4 + 5] : 0);
      return outcome;
    },
  };
  await m.readCaptureFile(file, sink);
  return { n: meta.length / 3, ints: Int32Array.from(ints), u32s: Uint32Array.from(u32s), meta: Float64Array.from(meta) };
}

function replayOnce(m, snap) {
  const tracker = process.env.AB_STUB ? { onPacket() {}, finish() {} } : new m.SessionTracker();
  const v = new m.PacketView();
  const { n, ints, u32s, meta } = snap;
  const ni = INT_FIELDS.length;
  const nu = U32_FIELDS.length;
  const t0 = now();
  for (let i = 0; i < n; i++) {
    const a = i * ni;
    const b = i * nu;
    v.innerIpVersion = ints[a]; v.innerFragmentOffset = ints[a + 1]; v.l4Offset = ints[a + 2]; v.innerProto = ints[a + 3];
    v.srcPort = ints[a + 4]; v.dstPort = ints[a + 5]; v.icmpType = ints[a + 6]; v.tunnelType = ints[a + 7];
    v.vni = ints[a + 8]; v.outerTunnelType = ints[a + 9]; v.outerVni = ints[a + 10]; v.tunnelDepth = ints[a + 11];
    v.innerIpLength = ints[a + 12]; v.payloadLength = ints[a + 13]; v.tcpFlags = ints[a + 14]; v.tcpWindow = ints[a + 15];
    v.innerSrc4 = u32s[b]; v.innerDst4 = u32s[b + 1]; v.innerSrc6a = u32s[b + 2]; v.innerSrc6b = u32s[b + 3];
    v.innerSrc6c = u32s[b + 4]; v.innerSrc6d = u32s[b + 5]; v.innerDst6a = u32s[b + 6]; v.innerDst6b = u32s[b + 7];
    v.innerDst6c = u32s[b + 8]; v.innerDst6d = u32s[b + 9]; v.tcpSeq = u32s[b + 10]; v.tcpAck = u32s[b + 11];
    // Both ways of giving the ICMP identifier: the view field (this tree) and the argument older trees took.
    v.icmpId = meta[3 * i + 2];
    tracker.onPacket(v, meta[3 * i], meta[3 * i + 1], meta[3 * i + 2]);
  }
  tracker.finish('end_of_capture');
  return { seconds: now() - t0, n };
}

async function e2eOnce(m, file, withSessions) {
  const tracker = withSessions ? new m.SessionTracker() : undefined;
  const p = new m.Pipeline(m.makeDecoderConfig(), tracker);
  const t0 = now();
  const st = await m.readCaptureFile(file, p);
  tracker?.finish('end_of_capture');
  return { seconds: now() - t0, n: st.frames };
}

/** Digest of every flow record and the per-VNI figures of one pass with sessions. */
async function digestOnce(m, file, opts) {
  const h = createHash('sha256');
  let flows = 0;
  const tracker = new m.SessionTracker({
    ...opts,
    onFlow: (r) => {
      flows++;
      const o = {};
      for (const k of Object.keys(r)) o[k] = ArrayBuffer.isView(r[k]) ? Array.from(r[k]) : r[k];
      h.update(JSON.stringify(o));
    },
  });
  const p = new m.Pipeline(m.makeDecoderConfig(), tracker);
  await m.readCaptureFile(file, p);
  const live = tracker.liveSessions;
  tracker.finish('end_of_capture');
  h.update(JSON.stringify(tracker.stats.figures()));
  return { flows, live, digest: h.digest('hex').slice(0, 16) };
}

/**
 * Seconds: wall time, as bench/run.mjs measures; AB_CPU=1 for the CPU time of
 * this process (user + system, GC helper threads included), which leaves out
 * time the VM gave to other processes but not what they did to the caches.
 */
const now = process.env.AB_CPU
  ? () => {
      const u = process.cpuUsage();
      return (u.user + u.system) / 1e6;
    }
  : () => performance.now() / 1000;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const k = s.length >> 1;
  return s.length % 2 ? s[k] : (s[k - 1] + s[k]) / 2;
};
const fmt = (n, secs) => `${(n / Math.min(...secs) / 1e6).toFixed(2)} / ${(n / median(secs) / 1e6).toFixed(2)}`;

/** One process's run.mjs pattern for one tree: three (b) runs, then three (d) runs (JSON on stdout). */
async function childRun(m, file, gc) {
  const b = [];
  const d = [];
  for (let r = 0; r < 3; r++) {
    gc();
    b.push((await e2eOnce(m, file, false)).seconds);
  }
  let frames = 0;
  for (let r = 0; r < 3; r++) {
    gc();
    const x = await e2eOnce(m, file, true);
    d.push(x.seconds);
    frames = x.n;
  }
  console.log(JSON.stringify({ b: Math.min(...b), d: Math.min(...d), frames }));
}

function procs(o) {
  const res = o.dists.map(() => ({ b: [], d: [] }));
  let frames = 0;
  for (let r = 0; r < o.runs; r++) {
    const order = o.dists.map((_, i) => i);
    if (r % 2) order.reverse();
    for (const i of order) {
      const c = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', '--dist', o.dists[i], '--file', o.file], { encoding: 'utf8' });
      if (c.status !== 0) throw new Error(`child for ${o.dists[i]} failed: ${c.stderr}`);
      const x = JSON.parse(c.stdout.trim().split('\n').pop());
      res[i].b.push(x.b);
      res[i].d.push(x.d);
      frames = x.frames;
    }
  }
  console.log(`${o.runs} rounds of one process per tree (3 (b) runs, then 3 (d) runs, as run.mjs); best / median-of-round-bests M frames/s; sessions ns/frame = (d) - (b)`);
  o.dists.forEach((d, i) => {
    const x = res[i];
    const nsBest = ((Math.min(...x.d) - Math.min(...x.b)) / frames) * 1e9;
    const nsMed = ((median(x.d) - median(x.b)) / frames) * 1e9;
    console.log(`${path.relative(process.cwd(), d) || d}:  (b) ${fmt(frames, x.b)}  (d) ${fmt(frames, x.d)}  sessions ${nsBest.toFixed(0)} / ${nsMed.toFixed(0)} ns/frame`);
  });
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  if (o.mode === 'procs' && !o.child) return procs(o);
  const gc = getGc();
  const trees = [];
  for (const d of o.dists) trees.push(await load(d));
  if (o.child) return childRun(trees[0], o.file, gc);
  if (o.mode === 'check') {
    const short = { tcpOpening: 0.3, tcpEstablished: 0.3, tcpClosed: 0.3, udp: 0.3, icmp: 0.3 };
    for (const [name, opts] of [['defaults', {}], ['1,000 sessions', { maxSessions: 1000 }], ['0.3 s timeouts', { timeouts: short }]]) {
      const ds = [];
      for (const t of trees) {
        const x = await digestOnce(t, o.file, opts);
        ds.push(x.digest);
        console.log(`${name}: ${path.relative(process.cwd(), t.dist) || t.dist}: ${x.flows} flow records, ${x.live} live before finish, digest ${x.digest}`);
      }
      if (new Set(ds).size !== 1) {
        console.log(`check (${name}): the trees DISAGREE`);
        process.exitCode = 1;
      } else console.log(`check (${name}): the trees agree`);
    }
    return;
  }
  const res = trees.map(() => ({ b: [], d: [], r: [] }));
  let frames = 0;
  let replayN = 0;
  let snap = null;
  if (o.mode !== 'e2e') snap = await snapshot(trees[0], o.file);
  for (let r = 0; r < o.runs; r++) {
    // Alternate the order each run so no tree always runs first.
    const order = trees.map((_, i) => i);
    if (r % 2) order.reverse();
    for (const i of order) {
      if (o.mode !== 'replay') {
        gc();
        const b = await e2eOnce(trees[i], o.file, false);
        gc();
        const d = await e2eOnce(trees[i], o.file, true);
        res[i].b.push(b.seconds);
        res[i].d.push(d.seconds);
        frames = b.n;
      }
      if (snap) {
        gc();
        const x = replayOnce(trees[i], snap);
        res[i].r.push(x.seconds);
        replayN = x.n;
      }
    }
  }
  console.log(`${o.runs} runs, best / median M frames/s; session ns/frame = (d) - (b), best against best and median against median`);
  trees.forEach((t, i) => {
    const x = res[i];
    let line = `${path.relative(process.cwd(), t.dist) || t.dist}:`;
    if (x.b.length) {
      const nsBest = ((Math.min(...x.d) - Math.min(...x.b)) / frames) * 1e9;
      const nsMed = ((median(x.d) - median(x.b)) / frames) * 1e9;
      line += `  (b) ${fmt(frames, x.b)}  (d) ${fmt(frames, x.d)}  sessions ${nsBest.toFixed(0)} / ${nsMed.toFixed(0)} ns/frame`;
    }
    if (x.r.length) {
      line += `  replay ${fmt(replayN, x.r)} (${((Math.min(...x.r) / replayN) * 1e9).toFixed(0)} ns/packet best)`;
    }
    console.log(line);
  });
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
