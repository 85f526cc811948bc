import { performance } from 'node:perf_hooks';

/**
 * Wall-clock stamps for live frames, from the monotonic clock anchored once
 * to wall time: `performance.timeOrigin` (wall ms when the process started)
 * + `performance.now()` (monotonic ms since then). Stamps never go backwards
 * when NTP steps the wall clock, cost no allocation (no BigInt, no Date), and
 * resolve to well under a microsecond. What they measure is when JavaScript
 * saw the frame, not when the NIC did (native-notes/README.md gives the bound).
 */
export class FrameClock {
  sec = 0;
  nsec = 0;

  /** Stamps now into `sec`/`nsec`; returns the monotonic ms used. */
  stamp(): number {
    const mono = performance.now();
    const wallMs = performance.timeOrigin + mono;
    const sec = Math.floor(wallMs / 1000);
    this.sec = sec;
    this.nsec = Math.floor((wallMs - sec * 1000) * 1e6);
    return mono;
  }
}
