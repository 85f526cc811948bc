// Allocation probe for the whole per-frame path: Pipeline.onFrame = decode +
// outcome counters + per-VNI counters (DESIGN.md §3: nothing allocated per frame).
//
//   npm run build && node --expose-gc test/unit/pipeline-no-alloc.mjs CAPTURE.pcap [--iterations N] [--control] [--sessions]
//        [--allow-source CIDR,...] [--allow-vni LIST] [--datagram PEER,...]
//
// The capture's records are walked once to find their offsets; then the frames
// are replayed round-robin from that one Buffer, as a capture chunk holds them.
// Prints JSON: gcDuringLoop (collections started during the measured run),
// heapGrowthDuringLoop and youngGrowthDuringLoop (bytes in use after the run
// minus before it: the whole heap, and the young generation alone;
// alloc-probe-support.mjs), frames per outcome code and
// per-VNI frame totals. --control allocates one small object per frame, to show
// the probe sees allocation. --allow-source/--allow-vni install the tunnel allow
// lists. --datagram feeds each frame from its VXLAN header on (bytes 42.., the
// capture has untagged Ethernet + IPv4 outers) as a UDP socket's datagram
// (LinkType VXLAN_PAYLOAD), after setting the pipeline's datagram peer from
// the given address strings in turn, as the socket source does with rinfo.
// --sessions adds a SessionTracker to the pipeline
// (lookup, counters, TCP analysis, and the timeouts, closes and re-inserts that
// frame time moving ~1 s per 1,024 frames causes), and prints its figures.
import { performance } from 'node:perf_hooks';
import { classicPcapRecords, watchGc, youngGenerationUsed } from './alloc-probe-support.mjs';

const args = process.argv.slice(2);
const file = args[0];
const iterations = Number(args[args.indexOf('--iterations') + 1]) || 1_000_000;
const control = args.includes('--control');
// --control-every N: one small object every N frames only (too little to start a collection).
const controlEvery = Number(args[args.indexOf('--control-every') + 1]) || 1;
const withSessions = args.includes('--sessions');
// --dedup: with double-mirror detection and --dedup (the frames repeat within the window: most are copies)
const withDedup = args.includes('--dedup');
const flag = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const allowSource = flag('--allow-source');
const allowVni = flag('--allow-vni');
const peers = flag('--datagram')?.split(',');
const VXLAN_PAYLOAD = 0x10001;
const WARM_UP = 300_000;
const VXLAN_AT = 42;
const dist = new URL('../../dist/', import.meta.url);
const { Pipeline } = await import(new URL('pipeline.js', dist).href);
const { makeDecoderConfig } = await import(new URL('decode/decoder-config.js', dist).href);
const { compileTunnelAllow } = await import(new URL('decode/tunnel-allow.js', dist).href);
const { SessionTracker } = await import(new URL('session/session-tracker.js', dist).href);
const { MirrorDedup } = await import(new URL('aggregate/mirror-dedup.js', dist).href);

function newPipeline() {
  const p = new Pipeline(makeDecoderConfig(), withSessions ? new SessionTracker() : undefined, undefined,
    withDedup ? { dedup: new MirrorDedup(), dropDuplicates: true } : {});
  p.allow = compileTunnelAllow(allowSource?.split(',') ?? [], allowVni?.split(',') ?? []);
  return p;
}

const { buf, linkType, off, len, count } = classicPcapRecords(file);
let kept = null;

// Frame time, shared by every run so it never goes back (a restarted clock would turn the capture's
// next SYNs into retransmissions). 1,024 frames a second; with --dedup 2^20, so that each pass over
// the 132-frame capture falls within the 5 ms window of the one before and its frames are copies.
const TICK_BITS = withDedup ? 20 : 10;
const TICK_MASK = (1 << TICK_BITS) - 1;
const NS_PER_TICK = Math.floor(1e9 / (1 << TICK_BITS));
let tick = 0;
// The next record, also shared: the measured run continues the warm-up's stream. Restarting at the
// first record replayed its SYN into a session the warm-up had left half open, a retransmission
// path the warm-up never took (a deoptimization inside the measured run).
let f = 0;

function run(p, n) {
  for (let i = 0; i < n; i++, tick++) {
    if (peers !== undefined) {
      p.datagramPeer.set(peers[i % peers.length]);
      p.onFrame(buf, off[f] + VXLAN_AT, len[f] - VXLAN_AT, len[f] - VXLAN_AT, 1_700_000_000 + (tick >>> TICK_BITS), (tick & TICK_MASK) * NS_PER_TICK, VXLAN_PAYLOAD);
    } else p.onFrame(buf, off[f], len[f], len[f], 1_700_000_000 + (tick >>> TICK_BITS), (tick & TICK_MASK) * NS_PER_TICK, linkType);
    if (control && i % controlEvery === 0) kept = { i };
    if (++f === count) f = 0;
  }
}

// One pipeline, warmed up and then measured, as a daemon has one. A second pipeline made for the
// measurement started with deoptimizations the daemon never sees: V8 had compiled in fields that only
// the first pipeline's objects had held, and the new one's session table grew inside the measured run
// (--trace-deopt: "wrong map", "insufficient type feedback"); the code that ran until the recompile
// boxed numbers (0.64-0.69 MB of young heap). 300 k frames also fill the double-mirror table and
// bring the session table to its steady size (the clock moves 1 s per 1,024 frames).
const pipeline = newPipeline();
// In two calls, so that run() is compiled both by on-stack replacement and as a whole function.
run(pipeline, WARM_UP / 2);
run(pipeline, WARM_UP / 2);

const gc = watchGc();
globalThis.gc();
const before = process.memoryUsage().heapUsed;
const youngBefore = youngGenerationUsed();
const t0 = performance.now();
run(pipeline, iterations);
const t1 = performance.now();
const after = process.memoryUsage().heapUsed;
const youngAfter = youngGenerationUsed();
const gcDuringLoop = await gc.between(t0, t1);

process.stdout.write(
  JSON.stringify({
    iterations,
    warmUp: WARM_UP,
    control,
    gcDuringLoop,
    heapGrowthDuringLoop: after - before,
    youngGrowthDuringLoop: youngAfter - youngBefore,
    frames: pipeline.decoderStats.frames,
    outcomes: pipeline.decoderStats.outcomes(),
    vniFrames: pipeline.vniStats.figures().map((v) => [v.vni, v.frames]),
    duplicates: pipeline.dedup?.duplicates ?? 0,
    keptSomething: kept !== null,
    sessions: pipeline.sessions
      ? pipeline.sessions.stats.figures().map((v) => [v.vni, v.tcp.opened, v.udp.flows, v.icmp.flows])
      : null,
  }) + '\n',
);
