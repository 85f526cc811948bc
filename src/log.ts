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
