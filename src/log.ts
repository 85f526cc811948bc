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
  note(source: string, outcome: number, view: DroppedFrameView, sender?: DatagramSender): void {
    if (!this.sampler.shouldLog(outcome)) return;
    const ip = (a: number) => `${a >>> 24}.${(a >>> 16) & 0xff}.${(a >>> 8) & 0xff}.${a & 0xff}`;
    // A UDP-socket datagram has no outer IP header; its sender (from the socket) says who sent it.
    const fromSocket = view.linkType === VXLAN_PAYLOAD_LINK && sender !== undefined && sender.version !== 0;
    this.log.warn(
      {
        source,
        reason: this.reasonNames[outcome],
        occurrence: this.sampler.seen[outcome],
        linkType: view.linkType,
        capturedLength: view.capturedLength,
        ...(view.outerIpVersion === 4 ? { outerSrc: ip(view.outerSrc4), outerDst: ip(view.outerDst4) } : {}),
        ...(fromSocket ? { sender: sender.version === 4 ? ip(sender.words[0]) : ipv6(sender.words) } : {}),
        ...(view.outerDstPort !== 0 ? { outerDstPort: view.outerDstPort } : {}),
        ...(view.tunnelType !== 0 ? { vni: view.vni } : {}),
      },
      'frame dropped (sampled: the first 10 of each reason, then 1 in 10000)',
    );
  }
}

/** LinkType.VXLAN_PAYLOAD (capture/frame-source.ts), a UDP socket's datagram. */
const VXLAN_PAYLOAD_LINK = 0x10001;

/** What a drop log reads of a datagram's sender (tunnel-allow.ts DatagramPeer has it). */
export interface DatagramSender {
  version: number;
  words: Int32Array;
}

/** Four 32-bit words as RFC 5952 text (the WHATWG URL parser prints the canonical form). */
function ipv6(words: Int32Array): string {
  const groups: string[] = [];
  for (let i = 0; i < 4; i++) groups.push(((words[i] >>> 16) & 0xffff).toString(16), (words[i] & 0xffff).toString(16));
  return new URL(`http://[${groups.join(':')}]/`).hostname.slice(1, -1);
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
