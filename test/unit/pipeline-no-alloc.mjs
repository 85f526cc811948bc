// Allocation probe for the whole per-frame path: Pipeline.onFrame = decode +
// outcome counters + per-VNI counters (DESIGN.md §3: nothing allocated per frame).
//
//   npm run build && node --expose-gc test/unit/pipeline-no-alloc.mjs CAPTURE.pcap [--iterations N] [--control] [--sessions]
//        [--allow-source CIDR,...] [--allow-vni LIST] [--datagram PEER,...]
//
// The capture's records are walked once to find their offsets; then the frames
// are replayed round-robin from that one Buffer, as a capture chunk holds them.
// Prints JSON: gcDuringLoop (collections started during the measured run),
// heapGrowthDuringLoop (bytes; no gc in between), frames per outcome code and
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
import { classicPcapRecords, watchGc } from './alloc-probe-support.mjs';

const args = process.argv.slice(2);
const file = args[0];
const iterations = Number(args[args.indexOf('--iterations') + 1]) || 1_000_000;
const control = args.includes('--control');
const withSessions = args.includes('--sessions');
// --dedup: with double-mirror detection and --dedup (the frames repeat within the window: most are copies)
const withDedup = args.includes('--dedup');
const flag = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const allowSource = flag('--allow-source');
const allowVni = flag('--allow-vni');
const peers = flag('--datagram')?.split(',');
const VXLAN_PAYLOAD = 0x10001;
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

function run(p, n) {
  let f = 0;
  for (let i = 0; i < n; i++) {
    if (peers !== undefined) {
      p.datagramPeer.set(peers[i % peers.length]);
      p.onFrame(buf, off[f] + VXLAN_AT, len[f] - VXLAN_AT, len[f] - VXLAN_AT, 1_700_000_000 + (i >>> 10), i & 0x3fffffff, VXLAN_PAYLOAD);
    } else p.onFrame(buf, off[f], len[f], len[f], 1_700_000_000 + (i >>> 10), i & 0x3fffffff, linkType);
    if (control) kept = { i };
    if (++f === count) f = 0;
  }
}

run(newPipeline(), 300_000); // warm up the compiler
const pipeline = newPipeline();
// Every VNI row exists before the measured run. With --dedup the measured pipeline itself runs longer
// first: its table fills and its pair table settles (the first 300 k frames compile late paths, not per frame).
run(pipeline, withDedup ? 300_000 : count);

const gc = watchGc();
globalThis.gc();
const before = process.memoryUsage().heapUsed;
const t0 = performance.now();
run(pipeline, iterations);
const t1 = performance.now();
const after = process.memoryUsage().heapUsed;
const gcDuringLoop = await gc.between(t0, t1);

process.stdout.write(
  JSON.stringify({
    iterations,
    control,
    gcDuringLoop,
    heapGrowthDuringLoop: after - before,
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
