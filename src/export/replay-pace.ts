/**
 * `--pace`: how fast a replay delivers frames, against their capture
 * timestamps. `max` reads as fast as it can (the default); `realtime` keeps
 * the gaps between frames as captured; `Nx` divides them by N (`2x` twice as
 * fast, `0.5x` half speed), so Prometheus and Grafana can watch a replay as
 * if it were live.
 */
import { UsageError } from '../errors.js';

/** Capture seconds per wall second; Infinity for `max`. */
export type Speed = number;

export const PACE_MAX: Speed = Infinity;

export function parsePace(text: string): Speed {
  if (text === 'max') return PACE_MAX;
  if (text === 'realtime') return 1;
  const m = /^(\d+(?:\.\d+)?|\.\d+)x$/.exec(text);
  const n = m ? Number(m[1]) : NaN;
  if (!(n > 0 && n <= 1e6)) {
    throw new UsageError(`replay: --pace must be max, realtime or a speed such as 2x or 0.5x (above 0, at most 1000000x), not "${text}"`);
  }
  return n;
}

/**
 * Waits are at least this long: a wait releases every frame due before its
 * end, so however dense the frames, a paced replay wakes at most 200 times a
 * second (one timer and one promise per wake, none per frame).
 */
export const PACE_GRANULARITY_MS = 5;

/** Maps capture time to wall time from the first frame on. */
export class Pacer {
  private captureStart = NaN;
  private wallStart = 0;

  constructor(readonly speed: Speed) {}

  /** Milliseconds to wait before the frame captured at `t` (seconds) is due; 0 when it is due now. */
  waitMs(t: number): number {
    const now = performance.now();
    if (this.captureStart !== this.captureStart) {
      this.captureStart = t;
      this.wallStart = now;
      return 0;
    }
    const due = this.wallStart + ((t - this.captureStart) * 1000) / this.speed;
    const wait = due - now;
    return wait > PACE_GRANULARITY_MS ? wait : 0;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
