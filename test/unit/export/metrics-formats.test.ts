/**
 * The text and OpenMetrics renderings of our registry stay apart: prom-client
 * strips `_total` from a counter object's name in place when an OpenMetrics
 * registry renders it, so a counter shared by both registries lost its
 * `_total` in the text format after the first OpenMetrics scrape.
 */
import { describe, expect, it } from 'vitest';
import { makeDecoderConfig } from '../../../src/decode/decoder-config.js';
import { createMetrics } from '../../../src/export/metrics.js';
import { Pipeline } from '../../../src/pipeline.js';
import { SessionTracker } from '../../../src/session/session-tracker.js';

describe('metrics registries', () => {
  it('text format keeps counter names ending in _total after an OpenMetrics scrape', async () => {
    const pipeline = new Pipeline(makeDecoderConfig(), new SessionTracker());
    const r = createMetrics({ pipeline: () => pipeline, version: '0.0.0-test' });
    const before = await r.text.metrics();
    const om = await r.openMetrics.metrics();
    const after = await r.text.metrics();
    expect(om).toMatch(/^# TYPE vxmon_frames counter$/m);
    expect(om).toMatch(/^vxmon_frames_total 0$/m);
    expect(before).toMatch(/^vxmon_frames_total 0$/m);
    const ours = (text: string) => text.split('\n').filter((l) => /^(# (HELP|TYPE) )?vxmon_/.test(l));
    expect(ours(after)).toEqual(ours(before));
    expect(after).toMatch(/^vxmon_frames_total 0$/m);
    expect(after).not.toMatch(/^vxmon_frames 0$/m);
    expect(await r.ownText.metrics()).toMatch(/^# TYPE vxmon_tcp_sessions_opened_total counter$/m);
  });
});
