/**
 * The time-boxed version of `npm run fuzz` (bench/fuzz.mjs): mutated frames
 * from every capture in pcaps/ through the whole pipeline `vxmon replay`
 * builds (decode, sessions with a 500-session table, VNI folding past 8,
 * flow-record formatting), about 30 s in all. No exception may escape, no
 * frame may end as internal_error, every frame is counted once
 * (frames == decoded + sum(drops), checked against our own count of frames
 * fed), and the session table stays within its bound. The engine
 * (test/fuzz/fuzz-engine.mjs) is the one the long run uses; here fast-check
 * builds the cases, so a failure shrinks to a small one and prints its seed.
 */
import fc from 'fast-check';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { readCaptureFile } from '../../src/capture/pcap-file-source.js';
import { CaptureReader } from '../../src/capture/capture-reader.js';
import { InputError } from '../../src/errors.js';
import { PacketView } from '../../src/decode/packet-view.js';
import { decodeFrame } from '../../src/decode/decoder.js';
import { makeDecoderConfig } from '../../src/decode/decoder-config.js';
import { OUTCOME_NAMES } from '../../src/decode/outcome.js';
import { SessionTracker } from '../../src/session/session-tracker.js';
import { DEFAULT_TIMEOUTS } from '../../src/session/tcp-state.js';
import { VniFolder } from '../../src/aggregate/vni-key.js';
import { Pipeline } from '../../src/pipeline.js';
import { flowToJson, flowToVpcLines } from '../../src/export/flow-records.js';
// @ts-expect-error plain ESM shared with bench/fuzz.mjs, no type declarations
import * as engine from '../fuzz/fuzz-engine.mjs';
// @ts-expect-error plain ESM
import { captureFiles } from '../fuzz/capture-files.mjs';

const lib = {
  readCaptureFile, CaptureReader, InputError, PacketView, decodeFrame, makeDecoderConfig, OUTCOME_NAMES,
  SessionTracker, DEFAULT_TIMEOUTS, VniFolder, Pipeline, flowToJson, flowToVpcLines,
};
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SECONDS_EACH = 14;

interface Seed { bytes: Buffer }
let seeds: Seed[] = [];
beforeAll(async () => {
  seeds = await engine.loadSeeds(lib, captureFiles(join(ROOT, 'pcaps')));
});

const caseArb = fc.record({
  seed: fc.nat(),
  muts: fc.array(
    fc.oneof(
      fc.record({ k: fc.integer({ min: 0, max: 6 }), a: fc.nat({ max: 0xffffffff }), b: fc.nat({ max: 0xffffffff }) }),
      // length-field lies: an exact value or a small step from the truth (bit 16 set)
      fc.record({ k: fc.constant(2), a: fc.nat(), b: fc.nat({ max: 0x1ffff }) }),
    ),
    { maxLength: 4 },
  ),
  cut: fc.oneof({ arbitrary: fc.constant(-1), weight: 5 }, { arbitrary: fc.nat({ max: 4096 }), weight: 1 }),
  wireDelta: fc.oneof({ arbitrary: fc.constant(0), weight: 7 }, { arbitrary: fc.integer({ min: -2000, max: 2000 }), weight: 1 }),
  link: fc.oneof(
    { arbitrary: fc.constant(-1), weight: 30 },
    { arbitrary: fc.constantFrom(1, 101, 113, 228, 229, 276, 0x10001), weight: 1 },
    { arbitrary: fc.integer({ min: 0, max: 70000 }), weight: 1 },
  ),
});

describe('the whole pipeline on mutated capture frames', () => {
  it('fast-check cases: no escape, no internal_error, counts add up, table bounded', () => {
    const p = engine.makePipeline(lib, { maxSessions: 500, maxVnis: 8 });
    const clock = { us: 1_700_000_000e6 };
    let fed = 0;
    fc.assert(
      fc.property(fc.array(caseArb, { minLength: 1, maxLength: 64 }), fc.nat(), (cases, rngSeed) => {
        let i = 0;
        engine.runFrameBatch(lib, p, seeds, engine.makeRng(rngSeed), cases.length, clock, () => cases[i++]);
        fed += cases.length;
      }),
      { numRuns: 1_000_000_000, interruptAfterTimeLimit: SECONDS_EACH * 1000 },
    );
    p.tracker.finish('end_of_capture');
    engine.checkInvariants(lib, p, fed);
    const out = p.pipeline.decoderStats.outcomes();
    // the cases must reach deep and exercise the bounds, or the test proves little
    expect(fed).toBeGreaterThan(50_000);
    expect(out.decoded / fed).toBeGreaterThan(0.3);
    expect(Object.values(out).filter((n) => n > 0).length).toBeGreaterThanOrEqual(25);
    expect(p.tracker.stats.figures().reduce((s: number, v: { evictions: number }) => s + v.evictions, 0)).toBeGreaterThan(0);
    expect(p.tracker.stats.folder.foldedVnis).toBeGreaterThan(0);
    expect(p.formatted.flows).toBeGreaterThan(1000);
  });

  it('engine batches (the long run\'s generator) and lying pcap files through CaptureReader', () => {
    const p = engine.makePipeline(lib, { maxSessions: 500, maxVnis: 8, flowFormat: 'vpc-flow-log' });
    const clock = { us: 1_700_000_000e6 };
    let fed = 0;
    let files = 0;
    fc.assert(
      fc.property(fc.nat({ max: 0xffffffff }), (s) => {
        const rng = engine.makeRng(s);
        engine.runFrameBatch(lib, p, seeds, rng, 500, clock);
        fed += 500;
        fed += engine.runFileCase(lib, p, seeds, rng);
        files++;
        engine.checkInvariants(lib, p, fed);
      }),
      { numRuns: 1_000_000_000, interruptAfterTimeLimit: SECONDS_EACH * 1000 },
    );
    expect(fed).toBeGreaterThan(100_000);
    expect(files).toBeGreaterThan(100);
    expect(p.pipeline.decoderStats.outcomes().internal_error).toBe(0);
  });
});
