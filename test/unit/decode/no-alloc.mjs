// Allocation probe for decodeFrame (DESIGN.md §3: nothing allocated per frame).
//
//   npm run build
//   node --expose-gc test/unit/decode/no-alloc.mjs [--iterations N] [--control] < frames.json
//
// frames.json: [{ "hex": "<frame bytes>", "linkType": 1 }, ...]. The frames
// are laid end to end in one Buffer (as a capture chunk would hold them) and
// decoded round-robin through one reused PacketView: a warm-up so the
// optimizing compiler has settled, then the measured run between two gc()
// calls. Reported on stdout as JSON:
//   heapGrowthDuringLoop  heapUsed after the run minus before it, no gc in
//                         between (a per-frame allocation of even 16 bytes
//                         would show as ~16 MB for 1 M frames, or as
//                         scavenges below)
//   youngGrowthDuringLoop the same for the young generation only, where every
//                         short-lived object goes
//   gcDuringLoop          garbage collections that started during the run
//   heapRetained          growth that survives a full gc afterwards
//   nsPerFrame, framesPerSecond, outcomes (code -> count)
// --control adds one `subarray()` per frame, the allocation our hot-path rules
// forbid, to show that this probe does see allocation.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { watchGc, youngGenerationUsed } from '../alloc-probe-support.mjs';

if (typeof globalThis.gc !== 'function') {
  console.error('run with node --expose-gc');
  process.exit(2);
}

const args = process.argv.slice(2);
const iterations = Number(args[args.indexOf('--iterations') + 1]) || 1_000_000;
const control = args.includes('--control');

const dist = new URL('../../../dist/decode/', import.meta.url);
const { decodeFrame } = await import(new URL('decoder.js', dist).href);
const { makeDecoderConfig } = await import(new URL('decoder-config.js', dist).href);
const { PacketView } = await import(new URL('packet-view.js', dist).href);
const { OUTCOME_COUNT } = await import(new URL('outcome.js', dist).href);

const specs = JSON.parse(readFileSync(0, 'utf8'));
const chunk = Buffer.concat(specs.map((s) => Buffer.from(s.hex, 'hex')));
const count = specs.length;
const offsets = new Int32Array(count);
const lengths = new Int32Array(count);
const linkTypes = new Int32Array(count);
for (let i = 0, o = 0; i < count; i++) {
  offsets[i] = o;
  lengths[i] = specs[i].hex.length / 2;
  linkTypes[i] = specs[i].linkType;
  o += lengths[i];
}

const config = makeDecoderConfig();
const view = new PacketView();
const outcomes = new Float64Array(OUTCOME_COUNT);
let sink = null;

function run(n) {
  let f = 0;
  for (let i = 0; i < n; i++) {
    const r = decodeFrame(chunk, offsets[f], lengths[f], lengths[f], linkTypes[f], view, config);
    outcomes[r]++;
    if (control) sink = chunk.subarray(offsets[f], offsets[f] + 14);
    if (++f === count) f = 0;
  }
}

// Warm up (twice: once through on-stack replacement, once as a normal call).
run(200_000);
run(200_000);
outcomes.fill(0);

const gc = watchGc();

globalThis.gc();
globalThis.gc();
const before = process.memoryUsage().heapUsed;
const youngBefore = youngGenerationUsed();
const t0 = performance.now();
run(iterations);
const t1 = performance.now();
const after = process.memoryUsage().heapUsed;
const youngAfter = youngGenerationUsed();
globalThis.gc();
const retained = process.memoryUsage().heapUsed;

const gcDuringLoop = await gc.between(t0, t1);

const byCode = {};
outcomes.forEach((n, code) => {
  if (n > 0) byCode[code] = n;
});
process.stdout.write(
  JSON.stringify({
    iterations,
    control,
    frames: count,
    heapGrowthDuringLoop: after - before,
    youngGrowthDuringLoop: youngAfter - youngBefore,
    heapRetained: retained - before,
    gcDuringLoop,
    nsPerFrame: ((t1 - t0) * 1e6) / iterations,
    framesPerSecond: Math.round(iterations / ((t1 - t0) / 1000)),
    outcomes: byCode,
    sinkKept: sink !== null,
  }) + '\n',
);
