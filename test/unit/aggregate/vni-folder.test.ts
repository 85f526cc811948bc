import { describe, expect, it } from 'vitest';
import { describeVniKey, keyOfDescribed, OTHER_KEY_BASE, VniFolder, vniKey } from '../../../src/aggregate/vni-key.js';
import { makeDecoderConfig } from '../../../src/decode/decoder-config.js';
import { Pipeline } from '../../../src/pipeline.js';
import { replay } from '../../../src/replay.js';
import { SessionTracker } from '../../../src/session/session-tracker.js';

describe('VniFolder', () => {
  it('admits the first maxVnis VNIs, folds the rest per tunnel type and counts them once each', () => {
    const f = new VniFolder(2);
    expect(f.keyFor(vniKey(1, 10))).toBe(vniKey(1, 10));
    expect(f.keyFor(vniKey(1, 20))).toBe(vniKey(1, 20));
    expect(f.keyFor(vniKey(1, 30))).toBe(OTHER_KEY_BASE + 1);
    expect(f.keyFor(vniKey(1, 30))).toBe(OTHER_KEY_BASE + 1);
    expect(f.keyFor(vniKey(2, 40))).toBe(OTHER_KEY_BASE + 2);
    expect(f.keyFor(vniKey(1, 10))).toBe(vniKey(1, 10)); // admitted stays admitted
    expect(f.foldedVnis).toBe(2);
  });

  it('describes keys for labels and back', () => {
    expect(describeVniKey(vniKey(1, 16777215))).toEqual({ tunnel: 'vxlan', vni: 16777215 });
    expect(describeVniKey(OTHER_KEY_BASE + 1)).toEqual({ tunnel: 'vxlan', vni: 'other' });
    expect(keyOfDescribed({ tunnel: 'vxlan', vni: 'other' })).toBe(OTHER_KEY_BASE + 1);
    expect(keyOfDescribed({ tunnel: 'geneve', vni: 7 })).toBe(vniKey(2, 7));
  });
});

describe('--max-vnis through the pipeline', () => {
  // pcaps/crafted/aws-multi-vni.pcap (its tshark oracle): VNI 4012345 60 frames, 4012346 25, 8123456 31,
  // 16777215 16; first seen in the order 4012345, 16777215, 4012346, 8123456 (tshark -e vxlan.vni).
  it('keeps the first two VNIs and folds the other two, frames and sessions alike', async () => {
    const tracker = new SessionTracker({ folder: new VniFolder(2) });
    const pipeline = new Pipeline(makeDecoderConfig(), tracker);
    const { report } = await replay([new URL('../../../pcaps/crafted/aws-multi-vni.pcap', import.meta.url).pathname], {
      decoder: makeDecoderConfig(),
      pipeline,
    });
    expect(report.vnis.map((v) => [v.vni, v.frames])).toEqual([[4012345, 60], [16777215, 16], ['other', 25 + 31]]);
    expect(report.frames).toBe(132);
    expect(pipeline.vniStats.folder.foldedVnis).toBe(2);
    const other = tracker.stats.figures().find((f) => f.vni === 'other')!;
    const unfolded = await replay([new URL('../../../pcaps/crafted/aws-multi-vni.pcap', import.meta.url).pathname], {
      decoder: makeDecoderConfig(),
      pipeline: new Pipeline(makeDecoderConfig(), new SessionTracker()),
    });
    const sessionsOf = (vni: number) => unfolded.report.vnis.find((v) => v.vni === vni)!.sessions!.tcp.opened;
    expect(other.tcp.opened).toBe(sessionsOf(4012346) + sessionsOf(8123456));
  });
});
