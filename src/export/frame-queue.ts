/**
 * A bounded hold for the frames of one input chunk, so a replay can pause
 * between frames (to keep capture pace, or to sample the metrics at a step
 * boundary) while the capture reader walks chunks synchronously.
 *
 * Frame bytes are only valid during `onFrame` (frame-source.ts), so each one
 * is copied into one reused Buffer; its lengths, timestamp and link type go
 * into one reused Float64Array. Nothing is allocated per frame: the two
 * arrays double only when a chunk holds more than they have ever held, and
 * the queue is emptied (and rewound) before the next chunk is read, so its
 * size is bounded by the reader's chunk size.
 */
import type { FrameSink } from '../capture/frame-source.js';

/** Float64Array slots per queued frame. */
const OFFSET = 0;
const CAPTURED = 1;
const WIRE = 2;
const TS_SEC = 3;
const TS_NSEC = 4;
const LINK = 5;
const SLOTS = 6;

export class FrameQueue implements FrameSink {
  private data = Buffer.allocUnsafeSlow(1024 * 1024);
  private meta = new Float64Array(8192 * SLOTS);
  /** Frames held, frames already delivered, bytes held. */
  private count = 0;
  private head = 0;
  private used = 0;

  /** Frames waiting to be delivered. */
  get pending(): number {
    return this.count - this.head;
  }

  onFrame(buf: Buffer, offset: number, capturedLength: number, wireLength: number, tsSec: number, tsNsec: number, linkType: number): void {
    if (this.used + capturedLength > this.data.length) this.growData(this.used + capturedLength);
    if ((this.count + 1) * SLOTS > this.meta.length) {
      const m = new Float64Array(this.meta.length * 2);
      m.set(this.meta);
      this.meta = m;
    }
    buf.copy(this.data, this.used, offset, offset + capturedLength);
    const m = this.meta;
    const b = this.count * SLOTS;
    m[b + OFFSET] = this.used;
    m[b + CAPTURED] = capturedLength;
    m[b + WIRE] = wireLength;
    m[b + TS_SEC] = tsSec;
    m[b + TS_NSEC] = tsNsec;
    m[b + LINK] = linkType;
    this.used += capturedLength;
    this.count++;
  }

  /** Capture time of the next frame, in seconds (a double: µs-exact for any date, enough to schedule by). */
  headTime(): number {
    const b = this.head * SLOTS;
    return this.meta[b + TS_SEC] + this.meta[b + TS_NSEC] / 1e9;
  }

  /** Hands the next frame to `sink`; once all are delivered, rewinds for the next chunk. */
  deliverHead(sink: FrameSink): void {
    const m = this.meta;
    const b = this.head * SLOTS;
    this.head++;
    sink.onFrame(this.data, m[b + OFFSET], m[b + CAPTURED], m[b + WIRE], m[b + TS_SEC], m[b + TS_NSEC], m[b + LINK]);
    if (this.head === this.count) this.head = this.count = this.used = 0;
  }

  private growData(need: number): void {
    const next = Buffer.allocUnsafeSlow(Math.max(need, this.data.length * 2));
    this.data.copy(next, 0, 0, this.used);
    this.data = next;
  }
}
