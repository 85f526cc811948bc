import type { FrameSink } from './capture/frame-source.js';
import type { DecoderConfig } from './decode/decoder-config.js';
import { decodeFrame } from './decode/decoder.js';
import { Outcome } from './decode/outcome.js';
import { PacketView } from './decode/packet-view.js';
import { DecoderStats } from './aggregate/decoder-stats.js';
import { VniStats } from './aggregate/vni-stats.js';

/**
 * The wiring (DESIGN.md §1): source → decoder → aggregates, as plain
 * synchronous calls. No EventEmitter, Promise or closure per frame.
 * Sessions and exporters plug in here as they arrive.
 */
export class Pipeline implements FrameSink {
  readonly view = new PacketView();
  readonly decoderStats = new DecoderStats();
  readonly vniStats = new VniStats();
  private readonly config: DecoderConfig;

  constructor(config: DecoderConfig) {
    this.config = config;
  }

  onFrame(
    buf: Buffer,
    offset: number,
    capturedLength: number,
    wireLength: number,
    tsSec: number,
    tsNsec: number,
    linkType: number,
  ): void {
    const view = this.view;
    let outcome: number;
    try {
      outcome = decodeFrame(buf, offset, capturedLength, wireLength, linkType, view, this.config);
    } catch {
      // A decoder that throws is a bug; the frame is still accounted for, once.
      outcome = Outcome.INTERNAL_ERROR;
      view.reset(linkType, offset, capturedLength, wireLength);
    }
    this.decoderStats.count(outcome);
    if (view.tunnelType !== 0) this.vniStats.add(view, outcome, tsSec, tsNsec);
  }
}
