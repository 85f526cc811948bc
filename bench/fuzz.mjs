#!/usr/bin/env node
// vxmon pipeline fuzzer (`npm run fuzz`). Mutates the frames of every
// capture in pcaps/ (test/fuzz/fuzz-engine.mjs says how) and runs them
// through decode + sessions + aggregates + flow-record formatting, the
// objects `vxmon replay` builds. After every batch: frames == decoded +
// sum(drops) and the session table within --max-sessions.
//
// Options: --frames N (10,000,000) --seed S (1) --batch-size K (10,000)
//          --batch B (replay only batch B of seed S) --max-sessions M (1000)
//          --max-vnis V (16) --file-every F (one pcap file case per F frames: 64)
//
// A failure prints the seed, batch and frame hex, writes the case to
// test/property/fuzz-regressions/seed-S-batch-B.json (replayed by
// test/property/fuzz-regressions.test.ts) and exits 1.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import * as lib from '../test/fuzz/lib-dist.mjs';
import { captureFiles } from '../test/fuzz/capture-files.mjs';
import { FuzzFailure, batchSeed, checkInvariants, loadSeeds, makePipeline, makeRng, runFileCase, runFrameBatch } from '../test/fuzz/fuzz-engine.mjs';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

function parseArgs(argv) {
  const o = { frames: 10_000_000, seed: 1, batchSize: 10_000, batch: -1, maxSessions: 1000, maxVnis: 16, fileEvery: 64 };
  const names = { '--frames': 'frames', '--seed': 'seed', '--batch-size': 'batchSize', '--batch': 'batch', '--max-sessions': 'maxSessions', '--max-vnis': 'maxVnis', '--file-every': 'fileEvery' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-h' || a === '--help') {
      console.log('usage: npm run fuzz -- [--frames N] [--seed S] [--batch-size K] [--batch B] [--max-sessions M] [--max-vnis V] [--file-every F]');
      process.exit(0);
    }
    const key = names[a];
    if (key === undefined) throw new Error(`unknown argument ${a}`);
    const v = Number(argv[++i]);
    if (!Number.isSafeInteger(v) || (v < 0 && key !== 'batch')) throw new Error(`${a} needs a whole number`);
    o[key] = v;
  }
  return o;
}

const o = parseArgs(process.argv.slice(2));
const files = captureFiles(path.join(ROOT, 'pcaps'));
const seeds = await loadSeeds(lib, files);
process.stderr.write(`fuzz: ${seeds.length} seed frames from ${files.length} captures; seed ${o.seed}, max-sessions ${o.maxSessions}, max-vnis ${o.maxVnis}\n`);

const p = makePipeline(lib, { maxSessions: o.maxSessions, maxVnis: o.maxVnis });
const clock = { us: 1_700_000_000e6 };
const batches = o.batch >= 0 ? [o.batch] : Array.from({ length: Math.ceil(o.frames / o.batchSize) }, (_, b) => b);
let fed = 0;
let fileCases = 0;
const t0 = performance.now();
let lastReport = t0;
for (const b of batches) {
  const rng = makeRng(batchSeed(o.seed, b));
  try {
    const perFile = Math.max(1, Math.floor(o.batchSize / o.fileEvery));
    const step = Math.floor(o.batchSize / perFile);
    for (let done = 0; done < o.batchSize; done += step) {
      const k = Math.min(step, o.batchSize - done);
      runFrameBatch(lib, p, seeds, rng, k, clock);
      fed += k;
      fed += runFileCase(lib, p, seeds, rng);
      fileCases++;
      checkInvariants(lib, p, fed);
    }
  } catch (e) {
    if (!(e instanceof FuzzFailure)) throw e;
    const name = `seed-${o.seed}-batch-${b}`;
    const out = path.join(ROOT, 'test/property/fuzz-regressions', `${name}.json`);
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, JSON.stringify({ name, found: `npm run fuzz -- --seed ${o.seed} --batch ${b} --batch-size ${o.batchSize} --max-sessions ${o.maxSessions} --max-vnis ${o.maxVnis}`, problem: e.message.split('\n')[0], ...e.details }, null, 2) + '\n');
    process.stderr.write(`\nfuzz: FAILED at seed ${o.seed} batch ${b}: ${e.message}\n${JSON.stringify(e.details)}\nwritten to ${path.relative(ROOT, out)}\n`);
    process.exit(1);
  }
  const now = performance.now();
  if (now - lastReport > 2000 && process.stderr.isTTY) {
    lastReport = now;
    process.stderr.write(`\rfuzz: ${(fed / 1e6).toFixed(1)} M frames, ${((fed / (now - t0)) * 1e3 / 1e6).toFixed(2)} M/s `);
  }
}
const secs = (performance.now() - t0) / 1e3;
p.tracker.finish('end_of_capture');
checkInvariants(lib, p, fed);
const out = p.pipeline.decoderStats.outcomes();
const top = Object.entries(out).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]);
const tracker = p.tracker;
console.log(JSON.stringify({
  seed: o.seed,
  frames: fed,
  file_cases: fileCases,
  seconds: Number(secs.toFixed(1)),
  frames_per_second: Math.round(fed / secs),
  decoded: out.decoded,
  outcomes_seen: top.length,
  internal_error: out.internal_error,
  flows_formatted: p.formatted.flows,
  sessions_left: tracker.liveSessions,
  evictions: tracker.stats.figures().reduce((s, v) => s + v.evictions, 0),
  vnis_folded: tracker.stats.folder.foldedVnis,
  max_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
}, null, 2));
