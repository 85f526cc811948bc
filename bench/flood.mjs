#!/usr/bin/env node
// Session-flood bench: a replay of N distinct-tuple SYNs (bench/syn-flood.mjs,
// cached in bench/.cache/) through the objects `vxmon replay` builds, once per
// --max-sessions value, each in a fresh process. Reports frames/s, evictions,
// live sessions, V8 heap after a gc with the table still full, and peak RSS.
// Reported, never asserted.
//
//   node bench/flood.mjs [--frames 10000000] [--max-sessions 1000000,100000]

import fs from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { writeSynPcap } from './syn-flood.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(name);
  return i < 0 ? def : args[i + 1];
};

if (opt('--child') !== undefined) {
  // one measurement: --child FILE --max-sessions M
  const { readCaptureFile } = await import('../dist/capture/pcap-file-source.js');
  const { makeDecoderConfig } = await import('../dist/decode/decoder-config.js');
  const { Pipeline } = await import('../dist/pipeline.js');
  const { SessionTracker } = await import('../dist/session/session-tracker.js');
  const { VniFolder } = await import('../dist/aggregate/vni-key.js');
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc');
  const maxSessions = Number(opt('--max-sessions'));
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  const tracker = new SessionTracker({ folder: new VniFolder(256), maxSessions });
  const pipeline = new Pipeline(makeDecoderConfig(), tracker);
  const t0 = performance.now();
  await readCaptureFile(opt('--child'), pipeline);
  const secs = (performance.now() - t0) / 1e3;
  gc();
  const mem = process.memoryUsage();
  const f = tracker.stats.figures()[0];
  console.log(JSON.stringify({
    max_sessions: maxSessions,
    frames: pipeline.decoderStats.frames,
    seconds: Number(secs.toFixed(1)),
    frames_per_second: Math.round(pipeline.decoderStats.frames / secs),
    evictions: f.evictions,
    live_sessions: tracker.liveSessions,
    heap_used_mb: Math.round(mem.heapUsed / 2 ** 20),
    heap_growth_mb: Math.round((mem.heapUsed - heapBefore) / 2 ** 20),
    table_mb: Math.round(tracker.table.bytesAllocated() / 2 ** 20),
    rss_mb: Math.round(mem.rss / 2 ** 20),
    max_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
  }));
  process.exit(0);
}

const frames = Number(opt('--frames', '10000000'));
const sizes = opt('--max-sessions', '1000000,100000').split(',').map(Number);
const file = path.join(HERE, '.cache', `syn-flood-${frames}.pcap`);
fs.mkdirSync(path.dirname(file), { recursive: true });
if (!fs.existsSync(file)) {
  const t0 = performance.now();
  writeSynPcap(file, frames);
  process.stderr.write(`flood: wrote ${file} (${(fs.statSync(file).size / 1e9).toFixed(2)} GB) in ${((performance.now() - t0) / 1e3).toFixed(1)} s\n`);
} else process.stderr.write(`flood: reusing ${file}\n`);
for (const m of sizes) {
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', file, '--max-sessions', String(m)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) throw new Error(`child for --max-sessions ${m} exited ${r.status}`);
  process.stdout.write(r.stdout);
}
