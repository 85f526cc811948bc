/**
 * Nested tunnels: each frame counts under its innermost tunnel and VNI, and
 * the outermost tunnel that carried it is reported (`vnis[].outer_tunnels`).
 * Expected values, not from vxmon:
 *   - crafted sessions-gwlb-geneve-vxlan.pcap: all 10 frames are Geneve VNI 0 -> VXLAN VNI 7601
 *     (pcaps/gen/make-fixtures.mjs, gwlbMirror);
 *   - zeek geneve-vxlan-dns-truncated.pcap: its tshark oracle has 2 Geneve frames in VNI 4242, both
 *     nested (nested_tunnel_frames 2), with embedded VXLAN VNI 4242;
 *   - zeek vxlan-triple-v2.pcap: `tshark -V` shows VXLAN VNI 1 -> 2 -> 3 in its one frame.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { makeDecoderConfig } from '../../src/decode/decoder-config.js';
import { replay } from '../../src/replay.js';

const PCAPS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'pcaps');

const CASES = [
  { file: 'crafted/sessions-gwlb-geneve-vxlan.pcap', row: 'vxlan/7601', frames: 10, outer: [{ tunnel: 'geneve', vni: 0, frames: 10 }] },
  { file: 'corpus/zeek/geneve-vxlan-dns-truncated.pcap', row: 'vxlan/4242', frames: 2, outer: [{ tunnel: 'geneve', vni: 4242, frames: 2 }] },
  { file: 'corpus/zeek/vxlan-triple-v2.pcap', row: 'vxlan/3', frames: 1, outer: [{ tunnel: 'vxlan', vni: 1, frames: 1 }] },
];

describe('golden: nested frames name their outermost tunnel', () => {
  for (const c of CASES) {
    it(c.file, async () => {
      const { report, error } = await replay([path.join(PCAPS, c.file)], { decoder: makeDecoderConfig() });
      expect(error).toBeUndefined();
      expect(report.vnis.map((v) => `${v.tunnel}/${v.vni}`)).toEqual([c.row]);
      expect(report.vnis[0].frames).toBe(c.frames);
      expect(report.vnis[0].outer_tunnels).toEqual(c.outer);
    });
  }

  it('a single tunnel lists no outer tunnel', async () => {
    const { report } = await replay([path.join(PCAPS, 'corpus/zeek/geneve-47101.pcap')], { decoder: makeDecoderConfig() });
    expect(report.vnis.map((v) => v.outer_tunnels)).toEqual([[]]);
  });

  it('with --max-tunnel-depth 1 the GWLB frames stop at Geneve, as inner_tunnel_too_deep', async () => {
    const { report } = await replay([path.join(PCAPS, 'crafted/sessions-gwlb-geneve-vxlan.pcap')], {
      decoder: makeDecoderConfig({ maxTunnelDepth: 1 }),
    });
    expect(report.outcomes.inner_tunnel_too_deep).toBe(10);
    expect(report.vnis.map((v) => [`${v.tunnel}/${v.vni}`, v.frames, v.inner_dropped])).toEqual([['geneve/0', 10, 10]]);
  });
});
