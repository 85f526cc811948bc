/**
 * Replay with capture time in charge: frames go through a FrameQueue so the
 * replay can stop between two frames, either to keep `--pace` (a timer until
 * the next frame is due) or to sample the metrics at an `--openmetrics` step
 * boundary (before the first frame at or past it). While it waits, the
 * event loop is free, so /metrics answers with the numbers so far.
 *
 * Input is read as a stream (64 KiB at a time) so that every chunk is
 * delivered, with its pauses, before the next one is read: memory stays
 * bounded by one chunk whatever the pace.
 */
import { createReadStream } from 'node:fs';
import type { FrameSink } from '../capture/frame-source.js';
import { readCaptureStream, type CaptureFileStats, type ReadOptions } from '../capture/pcap-file-source.js';
import { FrameQueue } from './frame-queue.js';
import { Pacer, type Speed } from './replay-pace.js';

/** Thrown out of `TimedDelivery.read` once `stop()` was called: the replay ends where it is. */
export class ReplayStopped extends Error {
  constructor() {
    super('replay stopped');
  }
}

/** Samples the metrics every step of capture time (openmetrics-backfill.ts). */
export interface StepSampler {
  /** Capture time (seconds) of the next sample; NaN before the first frame. */
  readonly nextAt: number;
  /** Called with the first frame's capture time, before it is delivered. */
  start(t: number): void;
  /** Records the numbers as they are now, at `nextAt`, and moves `nextAt` on; `pendingFrameTime` is the next frame's capture time. */
  sample(pendingFrameTime: number): Promise<void>;
}

export interface TimedOptions {
  /** Capture seconds per wall second; Infinity: no pacing. */
  speed: Speed;
  sampler?: StepSampler;
}

/** The pacing and sampling state shared by the files of one replay (they play as one capture). */
export class TimedDelivery {
  private readonly pacer: Pacer | undefined;
  private readonly sampler: StepSampler | undefined;
  private started = false;
  /** Capture time of the last frame delivered (seconds); NaN before any. */
  lastFrameTime = NaN;
  private stopped = false;
  /** Ends the current wait early (set while waiting). */
  private wake: (() => void) | undefined;
  private input: NodeJS.ReadableStream | undefined;

  constructor(
    private readonly sink: FrameSink,
    opts: TimedOptions,
  ) {
    this.pacer = opts.speed === Infinity ? undefined : new Pacer(opts.speed);
    this.sampler = opts.sampler;
  }

  /**
   * Stops the replay (a signal during a paced replay): no frame is delivered
   * after this, a wait ends at once, and `read` throws ReplayStopped.
   */
  stop(): void {
    this.stopped = true;
    this.wake?.();
    const input = this.input as (NodeJS.ReadableStream & { destroy?: () => void }) | undefined;
    if (input !== undefined && input !== process.stdin) input.destroy?.();
  }

  /** Reads one capture file ('-': standard input), delivering its frames on time. */
  async read(path: string, opts: ReadOptions = {}): Promise<CaptureFileStats> {
    const queue = new FrameQueue();
    if (this.stopped) throw new ReplayStopped();
    const input = path === '-' ? process.stdin : createReadStream(path);
    this.input = input;
    // A failure while delivering (a bug, or the sampler failing to write) is
    // kept apart: the reader would report anything its input throws as unreadable input.
    let deliveryError: { error: unknown } | undefined;
    const stopped = () => this.stopped;
    const drain = async () => {
      try {
        await this.drain(queue);
      } catch (error) {
        deliveryError = { error };
        throw error;
      }
    };
    // The reader feeds each chunk into the queue synchronously, then asks for
    // the next chunk: empty the queue (with its waits) before handing it over.
    async function* chunksThenDrain(): AsyncGenerator<Buffer> {
      for await (const chunk of input) {
        yield chunk as Buffer;
        await drain();
        if (stopped()) return;
      }
    }
    const gen = chunksThenDrain();
    try {
      const stats = await readCaptureStream({ [Symbol.asyncIterator]: () => gen } as unknown as NodeJS.ReadableStream, path, queue, opts);
      if (this.stopped) throw new ReplayStopped();
      return stats;
    } catch (e) {
      // After a stop the reader may also complain of a record cut short: the stop is what happened.
      if (this.stopped) throw new ReplayStopped();
      if (deliveryError !== undefined) throw deliveryError.error;
      // The frames read before a malformed record still count, as in a plain replay.
      await this.drain(queue);
      throw e;
    } finally {
      if (input !== process.stdin) (input as ReturnType<typeof createReadStream>).destroy();
      this.input = undefined;
    }
  }

  private async drain(queue: FrameQueue): Promise<void> {
    const pacer = this.pacer;
    const sampler = this.sampler;
    while (queue.pending > 0 && !this.stopped) {
      const sec = queue.headSec();
      const nsec = queue.headNsec();
      const t = sec + nsec / 1e9;
      if (sampler !== undefined) {
        if (!this.started) {
          this.started = true;
          sampler.start(t);
        }
        if (t >= sampler.nextAt) {
          await sampler.sample(t);
          continue;
        }
      }
      if (pacer !== undefined) {
        const wait = pacer.waitMs(sec, nsec);
        if (wait > 0) {
          // Node timers hold at most 2^31-1 ms; a longer gap is waited in parts.
          await this.sleep(Math.min(wait, 3_600_000));
          continue;
        }
      }
      this.lastFrameTime = t;
      queue.deliverHead(this.sink);
    }
  }

  /** A timer wait that stop() can end early. */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const self = this;
      function done() {
        clearTimeout(timer);
        self.wake = undefined;
        resolve();
      }
      this.wake = done;
    });
  }
}
