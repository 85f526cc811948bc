// Allocation probe for the paced replay's per-frame path: FrameQueue.onFrame
// (copy in), Pacer.waitMs (is it due?), FrameQueue.deliverHead into the real
// Pipeline (DESIGN.md §3: nothing allocated per frame).
//
//   npm run build && node --expose-gc test/unit/export/frame-queue-no-alloc.mjs CAPTURE.pcap [--iterations N] [--control]
//
// The capture's records are queued a capture's worth at a time (as one input
// chunk is) and then delivered, round-robin, at a speed so high that every
// frame is due at once (the pacer's clock is read per frame, but no timer is
// needed). Prints JSON: gcDuringLoop, heapGrowthDuringLoop, youngGrowthDuringLoop
// (as pipeline-no-alloc.mjs), frames, and the
// per-VNI frame totals. --control allocates one small object per frame.
import { performance } from 'node:perf_hooks';
import { classicPcapRecords, watchGc, youngGenerationUsed } from '../alloc-probe-support.mjs';

const args = process.argv.slice(2);
const file = args[0];
const iterations = Number(args[args.indexOf('--iterations') + 1]) || 1_000_000;
const control = args.includes('--control');
const dist = new URL('../../../dist/', import.meta.url);
const { Pipeline } = await import(new URL('pipeline.js', dist).href);
const { makeDecoderConfig } = await import(new URL('decode/decoder-config.js', dist).href);
const { FrameQueue } = await import(new URL('export/frame-queue.js', dist).href);
const { Pacer } = await import(new URL('export/replay-pace.js', dist).href);

const { buf, linkType, off, len, count } = classicPcapRecords(file);
let kept = null;

// Frame time, shared by every run so it never goes back; 1,024 frames a second.
let tick = 0;

function run(queue, pacer, pipeline, n) {
  let done = 0;
  let waited = 0;
  while (done < n) {
    const batch = Math.min(count, n - done);
    for (let f = 0; f < batch; f++) {
      queue.onFrame(buf, off[f], len[f], len[f], 1_700_000_000 + (tick >>> 10), (tick & 1023) * 976_562, linkType);
      tick++;
      if (control) kept = { f };
    }
    while (queue.pending > 0) {
      if (pacer !== null && pacer.waitMs(queue.headSec(), queue.headNsec()) > 0) waited++;
      queue.deliverHead(pipeline);
    }
    done += batch;
  }
  return waited;
}

// One queue, pacer and pipeline, warmed up and then measured, as a replay has one of each (a second set
// made after the warm-up starts the measured run with deoptimizations: see pipeline-no-alloc.mjs).
// The warm-up also creates every VNI row and gives the queue its size.
const pipeline = new Pipeline(makeDecoderConfig());
const queue = new FrameQueue();
const pacer = args.includes('--no-pacer') ? null : new Pacer(1e6);
// In two calls, so that run() is compiled both by on-stack replacement and as a whole function.
run(queue, pacer, pipeline, 150_000);
run(queue, pacer, pipeline, 150_000);

const gc = watchGc();
globalThis.gc();
const before = process.memoryUsage().heapUsed;
const youngBefore = youngGenerationUsed();
const t0 = performance.now();
const waited = run(queue, pacer, pipeline, iterations);
const t1 = performance.now();
const after = process.memoryUsage().heapUsed;
const youngAfter = youngGenerationUsed();
const gcDuringLoop = await gc.between(t0, t1);

process.stdout.write(
  JSON.stringify({
    iterations,
    control,
    waited,
    gcDuringLoop,
    heapGrowthDuringLoop: after - before,
    youngGrowthDuringLoop: youngAfter - youngBefore,
    frames: pipeline.decoderStats.frames,
    decoded: pipeline.decoderStats.byOutcome[0],
    vniFrames: pipeline.vniStats.figures().map((v) => [v.vni, v.frames]),
    keptSomething: kept !== null,
  }) + '\n',
);
