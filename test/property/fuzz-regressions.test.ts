/**
 * Every frame `npm run fuzz` ever caught (test/property/fuzz-regressions/*.json)
 * goes through the pipeline again: it must end as exactly one outcome other
 * than internal_error, and never throw.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { makeDecoderConfig } from '../../src/decode/decoder-config.js';
import { Pipeline } from '../../src/pipeline.js';
import { SessionTracker } from '../../src/session/session-tracker.js';
import { VniFolder } from '../../src/aggregate/vni-key.js';
import { CaptureReader } from '../../src/capture/capture-reader.js';
import { InputError } from '../../src/errors.js';

const DIR = new URL('./fuzz-regressions/', import.meta.url);
const cases = readdirSync(DIR).filter((f) => f.endsWith('.json'));

describe('fuzz regressions', () => {
  if (cases.length === 0) it.skip('no fuzz regression recorded yet (see fuzz-regressions/README.md)', () => {});
  for (const name of cases) {
    it(name, () => {
      const c = JSON.parse(readFileSync(new URL(name, DIR), 'utf8'));
      const tracker = new SessionTracker({ folder: new VniFolder(16), maxSessions: 1000 });
      const pipeline = new Pipeline(makeDecoderConfig({ vxlanPorts: [4789, 8472] }), tracker);
      if (c.pcapHex !== undefined) {
        const reader = new CaptureReader('regression.pcap', pipeline);
        try {
          reader.feed(Buffer.from(c.pcapHex, 'hex'));
          reader.finish();
        } catch (e) {
          expect(e).toBeInstanceOf(InputError);
        }
      } else {
        const frame = Buffer.from(c.hex, 'hex');
        pipeline.onFrame(frame, 0, frame.length, c.wireLength, 1_700_000_000, 0, c.linkType);
        expect(pipeline.decoderStats.frames).toBe(1);
      }
      expect(pipeline.decoderStats.outcomes().internal_error).toBe(0);
      tracker.finish();
    });
  }
});
