/**
 * The whole per-frame path (decode + outcome and per-VNI counters, and with
 * --sessions the session tracker) allocates nothing: 1 M frames of the crafted
 * multi-VNI AWS capture through one Pipeline start no garbage collection. The probe runs in its own
 * `node --expose-gc` process against dist/ (`npm test` builds it first).
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { expectNoAllocation, runAllocProbe, YOUNG_GROWTH_BOUND } from './alloc-probe.js';

const SCRIPT = fileURLToPath(new URL('./pipeline-no-alloc.mjs', import.meta.url));
const CAPTURE = fileURLToPath(new URL('../../pcaps/crafted/aws-multi-vni.pcap', import.meta.url));
const ITERATIONS = 1_000_000;

function probe(extra: string[] = []) {
  return runAllocProbe(SCRIPT, [CAPTURE, '--iterations', String(ITERATIONS), ...extra]);
}

describe('Pipeline.onFrame allocates nothing per frame', () => {
  it('1 M frames over 4 VNIs: no garbage collection, heap flat', () => {
    const r = probe();
    // aws-multi-vni.pcap holds 132 frames, all VXLAN, in 4 VNIs (pcaps/README.md; its tshark oracle).
    expect(r.vniFrames.map(([vni]: [number, number]) => vni)).toEqual([4012345, 4012346, 8123456, 16777215]);
    expect(r.outcomes.decoded).toBe(r.frames);
    expect(r.frames).toBe(300_000 + ITERATIONS); // the probe's warm-up, then the measured run
    expectNoAllocation(r);
  });

  // aws-multi-vni.pcap's outer sources, read with
  //   tshark -r pcaps/crafted/aws-multi-vni.pcap -T fields -E occurrence=f -e ip.src -e vxlan.vni | sort | uniq -c
  // are 10.0.1.10 (VNI 4012345, 60 frames), 10.0.2.20 (4012346, 25), 10.0.3.30 (8123456, 31), 10.0.4.40 (16777215, 16).
  it('with --allow-source and --allow-vni that admit every frame: still no garbage collection', () => {
    const r = probe(['--allow-source', '2001:db8::/32,10.0.0.0/16', '--allow-vni', '4012345-4012346,8123456,16777215']);
    expect(r.outcomes.decoded).toBe(r.frames);
    expectNoAllocation(r);
  });

  it('with an allow list that refuses every frame: all dropped, no VNI series, no garbage collection', () => {
    const r = probe(['--allow-source', '192.168.0.0/16']);
    expect(r.outcomes.tunnel_source_not_allowed).toBe(r.frames);
    expect(r.vniFrames).toEqual([]);
    expectNoAllocation(r);
  });

  it('UDP-socket datagrams with their sender parsed from address text each time: no garbage collection', () => {
    // Three ways a peer's address arrives in dgram's rinfo: IPv4, IPv4-mapped (udp6 socket), IPv6.
    const r = probe(['--datagram', '10.0.1.10,::ffff:10.0.2.20,2001:db8:0:1::7', '--allow-source', '10.0.0.0/16,2001:db8::/32']);
    expect(r.outcomes.decoded).toBe(r.frames);
    expectNoAllocation(r);
  });

  it('with sessions: 1 M frames through the SessionTracker too start no garbage collection', () => {
    // The same frames with a SessionTracker behind the decoder. The probe's clock moves ~1 s per 1,024 frames,
    // so besides lookups and TCP analysis this also runs timeouts, closes and re-inserts (tens of thousands of
    // sessions). One boxed number per frame (a timestamp or a uint32 address passed or stored as a heap number)
    // would be 16 MB here, several collections; the bound leaves room only for the rare paths.
    const r = probe(['--sessions']);
    expect(r.frames).toBe(300_000 + ITERATIONS); // the probe's warm-up, then the measured run
    expect(r.sessions.map(([vni]: number[]) => vni)).toEqual([4012345, 4012346, 8123456, 16777215]);
    expectNoAllocation(r);
  });

  it('with double-mirror detection and --dedup (most frames are copies): no garbage collection either', () => {
    const r = probe(['--dedup']);
    expect(r.duplicates).toBeGreaterThan(ITERATIONS / 2);
    expect(r.outcomes.mirror_duplicate).toBe(r.duplicates);
    expect(r.outcomes.decoded + r.outcomes.mirror_duplicate).toBe(r.frames);
    expectNoAllocation(r);
  });

  it('the probe sees an allocation of one small object per frame (control)', () => {
    const r = probe(['--control']);
    expect(r.gcDuringLoop).toBeGreaterThan(0);
  });

  it('the probe sees one small object per 32 frames, too few to start a collection (control)', () => {
    // 31,250 objects of 16 bytes or more: at least 500 KB in the young generation.
    const r = probe(['--control', '--control-every', '32']);
    expect(r.youngGrowthDuringLoop).toBeGreaterThanOrEqual(YOUNG_GROWTH_BOUND);
  });
});
