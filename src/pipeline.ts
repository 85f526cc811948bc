import type { FrameSink } from './capture/frame-source.js';
import type { DecoderConfig } from './decode/decoder-config.js';
import { decodeFrame } from './decode/decoder.js';
import { Outcome } from './decode/outcome.js';
import { PacketView } from './decode/packet-view.js';
import { DatagramPeer, type TunnelAllowList } from './decode/tunnel-allow.js';
import type { SessionTracker } from './session/session-tracker.js';
import { DecoderStats } from './aggregate/decoder-stats.js';
import { VniStats } from './aggregate/vni-stats.js';
import { VniFolder } from './aggregate/vni-key.js';
import type { MirrorDedup } from './aggregate/mirror-dedup.js';

/** What a Pipeline does besides decoding and counting per VNI. */
export interface PipelineOptions {
  /** Double-mirror detection (always counts duplicates per VNI pair); omitted: none (the bench's baseline). */
  dedup?: MirrorDedup;
  /** --dedup: a recognised copy ends as `mirror_duplicate`, counted in no VNI and no session. */
  dropDuplicates?: boolean;
}

/**
 * The wiring (DESIGN.md §1): source → decoder → aggregates, as plain
 * synchronous calls. No EventEmitter, Promise or closure per frame.
 * Sessions see every decoded frame that has an inner IP header; exporters
 * read the aggregates at scrape time.
 */
export class Pipeline implements FrameSink {
  // onFrame returns the frame's outcome code, so a source can also count
  // outcomes on its own (per-source counters) without decoding twice.
  readonly view = new PacketView();
  readonly decoderStats = new DecoderStats();
  readonly vniStats: VniStats;
  private readonly config: DecoderConfig;
  /** Session tracking, when the command wants it (replay and run do). */
  readonly sessions: SessionTracker | undefined;
  /**
   * --allow-source / --allow-vni, undefined when unrestricted. Replaced as a
   * whole on reload (a single field write between two frames).
   */
  allow: TunnelAllowList | undefined = undefined;
  /** The outer source of a UDP-socket datagram, set by that source right before onFrame (tunnel-allow.ts). */
  readonly datagramPeer = new DatagramPeer();

  /** Double-mirror detection, when the command wants it (replay and run do). */
  readonly dedup: MirrorDedup | undefined;
  private readonly dropDuplicates: boolean;
  /** --dedup in effect. */
  get dropsDuplicates(): boolean {
    return this.dropDuplicates;
  }

  /** `folder` caps distinct VNIs (--max-vnis); with sessions, the tracker's own, so both fold alike. */
  constructor(
    config: DecoderConfig,
    sessions?: SessionTracker,
    folder: VniFolder = sessions?.stats.folder ?? new VniFolder(),
    options: PipelineOptions = {},
  ) {
    this.config = config;
    this.sessions = sessions;
    this.vniStats = new VniStats(folder);
    this.dedup = options.dedup;
    this.dropDuplicates = options.dropDuplicates === true && options.dedup !== undefined;
  }

  onFrame(
    buf: Buffer,
    offset: number,
    capturedLength: number,
    wireLength: number,
    tsSec: number,
    tsNsec: number,
    linkType: number,
  ): number {
    const view = this.view;
    let outcome: number;
    try {
      outcome = decodeFrame(buf, offset, capturedLength, wireLength, linkType, view, this.config);
    } catch {
      // A decoder that throws is a bug; the frame is still accounted for, once.
      outcome = Outcome.INTERNAL_ERROR;
      view.reset(linkType, offset, capturedLength, wireLength);
    }
    // A frame whose tunnel header was accepted but whose outer source or VNI is
    // not allowed ends here, under its own reason: it must not create a VNI
    // series or a session (a spoofer could otherwise fill both).
    let attributed = view.tunnelType !== 0;
    const allow = this.allow;
    if (attributed && allow !== undefined) {
      const verdict = allow.check(buf, view, this.datagramPeer);
      if (verdict !== Outcome.DECODED) {
        outcome = verdict;
        attributed = false;
      }
    }
    const dedup = this.dedup;
    if (dedup !== undefined && outcome === Outcome.DECODED && view.innerIpVersion !== 0) {
      if (dedup.isDuplicate(view, tsSec, tsNsec) && this.dropDuplicates) {
        // --dedup: the first copy was counted; this one ends here, under its own outcome.
        this.decoderStats.count(Outcome.MIRROR_DUPLICATE);
        return Outcome.MIRROR_DUPLICATE;
      }
    }
    this.decoderStats.count(outcome);
    if (attributed) this.vniStats.add(view, outcome, tsSec, tsNsec);
    const sessions = this.sessions;
    if (sessions !== undefined && outcome === Outcome.DECODED && view.innerIpVersion !== 0) {
      sessions.onPacket(view, tsSec, tsNsec);
    }
    return outcome;
  }
}
