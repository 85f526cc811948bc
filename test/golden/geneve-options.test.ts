/**
 * Geneve options are skipped by their length and counted per VNI
 * (`geneve_options`). The expected counts come from tshark 4.0.17, not from
 * vxmon: for each capture,
 *   tshark -n -r F -Y geneve -T fields -e geneve.option.type | tr , '\n' | grep -c .
 * (one value per option, comma-separated within a frame), and no frame of
 * these captures matches `geneve.flags.oam==1` (control packets).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { makeDecoderConfig } from '../../src/decode/decoder-config.js';
import { replay } from '../../src/replay.js';

const CORPUS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'pcaps', 'corpus');

const CASES: { file: string; options: Record<string, number> }[] = [
  { file: 'zeek/geneve-many-options.pcap', options: { 786734: 30 } },
  // 19 options, all on VNI 10's frames (tcpdump -vv: "options [class Standard (0x0) type 0x80(C) ...]")
  { file: 'tcpdump/geneve.pcap', options: { 10: 19, 11: 0 } },
  { file: 'tcpdump/geneve-gcp.pcap', options: { 0: 3 } },
  { file: 'suricata-verify/bug-6402-01/input.pcap', options: { 0: 36 } },
  { file: 'zeek/geneve-47101.pcap', options: { 4242: 0 } },
];

describe('golden: Geneve options counted as tshark counts them', () => {
  for (const c of CASES) {
    it(c.file, async () => {
      const { report, error } = await replay([path.join(CORPUS, c.file)], { decoder: makeDecoderConfig() });
      expect(error).toBeUndefined();
      const got = Object.fromEntries(report.vnis.filter((v) => v.tunnel === 'geneve').map((v) => [String(v.vni), v.geneve_options]));
      expect(got).toEqual(Object.fromEntries(Object.entries(c.options).map(([k, n]) => [k, n])));
      for (const v of report.vnis) expect(v.geneve_control_frames).toBe(0);
    });
  }
});
