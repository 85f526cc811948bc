import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Pipeline } from '../../src/pipeline.js';
import { makeDecoderConfig } from '../../src/decode/decoder-config.js';
import { OUTCOME_COUNT } from '../../src/decode/outcome.js';

/**
 * The accounting invariant at the pipeline level (DESIGN.md §4): whatever
 * arrives, frames == decoded + sum(drops), every per-VNI frame is also a
 * counted frame, and nothing throws past onFrame.
 */
describe('Pipeline accounting', () => {
  it('counts every random frame exactly once, whatever its bytes and link type', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            bytes: fc.uint8Array({ maxLength: 200 }),
            linkType: fc.constantFrom(1, 101, 113, 228, 229, 276, 0, 12, 65535),
            wireExtra: fc.nat(100),
          }),
          { maxLength: 50 },
        ),
        (frames) => {
          const p = new Pipeline(makeDecoderConfig());
          for (const f of frames) {
            const buf = Buffer.from(f.bytes);
            p.onFrame(buf, 0, buf.length, buf.length + f.wireExtra, 1, 0, f.linkType);
          }
          const outcomes = p.decoderStats.byOutcome;
          expect(outcomes.length).toBe(OUTCOME_COUNT);
          expect(outcomes.reduce((a, b) => a + b, 0)).toBe(frames.length);
          expect(p.decoderStats.frames).toBe(frames.length);
          const vniFrames = p.vniStats.figures().reduce((a, v) => a + v.frames, 0);
          expect(vniFrames).toBeLessThanOrEqual(frames.length);
          expect(p.decoderStats.outcomes().internal_error).toBe(0); // no decoder exception
        },
      ),
      { numRuns: 300 },
    );
  });

  it('counts a frame whose decoder throws as internal_error, once', () => {
    const p = new Pipeline(makeDecoderConfig());
    // An offset past a zero-length Buffer cannot make the decoder throw (it clamps);
    // a null Buffer is the one thing it is not written for: the guard must catch it.
    p.onFrame(null as unknown as Buffer, 0, 10, 10, 0, 0, 1);
    expect(p.decoderStats.outcomes().internal_error).toBe(1);
    expect(p.decoderStats.frames).toBe(1);
    expect(p.vniStats.size).toBe(0);
  });
});
