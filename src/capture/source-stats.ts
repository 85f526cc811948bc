import { OUTCOME_COUNT } from '../decode/outcome.js';
import type { DatagramPeer } from '../decode/tunnel-allow.js';
import type { Pipeline } from '../pipeline.js';
import type { FrameSink } from './frame-source.js';
import type { DropLog } from '../log.js';

/**
 * One live source's view of the pipeline: forwards each frame and counts its
 * outcome for this source (vxmon_source_frames_total{source,outcome}),
 * hands drops to the sampled drop log, and remembers when the source last
 * produced a frame (for /-/ready).
 */
export class SourceCounter implements FrameSink {
  readonly byOutcome = new Float64Array(OUTCOME_COUNT);
  /** performance.now() of the last frame; -1 before the first. */
  lastFrameAtMs = -1;

  constructor(
    readonly name: string,
    private readonly pipeline: Pipeline,
    private readonly drops?: DropLog,
  ) {}

  onFrame(buf: Buffer, offset: number, capturedLength: number, wireLength: number, tsSec: number, tsNsec: number, linkType: number): void {
    const outcome = this.pipeline.onFrame(buf, offset, capturedLength, wireLength, tsSec, tsNsec, linkType);
    this.byOutcome[outcome]++;
    if (outcome !== 0 && this.drops !== undefined) this.drops.note(this.name, outcome, this.pipeline.view, this.pipeline.datagramPeer);
  }

  /** Where a datagram source records each datagram's sender before onFrame (for --allow-source). */
  get datagramPeer(): DatagramPeer {
    return this.pipeline.datagramPeer;
  }

  get frames(): number {
    let n = 0;
    for (let i = 0; i < OUTCOME_COUNT; i++) n += this.byOutcome[i];
    return n;
  }
}
