/**
 * Logging: one pino root writing JSON lines to stdout (journald keeps them),
 * a child logger per component, and sampled anomaly logging so that a flood
 * of bad frames cannot become a flood of log lines (Zeek's weird sampling:
 * the first N of each kind, then 1 in M; counters count everything).
 */
import { pino, type Logger } from 'pino';
import type { LogLevel } from './config.js';

export type { Logger };

export function createRootLogger(level: LogLevel, destination: NodeJS.WritableStream = process.stdout): Logger {
  return pino({ level, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime }, destination as pino.DestinationStream);
}

/**
 * Decides whether the n-th occurrence of an anomaly kind is logged: the first
 * `first` of each kind, then every `every`-th. Counts live in a typed array
 * indexed by a numeric kind (e.g. an outcome code), so asking costs no
 * allocation; the caller builds the log line only when this says yes.
 */
export class AnomalySampler {
  readonly seen: Float64Array;
  constructor(
    kinds: number,
    private readonly first = 10,
    private readonly every = 1000,
  ) {
    this.seen = new Float64Array(kinds);
  }

  shouldLog(kind: number): boolean {
    const n = ++this.seen[kind];
    return n <= this.first || (n - this.first) % this.every === 0;
  }
}

/**
 * Logs dropped frames, sampled per drop reason: enough to show an operator
 * what the bad frames look like (source, reason, VNI, outer addresses)
 * without one log line per frame under a flood. Counters count them all.
 */
export class DropLog {
  readonly sampler: AnomalySampler;
  constructor(
    private readonly log: Logger,
    private readonly reasonNames: readonly string[],
    first = 10,
    every = 10_000,
  ) {
    this.sampler = new AnomalySampler(reasonNames.length, first, every);
  }

  /** Called for every dropped frame; builds a log line only when the sampler says so. */
  note(source: string, outcome: number, view: DroppedFrameView): void {
    if (!this.sampler.shouldLog(outcome)) return;
    const ip = (a: number) => `${a >>> 24}.${(a >>> 16) & 0xff}.${(a >>> 8) & 0xff}.${a & 0xff}`;
    this.log.warn(
      {
        source,
        reason: this.reasonNames[outcome],
        occurrence: this.sampler.seen[outcome],
        linkType: view.linkType,
        capturedLength: view.capturedLength,
        ...(view.outerIpVersion === 4 ? { outerSrc: ip(view.outerSrc4), outerDst: ip(view.outerDst4) } : {}),
        ...(view.outerDstPort !== 0 ? { outerDstPort: view.outerDstPort } : {}),
        ...(view.tunnelType !== 0 ? { vni: view.vni } : {}),
      },
      'frame dropped (sampled: the first 10 of each reason, then 1 in 10000)',
    );
  }
}

/** The view fields a drop log reads (a PacketView has them all). */
export interface DroppedFrameView {
  linkType: number;
  capturedLength: number;
  outerIpVersion: number;
  outerSrc4: number;
  outerDst4: number;
  outerDstPort: number;
  tunnelType: number;
  vni: number;
}
