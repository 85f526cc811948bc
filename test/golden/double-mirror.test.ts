/**
 * Double mirroring on the crafted pair pcaps/crafted/mirror-single.pcap (13
 * packets between two ENIs, mirrored once under VNI 100) and
 * mirror-double.pcap (the same 13 packets, each twice: under VNI 100, then
 * 50 µs later under VNI 200), both from pcaps/gen/make-fixtures.mjs
 * (doubleMirrorTraffic). Expected figures, counted by hand from that script:
 *   - 13 duplicates, all in the pair (vxlan/100, vxlan/200): every VNI-200 frame is a copy;
 *   - sessions of the single mirror: 1 TCP (packets 1-9, FIN close), 1 UDP flow (10-11), 1 ICMP flow (12-13);
 *   - with --dedup, mirror-double.pcap reports exactly what mirror-single.pcap reports (VNI 100), and
 *     its 13 VNI-200 frames end as mirror_duplicate;
 *   - without --dedup the numbers stay raw (VNI 200 has the same sessions again) but the 13 are reported;
 *   - a window shorter than the 50 µs gap finds none.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MirrorDedup } from '../../src/aggregate/mirror-dedup.js';
import { makeDecoderConfig } from '../../src/decode/decoder-config.js';
import { Pipeline } from '../../src/pipeline.js';
import { replay } from '../../src/replay.js';
import { SessionTracker } from '../../src/session/session-tracker.js';

const CRAFTED = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'pcaps', 'crafted');

async function run(file: string, dropDuplicates: boolean, windowSeconds?: number) {
  const decoder = makeDecoderConfig();
  const tracker = new SessionTracker();
  const pipeline = new Pipeline(decoder, tracker, tracker.stats.folder, {
    dedup: new MirrorDedup(windowSeconds, tracker.stats.folder),
    dropDuplicates,
  });
  const { report, error } = await replay([path.join(CRAFTED, file)], { decoder, pipeline });
  expect(error).toBeUndefined();
  return report;
}

const PAIR = { a: { tunnel: 'vxlan', vni: 100 }, b: { tunnel: 'vxlan', vni: 200 }, frames: 13 };

describe('double mirroring (crafted mirror-single / mirror-double)', () => {
  it('the single mirror: one VNI, 1 TCP session, 1 UDP flow, 1 ICMP flow, no duplicates', async () => {
    const single = await run('mirror-single.pcap', true);
    expect(single.vnis.map((v) => `${v.tunnel}/${v.vni}`)).toEqual(['vxlan/100']);
    const s = single.vnis[0].sessions!;
    expect([s.tcp.opened, s.tcp.closed.fin, s.udp.flows, s.icmp.flows]).toEqual([1, 1, 1, 1]);
    expect(single.duplicates).toEqual({ dedup: true, window_seconds: 0.005, frames: 0, pairs: [] });
  });

  it('--dedup: the double mirror counts what the single mirror counts; the copies are mirror_duplicate', async () => {
    const single = await run('mirror-single.pcap', true);
    const double = await run('mirror-double.pcap', true);
    expect(double.vnis).toEqual(single.vnis);
    expect(double.frames).toBe(26);
    expect(double.outcomes.decoded).toBe(13);
    expect(double.outcomes.mirror_duplicate).toBe(13);
    expect(double.duplicates).toEqual({ dedup: true, window_seconds: 0.005, frames: 13, pairs: [PAIR] });
  });

  it('without --dedup the figures stay raw and the duplicates are still reported per VNI pair', async () => {
    const single = await run('mirror-single.pcap', false);
    const double = await run('mirror-double.pcap', false);
    expect(double.outcomes.decoded).toBe(26);
    expect(double.outcomes.mirror_duplicate).toBe(0);
    expect(double.vnis.map((v) => `${v.tunnel}/${v.vni}`)).toEqual(['vxlan/100', 'vxlan/200']);
    expect(double.vnis[0]).toEqual(single.vnis[0]);
    expect(double.vnis[1].sessions).toEqual(single.vnis[0].sessions);
    expect(double.duplicates).toEqual({ dedup: false, window_seconds: 0.005, frames: 13, pairs: [PAIR] });
  });

  it('copies 50 µs apart are not duplicates under a 40 µs window, and are under a 60 µs one', async () => {
    expect((await run('mirror-double.pcap', true, 40e-6)).duplicates!.frames).toBe(0);
    expect((await run('mirror-double.pcap', true, 60e-6)).duplicates!.frames).toBe(13);
  });

  it('time going backwards (the single mirror replayed twice): each frame of the second pass is a copy, same VNI', async () => {
    // Two files add up as one capture; the second file's frames repeat the first's times exactly, so
    // every one of its 13 frames is a copy of a packet seen at the same time: pair (vxlan/100, vxlan/100).
    const decoder = makeDecoderConfig();
    const pipeline = new Pipeline(decoder, undefined, undefined, { dedup: new MirrorDedup() });
    const file = path.join(CRAFTED, 'mirror-single.pcap');
    const { report } = await replay([file, file], { decoder, pipeline });
    expect(report.duplicates!.pairs).toEqual([{ a: { tunnel: 'vxlan', vni: 100 }, b: { tunnel: 'vxlan', vni: 100 }, frames: 13 }]);
  });
});
