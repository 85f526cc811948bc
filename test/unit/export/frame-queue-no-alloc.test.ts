/**
 * The paced replay's per-frame path (copy into the FrameQueue, ask the Pacer
 * whether the frame is due, deliver it to the Pipeline) allocates nothing:
 * 1 M frames of the crafted multi-VNI capture start no garbage collection.
 * The probe runs in its own `node --expose-gc` process against dist/ (alloc-probe.ts).
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { expectNoAllocation, runAllocProbe } from '../alloc-probe.js';

const SCRIPT = fileURLToPath(new URL('./frame-queue-no-alloc.mjs', import.meta.url));
const CAPTURE = fileURLToPath(new URL('../../../pcaps/crafted/aws-multi-vni.pcap', import.meta.url));
const ITERATIONS = 1_000_000;

function probe(extra: string[] = []) {
  return runAllocProbe(SCRIPT, [CAPTURE, '--iterations', String(ITERATIONS), ...extra]);
}

describe('FrameQueue + Pacer + Pipeline allocate nothing per frame', () => {
  it('1 M frames over 4 VNIs, queued and delivered: no garbage collection, heap flat', () => {
    const r = probe();
    // aws-multi-vni.pcap: 132 frames, all VXLAN, in 4 VNIs (its tshark oracle).
    expect(r.vniFrames.map(([vni]: [number, number]) => vni)).toEqual([4012345, 4012346, 8123456, 16777215]);
    expect(r.frames).toBe(300_000 + ITERATIONS);
    expect(r.decoded).toBe(r.frames);
    expectNoAllocation(r);
  });

  it('the probe sees an allocation of one small object per frame (control)', () => {
    expect(probe(['--control']).gcDuringLoop).toBeGreaterThan(0);
  });
});
