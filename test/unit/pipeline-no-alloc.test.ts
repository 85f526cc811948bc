/**
 * The whole per-frame path (decode + outcome and per-VNI counters) allocates
 * nothing: 1 M frames of the crafted multi-VNI AWS capture through one
 * Pipeline start no garbage collection. The probe runs in its own
 * `node --expose-gc` process against dist/ (`npm test` builds it first).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SCRIPT = fileURLToPath(new URL('./pipeline-no-alloc.mjs', import.meta.url));
const CAPTURE = fileURLToPath(new URL('../../pcaps/crafted/aws-multi-vni.pcap', import.meta.url));
const ITERATIONS = 1_000_000;

function probe(extra: string[] = []) {
  const r = spawnSync(process.execPath, ['--expose-gc', SCRIPT, CAPTURE, '--iterations', String(ITERATIONS), ...extra], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout);
}

describe('Pipeline.onFrame allocates nothing per frame', () => {
  it('1 M frames over 4 VNIs: no garbage collection, heap flat', () => {
    const r = probe();
    // aws-multi-vni.pcap holds 132 frames, all VXLAN, in 4 VNIs (pcaps/README.md; its tshark oracle).
    expect(r.vniFrames.map(([vni]: [number, number]) => vni)).toEqual([4012345, 4012346, 8123456, 16777215]);
    expect(r.outcomes.decoded).toBe(r.frames);
    expect(r.frames).toBe(132 + ITERATIONS);
    expect(r.gcDuringLoop).toBe(0);
    expect(r.heapGrowthDuringLoop).toBeLessThan(256 * 1024);
  });

  it('with double-mirror detection and --dedup (most frames are copies): no garbage collection either', () => {
    const r = probe(['--dedup']);
    expect(r.duplicates).toBeGreaterThan(ITERATIONS / 2);
    expect(r.outcomes.mirror_duplicate).toBe(r.duplicates);
    expect(r.outcomes.decoded + r.outcomes.mirror_duplicate).toBe(r.frames);
    expect(r.gcDuringLoop).toBe(0);
    expect(r.heapGrowthDuringLoop).toBeLessThan(256 * 1024);
  });

  it('the probe sees an allocation of one small object per frame (control)', () => {
    const r = probe(['--control']);
    expect(r.gcDuringLoop).toBeGreaterThan(0);
  });
});
