#!/usr/bin/env node
// vxmon throughput bench (`npm run bench`). Reported, never asserted: no speed
// figure makes this exit non-zero.
//
//   (a) read only      readCaptureFile() into a sink that only sums capturedLength
//   (b) pipeline       readCaptureFile() into the real Pipeline (decode + per-VNI stats)
//   (b') layers only   (b) with DecoderConfig.commonShape false, interleaved with (b)
//   (c) plain loop     bench/plain-loop.mjs: readSync chunks + VNI at a fixed offset
//   (d) full pipeline  (b) plus the SessionTracker (sessions + their per-VNI aggregates),
//                      ending with finish('end_of_capture') as a replay does
// Then bench/session-memory.mjs runs as a child process (a fresh heap): bytes per
// live session with --sessions N (1e6) sessions in the table, and
//   (e) /metrics       bench/scrape-latency.mjs: scrape latency and size, text and
//                      OpenMetrics, with --scrape-vnis VNIs and --scrape-sessions live sessions
//   (f) pipeline + double-mirror detection (what vxmon replay/run always do)
//   (g) pipeline + detection + --dedup (copies end as mirror_duplicate)
//   (j) replay's work  (d) + double-mirror detection: per frame, what `vxmon replay` and `vxmon run` do
//   (h) C reference    bench/c-reference.c vni: read(2) + VNI counts, in (b)'s rounds
//   (i) C reference    bench/c-reference.c sessions: (h) + a 5-tuple hash table, in (d)'s rounds
//                      (both compiled with cc into bench/.cache/; skipped without a compiler)
// and, as root with cap built, bench/live-lo.mjs: live capture on lo beside tcpdump (bench/LIVE.md).
//
// Options: --frames N (1e6) --seed S (1) --runs K (3) --file PATH --sessions N --json
//          --scrape-vnis N (256) --scrape-sessions N (1e6) --scrapes N (30) --no-scrape
//          --allow-source CIDR,... --allow-vni LIST (figure (b) with the tunnel allow lists on)
//          --no-live (skip the live capture bench; --json skips it too)
// The capture comes from bench/gen-aws-capture.mjs, cached in bench/.cache/.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { ensureCapture } from './gen-aws-capture.mjs';
import { plainVniCount } from './plain-loop.mjs';
import { formatScrapeLatency, scrapeLatency } from './scrape-latency.mjs';

const TARGET_FPS = 5e6; // the issue's goal for (b) on one core; information only
const TARGET_FULL_FPS = 3e6; // the sessions issue's goal for (d) end to end on one core; information only
// Where the issues set those goals, a plain Node loop doing VNI counts (our (c)) ran at 6.5-7.5 M frames/s.
// On this VM the same loop has run at 6.9-7.4 M/s in a quiet hour and at 4.0-5.1 in busy ones (bench/README.md),
// so the bench also gives (b) and (d) as fractions of (c): a target met where (c) ran 6.5-7.5 M/s means (b) at
// 5/7.5-5/6.5 = 67-77 % of (c), and (d) at 3/7.5-3/6.5 = 40-46 %. (c) runs in the rounds of (b), (d) right
// after them; the fractions still move with the VM (by about 10 points between two runs of the bench).
const REFERENCE_PLAIN_LOOP_FPS = [6.5e6, 7.5e6];
// The issues also quote C loops on their machine: reading plus VNI counts at 7-9 M frames/s, and "a C loop with a
// simple hash table" at 3.4-6 M/s. (h) and (i) are such loops (bench/c-reference.c), run here in the same rounds, so
// (b) / (h) and (d) / (i) can be set against 5/9-5/7 and 3/6-3/3.4.
const REFERENCE_C_VNI_FPS = [7e6, 9e6];
const REFERENCE_C_SESSIONS_FPS = [3.4e6, 6e6];
const C_REFERENCE = path.join(path.dirname(fileURLToPath(import.meta.url)), '.cache', 'c-reference');

/** bench/c-reference.c compiled once into bench/.cache/; undefined (and why) without a compiler. */
function cReference() {
  const src = fileURLToPath(new URL('./c-reference.c', import.meta.url));
  if (fs.existsSync(C_REFERENCE) && fs.statSync(C_REFERENCE).mtimeMs >= fs.statSync(src).mtimeMs) return { exe: C_REFERENCE };
  fs.mkdirSync(path.dirname(C_REFERENCE), { recursive: true });
  const r = spawnSync('cc', ['-O2', '-o', C_REFERENCE, src], { encoding: 'utf8' });
  if (r.error) return { why: `no C compiler (cc: ${r.error.code ?? r.error.message})` };
  return r.status === 0 ? { exe: C_REFERENCE } : { why: `cc failed: ${r.stderr.trim().split('\n')[0]}` };
}

/** One run of the C reference loop in `mode` ('vni' | 'sessions'): its own timing of the loop, in seconds. */
function runCReference(exe, mode, file) {
  const r = spawnSync(exe, [mode, file], { encoding: 'utf8', maxBuffer: 16 << 20 });
  if (r.status !== 0) throw new Error(`c-reference ${mode} failed (${r.status ?? r.signal}): ${r.stderr.trim()}`);
  return JSON.parse(r.stdout);
}

// `npm run bench -- --overload [--seconds S]`: the overload burst instead (bench/overload.mjs).
if (process.argv.includes('--overload')) {
  const { runOverload } = await import('./overload.mjs');
  const i = process.argv.indexOf('--seconds');
  console.log(JSON.stringify(await runOverload({ seconds: i < 0 ? 10 : Number(process.argv[i + 1]) }), null, 2));
  process.exit(0);
}

// ------------------------------------------------------------------ options

function parseArgs(argv) {
  const o = {
    frames: 1_000_000, seed: 1, runs: 3, file: null, sessions: 1_000_000, json: false,
    scrapeVnis: 256, scrapeSessions: 1_000_000, scrapes: 30, scrape: true,
    allowSource: null, allowVni: null, live: true,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--frames') o.frames = Number(val());
    else if (a === '--seed') o.seed = Number(val());
    else if (a === '--runs') o.runs = Number(val());
    else if (a === '--file') o.file = val();
    else if (a === '--sessions') o.sessions = Number(val());
    else if (a === '--json') o.json = true;
    else if (a === '--scrape-vnis') o.scrapeVnis = Number(val());
    else if (a === '--scrape-sessions') o.scrapeSessions = Number(val());
    else if (a === '--scrapes') o.scrapes = Number(val());
    else if (a === '--no-scrape') o.scrape = false;
    else if (a === '--no-live') o.live = false;
    else if (a === '--allow-source') o.allowSource = val();
    else if (a === '--allow-vni') o.allowVni = val();
    else if (a === '-h' || a === '--help') {
      console.log('usage: npm run bench -- [--frames N] [--seed S] [--runs K] [--file PATH] [--sessions N] [--json] [--scrape-vnis N] [--scrape-sessions N] [--scrapes N] [--no-scrape] [--allow-source CIDR,...] [--allow-vni LIST] [--no-live] | --overload [--seconds S]');
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  if (!Number.isSafeInteger(o.frames) || o.frames < 1) throw new Error('--frames must be a positive integer');
  if (!Number.isInteger(o.seed)) throw new Error('--seed must be an integer');
  if (!Number.isSafeInteger(o.runs) || o.runs < 1) throw new Error('--runs must be a positive integer');
  if (!Number.isSafeInteger(o.sessions) || o.sessions < 1) throw new Error('--sessions must be a positive integer');
  return o;
}

// ------------------------------------------------------------------ helpers

/** A gc() handle without needing --expose-gc on the command line. */
function getGc() {
  if (typeof globalThis.gc === 'function') return globalThis.gc;
  try {
    v8.setFlagsFromString('--expose-gc');
    return vm.runInNewContext('gc');
  } catch {
    return () => {};
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

function summarise(seconds, frames, bytes) {
  const best = Math.min(...seconds);
  const med = median(seconds);
  return {
    seconds: seconds.map((s) => +s.toFixed(4)),
    framesPerSec: { best: frames / best, median: frames / med },
    mbPerSec: { best: bytes / 1e6 / best, median: bytes / 1e6 / med },
  };
}

/** Reads the whole file once so every mode starts with a warm page cache. */
function warmPageCache(file) {
  const fd = fs.openSync(file, 'r');
  const b = Buffer.allocUnsafe(4 << 20);
  try {
    while (fs.readSync(fd, b, 0, b.length, null) > 0);
  } finally {
    fs.closeSync(fd);
  }
}

const mb = (n) => (n / 1e6).toFixed(1);
const mfps = (n) => (n / 1e6).toFixed(2);

// ------------------------------------------------------------------ main

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const log = opts.json ? (...a) => console.error(...a) : (...a) => console.log(...a);

  let file;
  if (opts.file) {
    file = path.resolve(opts.file);
    if (!fs.existsSync(file)) throw new Error(`${opts.file}: no such file`);
  } else {
    file = ensureCapture({ frames: opts.frames, seed: opts.seed, log });
  }
  const fileBytes = fs.statSync(file).size;
  let meta = null;
  const metaPath = file.replace(/\.pcap$/, '') + '.json';
  if (!opts.file && fs.existsSync(metaPath)) {
    try { meta = JSON.parse(fs.readFileSync(metaPath, 'utf8')); } catch { meta = null; }
  }

  // The project under test, compiled by `npm run build`.
  let readCaptureFile, Pipeline, makeDecoderConfig, SessionTracker, MirrorDedup;
  let allowList;
  try {
    ({ readCaptureFile } = await import('../dist/capture/pcap-file-source.js'));
    ({ Pipeline } = await import('../dist/pipeline.js'));
    ({ makeDecoderConfig } = await import('../dist/decode/decoder-config.js'));
    if (opts.allowSource !== null || opts.allowVni !== null) {
      const { compileTunnelAllow } = await import('../dist/decode/tunnel-allow.js');
      allowList = compileTunnelAllow(opts.allowSource?.split(',') ?? [], opts.allowVni?.split(',') ?? []);
    }
    ({ SessionTracker } = await import('../dist/session/session-tracker.js'));
    ({ MirrorDedup } = await import('../dist/aggregate/mirror-dedup.js'));
  } catch (e) {
    throw new Error(`cannot load the compiled project from dist/ (run \`npm run build\` first): ${e.message}`);
  }

  const gc = getGc();
  const cpu = os.cpus();
  const machine = {
    node: process.version,
    cpu: cpu[0]?.model?.trim() ?? 'unknown',
    cores: cpu.length,
    platform: `${os.platform()} ${os.arch()}`,
    totalMemGB: +(os.totalmem() / 2 ** 30).toFixed(1),
  };

  log(`capture: ${path.relative(process.cwd(), file) || file} (${mb(fileBytes)} MB)`);
  log(`machine: Node ${machine.node}, ${machine.cpu}, ${machine.cores} cores, ${machine.platform}`);
  log(`warming the page cache, then ${opts.runs} run(s) per figure ...`);
  warmPageCache(file);

  // (a) read only
  const readSecs = [];
  let readFrames = 0;
  let readSum = 0;
  for (let r = 0; r < opts.runs; r++) {
    const sink = {
      sum: 0,
      frames: 0,
      onFrame(buf, offset, capturedLength) {
        this.sum += capturedLength;
        this.frames++;
      },
    };
    const t0 = performance.now();
    const st = await readCaptureFile(file, sink);
    readSecs.push((performance.now() - t0) / 1000);
    readFrames = st.frames;
    readSum = sink.sum;
    if (sink.frames !== st.frames) log(`  note: sink saw ${sink.frames} frames, reader reported ${st.frames}`);
  }
  const frames = readFrames;

  // (b) the pipeline
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  const pipeSecs = [];
  const layeredSecs = [];
  // (c), the plain loop, runs in the same rounds as (b) and (b'), so that (b) / (c) compares runs minutes apart at most.
  const plainSecs = [];
  // (h) too, and (i) in (d)'s rounds.
  const cRef = cReference();
  const cVniSecs = [];
  const cSessionSecs = [];
  let cVni = null;
  let cSessions = null;
  let plain = null;
  let layeredByVni = null;
  let p = null;
  let heapAfter = 0;
  for (let r = 0; r < opts.runs; r++) {
    // (b') first, interleaved with (b): the same work with every frame decoded layer by
    // layer (no common shape, src/decode/common-shape.ts), to show what that function saves.
    let q = new Pipeline(makeDecoderConfig({ commonShape: false }));
    q.allow = allowList;
    gc();
    let t0 = performance.now();
    await readCaptureFile(file, q);
    layeredSecs.push((performance.now() - t0) / 1000);
    layeredByVni = q.vniStats.figures();
    q = null;
    p = null;
    gc();
    p = new Pipeline(makeDecoderConfig());
    p.allow = allowList;
    t0 = performance.now();
    await readCaptureFile(file, p);
    pipeSecs.push((performance.now() - t0) / 1000);
    heapAfter = process.memoryUsage().heapUsed;
    t0 = performance.now();
    plain = plainVniCount(file);
    plainSecs.push((performance.now() - t0) / 1000);
    if (cRef.exe) {
      cVni = runCReference(cRef.exe, 'vni', file);
      cVniSecs.push(cVni.seconds);
    }
  }
  gc();
  const heapRetained = process.memoryUsage().heapUsed;
  const outcomes = p.decoderStats.outcomes();
  const pipeFrames = p.decoderStats.frames;
  const decoded = outcomes.decoded ?? 0;
  const dropped = Object.fromEntries(Object.entries(outcomes).filter(([k, v]) => k !== 'decoded' && v > 0));
  const vniCount = p.vniStats.size;
  const pipeByVni = new Map(p.vniStats.figures().filter((f) => f.tunnel === 'vxlan').map((f) => [f.vni, f.frames]));
  // Both decoders must have counted the same: every per-VNI figure, not only frames.
  const layeredAgrees = JSON.stringify(layeredByVni) === JSON.stringify(p.vniStats.figures());

  // (d) the full pipeline: decode + per-VNI stats + sessions and their aggregates.
  p = null;
  const fullSecs = [];
  let full = null;
  for (let r = 0; r < opts.runs; r++) {
    full = null;
    gc();
    const tracker = new SessionTracker();
    const fp = new Pipeline(makeDecoderConfig(), tracker);
    const t0 = performance.now();
    await readCaptureFile(file, fp);
    const peakSessions = tracker.liveSessions;
    tracker.finish('end_of_capture');
    fullSecs.push((performance.now() - t0) / 1000);
    full = { tracker, pipeline: fp, peakSessions };
    if (cRef.exe) {
      cSessions = runCReference(cRef.exe, 'sessions', file);
      cSessionSecs.push(cSessions.seconds);
    }
  }
  const sessionFigures = full.tracker.stats.figures();
  const sum = (f) => sessionFigures.reduce((s, x) => s + f(x), 0);
  const fullWork = {
    frames: full.pipeline.decoderStats.frames,
    tcpSessions: sum((x) => x.tcp.opened),
    udpFlows: sum((x) => x.udp.flows),
    icmpFlows: sum((x) => x.icmp.flows),
    midStream: sum((x) => x.tcp.mid_stream),
    evictions: sum((x) => x.evictions),
    sessionsAtEnd: full.peakSessions,
    untracked: full.tracker.untracked,
  };
  full = null;

  // (f), (g) the pipeline with double-mirror detection, without and with --dedup
  const dedupSecs = { detect: [], drop: [] };
  const dedupFigures = {};
  for (let r = 0; r < opts.runs; r++) {
    for (const mode of ['detect', 'drop']) {
      let q = null;
      gc();
      q = new Pipeline(makeDecoderConfig(), undefined, undefined, { dedup: new MirrorDedup(), dropDuplicates: mode === 'drop' });
      const t0 = performance.now();
      await readCaptureFile(file, q);
      dedupSecs[mode].push((performance.now() - t0) / 1000);
      dedupFigures[mode] = { duplicates: q.dedup.duplicates, pairs: q.dedup.pairs().length };
    }
  }

  // (j) what `vxmon replay` runs per frame: sessions and double-mirror detection together (no flow records written).
  const replaySecs = [];
  for (let r = 0; r < opts.runs; r++) {
    gc();
    const tracker = new SessionTracker();
    const q = new Pipeline(makeDecoderConfig(), tracker, undefined, { dedup: new MirrorDedup() });
    const t0 = performance.now();
    await readCaptureFile(file, q);
    tracker.finish('end_of_capture');
    replaySecs.push((performance.now() - t0) / 1000);
  }


  // Heap per live session: a child process, so this heap's leftovers do not count.
  log(`session memory: ${opts.sessions.toLocaleString('en-US')} live sessions in a child process ...`);
  const memChild = spawnSync(
    process.execPath,
    ['--expose-gc', fileURLToPath(new URL('./session-memory.mjs', import.meta.url)), '--sessions', String(opts.sessions), '--json'],
    { encoding: 'utf8', maxBuffer: 16 << 20 },
  );
  if (memChild.status !== 0) throw new Error(`session-memory.mjs failed (${memChild.status}): ${memChild.stderr.trim()}`);
  const sessionMemory = JSON.parse(memChild.stdout);

  // Cross-check: the pipeline's per-VNI frame counts against the plain loop's.
  let agree = plain.byVni.size === pipeByVni.size;
  if (agree) for (const [vni, n] of plain.byVni) if (pipeByVni.get(vni) !== n) { agree = false; break; }
  // And the C reference's, so that (h) is seen to have done the same counting.
  let cAgree = null;
  if (cVni) {
    const cByVni = Object.entries(cVni.byVni);
    cAgree = cByVni.length === pipeByVni.size && cByVni.every(([vni, n]) => pipeByVni.get(Number(vni)) === n);
  }

  const result = {
    capture: {
      file,
      frames,
      bytes: fileBytes,
      generated: meta
        ? {
            seed: meta.seed,
            vnis: meta.vnis,
            sessionsStarted: meta.sessions,
            meanFrameBytes: meta.meanFrameBytes,
            framesByProto: meta.framesByProto,
          }
        : null,
    },
    machine,
    runs: opts.runs,
    readOnly: { ...summarise(readSecs, frames, fileBytes), capturedBytes: readSum },
    pipeline: {
      ...summarise(pipeSecs, frames, fileBytes),
      targetFramesPerSec: TARGET_FPS,
      targetMetByBest: frames / Math.min(...pipeSecs) >= TARGET_FPS,
      frames: pipeFrames,
      decoded,
      dropped,
      vnis: vniCount,
      perVniAgreesWithPlainLoop: agree,
    },
    pipelineLayersOnly: { ...summarise(layeredSecs, frames, fileBytes), perVniAgreesWithPipeline: layeredAgrees },
    plainLoop: { ...summarise(plainSecs, plain.frames, fileBytes), vnis: plain.byVni.size },
    // Best over best: (b) and (d) as fractions of the plain loop, and what their targets were as fractions of it.
    ofPlainLoop: {
      pipeline: Math.min(...plainSecs) / Math.min(...pipeSecs),
      fullPipeline: Math.min(...plainSecs) / Math.min(...fullSecs),
      pipelineTarget: REFERENCE_PLAIN_LOOP_FPS.map((r) => TARGET_FPS / r).reverse(),
      fullPipelineTarget: REFERENCE_PLAIN_LOOP_FPS.map((r) => TARGET_FULL_FPS / r).reverse(),
    },
    cReference: cRef.exe
      ? {
          vni: { ...summarise(cVniSecs, cVni.frames, fileBytes), perVniAgreesWithPipeline: cAgree },
          sessions: { ...summarise(cSessionSecs, cSessions.frames, fileBytes), tableEntries: cSessions.entries },
          // Best over best, and the targets as fractions of the C figures the issues quote.
          pipelineOfC: Math.min(...cVniSecs) / Math.min(...pipeSecs),
          fullPipelineOfC: Math.min(...cSessionSecs) / Math.min(...fullSecs),
          pipelineTarget: REFERENCE_C_VNI_FPS.map((r) => TARGET_FPS / r).reverse(),
          fullPipelineTarget: REFERENCE_C_SESSIONS_FPS.map((r) => TARGET_FULL_FPS / r).reverse(),
        }
      : { skipped: cRef.why },
    fullPipeline: {
      ...summarise(fullSecs, frames, fileBytes),
      targetFramesPerSec: TARGET_FULL_FPS,
      targetMetByBest: frames / Math.min(...fullSecs) >= TARGET_FULL_FPS,
      ...fullWork,
    },
    sessionMemory,
    dedupDetect: { ...summarise(dedupSecs.detect, frames, fileBytes), ...dedupFigures.detect },
    dedupDrop: { ...summarise(dedupSecs.drop, frames, fileBytes), ...dedupFigures.drop },
    replayWork: summarise(replaySecs, frames, fileBytes),
    heap: {
      beforePipelineBytes: heapBefore,
      afterPipelineBytes: heapAfter,
      afterPipelineGcBytes: heapRetained,
      maxRssBytes: process.resourceUsage().maxRSS * 1024,
    },
  };

  if (opts.scrape) {
    // After the throughput figures, so its million sessions do not weigh on them.
    result.scrape = await scrapeLatency({ vnis: opts.scrapeVnis, sessions: opts.scrapeSessions, scrapes: opts.scrapes }, log);
  }

  if (opts.json) {
    const round = (k, v) => (typeof v === 'number' && !Number.isInteger(v) ? +v.toPrecision(6) : v);
    console.log(JSON.stringify(result, round, 2));
    return;
  }

  const row = (label, s, extra = '') =>
    `${label.padEnd(30)}${`${mfps(s.framesPerSec.best)} / ${mfps(s.framesPerSec.median)}`.padStart(16)}` +
    `${`${s.mbPerSec.best.toFixed(0)} / ${s.mbPerSec.median.toFixed(0)}`.padStart(16)}  ${extra}`;
  log('');
  log(`${frames.toLocaleString('en-US')} frames, ${mb(fileBytes)} MB; best / median of ${opts.runs} run(s)`);
  log(`${''.padEnd(30)}${'M frames/s'.padStart(16)}${'MB/s'.padStart(16)}`);
  log(row('(a) read only', result.readOnly));
  log(
    row(
      '(b) read + decode + per-VNI',
      result.pipeline,
      `target >= ${mfps(TARGET_FPS)} M/s (info): ${result.pipeline.targetMetByBest ? 'met' : 'not met'}`,
    ),
  );
  log(row("(b') (b), layers only", result.pipelineLayersOnly, `no common shape; per-VNI figures ${layeredAgrees ? 'equal' : 'DIFFER FROM'} (b)'s`));
  log(row('(c) plain loop (VNI only)', result.plainLoop, 'reference, no validation'));
  log(
    row(
      '(d) (b) + sessions',
      result.fullPipeline,
      `target >= ${mfps(TARGET_FULL_FPS)} M/s (info): ${result.fullPipeline.targetMetByBest ? 'met' : 'not met'}`,
    ),
  );
  log(row('(f) (b) + double-mirror detect', result.dedupDetect, `${result.dedupDetect.duplicates} copies in ${result.dedupDetect.pairs} VNI pairs`));
  log(row('(g) (f) + --dedup', result.dedupDrop, `${result.dedupDrop.duplicates} copies set aside`));
  log(row('(j) (d) + double-mirror detect', result.replayWork, 'per frame, what vxmon replay does'));
  const cr = result.cReference;
  if (cr.skipped) {
    log(`(h), (i) C reference loops: skipped, ${cr.skipped}`);
  } else {
    log(row('(h) C: read + VNI', cr.vni, `bench/c-reference.c; per-VNI frame counts ${cr.vni.perVniAgreesWithPipeline ? 'equal' : 'DIFFER FROM'} (b)'s`));
    log(row('(i) C: (h) + 5-tuple table', cr.sessions, `${cr.sessions.tableEntries.toLocaleString('en-US')} table entries`));
  }
  const pct = (x) => (100 * x).toFixed(0);
  const of = result.ofPlainLoop;
  log(
    `relative to (c): (b) ${pct(of.pipeline)} %, (d) ${pct(of.fullPipeline)} %; the targets, set where (c) ran at ` +
      `${REFERENCE_PLAIN_LOOP_FPS.map(mfps).join('-')} M/s: (b) ${of.pipelineTarget.map(pct).join('-')} %, ` +
      `(d) ${of.fullPipelineTarget.map(pct).join('-')} %`,
  );
  if (!cr.skipped) {
    log(
      `relative to C: (b) / (h) ${pct(cr.pipelineOfC)} %, (d) / (i) ${pct(cr.fullPipelineOfC)} %; the targets, set where C ran at ` +
        `${REFERENCE_C_VNI_FPS.map(mfps).join('-')} and ${REFERENCE_C_SESSIONS_FPS.map(mfps).join('-')} M/s: ` +
        `(b) ${cr.pipelineTarget.map(pct).join('-')} %, (d) ${cr.fullPipelineTarget.map(pct).join('-')} %`,
    );
  }
  log('');
  const droppedText = Object.keys(dropped).length
    ? Object.entries(dropped).map(([k, v]) => `${k} ${v}`).join(', ')
    : 'none dropped';
  log(`(b) frames ${pipeFrames.toLocaleString('en-US')}, decoded ${decoded.toLocaleString('en-US')} (${droppedText}), VNIs ${vniCount}`);
  log(`    per-VNI frame counts ${agree ? 'agree' : 'DO NOT agree'} with the plain loop (${plain.byVni.size} VNIs)`);
  const n = (x) => x.toLocaleString('en-US');
  log(
    `(d) frames ${n(fullWork.frames)}: ${n(fullWork.tcpSessions)} TCP sessions (${n(fullWork.midStream)} mid-stream), ` +
      `${n(fullWork.udpFlows)} UDP and ${n(fullWork.icmpFlows)} ICMP flows, ${n(fullWork.evictions)} evictions, ` +
      `${n(fullWork.sessionsAtEnd)} in the table at the end, ${n(fullWork.untracked)} untracked packets`,
  );
  const sm = sessionMemory;
  log(
    `session memory: ${sm.bytesPerSession.toFixed(1)} B per live session at ${n(sm.liveSessions)} sessions ` +
      `(heap ${sm.heapBytesPerSession.toFixed(1)} + arrayBuffers ${sm.arrayBufferBytesPerSession.toFixed(1)}); ` +
      `target <= ${sm.targetBytesPerSession} B (info): ${sm.targetMet ? 'met' : 'not met'}`,
  );
  log(
    `heap used: ${mb(heapBefore)} MB before (b), ${mb(heapAfter)} MB right after, ` +
      `${mb(heapRetained)} MB after gc with the last Pipeline alive; max RSS ${mb(result.heap.maxRssBytes)} MB`,
  );
  if (result.scrape) {
    log('');
    log(formatScrapeLatency(result.scrape));
  }
  if (opts.live) {
    // Live capture on lo beside tcpdump (bench/LIVE.md). It needs root and cap, and says so and exits 0 without them.
    log('');
    const live = spawnSync(process.execPath, [fileURLToPath(new URL('./live-lo.mjs', import.meta.url))], { stdio: 'inherit' });
    if (live.status !== 0) log(`live capture bench: exited ${live.status ?? live.signal}`);
  }
}

main().catch((e) => {
  console.error(`bench: ${e.message}`);
  process.exitCode = 1;
});
