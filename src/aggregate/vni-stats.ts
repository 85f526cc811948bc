import { Outcome } from '../decode/outcome.js';
import { GeneveLayout } from '../decode/geneve.js';
import { IpProto, TcpFlag, Tunnel, type PacketView } from '../decode/packet-view.js';
import { describeVniKey, keyOfDescribed, VniFolder } from './vni-key.js';
import { VniPairCounter } from './vni-pair-counter.js';

/**
 * Per-(tunnel, VNI) accumulators.
 *
 * One row of COLUMN_COUNT doubles per VNI in a single Float64Array (grown by
 * doubling when a new VNI appears: an allocation per new VNI, never per
 * frame). The key → row lookup is a small open-addressing hash table in an
 * Int32Array (linear probing, at most half full), behind a one-entry cache
 * for runs of frames of one VNI. (It replaced a `Map<number, number>`:
 * `Map.get` hashes a heap number and walks a bucket chain, about 25 ns a
 * lookup here; with 50 interleaved VNIs the one-entry cache misses on most
 * frames of the bench capture.)
 *
 * `Col` is a const enum, so every column index is a literal in the compiled
 * code rather than a property load per use.
 */
export const enum Col {
  FRAMES = 0,
  WIRE_BYTES = 1,
  INNER_L2_BYTES = 2,
  INNER_IPV4_PACKETS = 3,
  INNER_IPV4_BYTES = 4,
  INNER_IPV6_PACKETS = 5,
  INNER_IPV6_BYTES = 6,
  TRUNCATED_FRAMES = 7,
  INNER_FRAGMENTS = 8,
  INNER_DROPPED = 9,
  L4_TCP = 10,
  L4_UDP = 11,
  L4_ICMP = 12,
  L4_OTHER = 13,
  TCP_SYN = 14,
  TCP_SYNACK = 15,
  TCP_FIN = 16,
  TCP_RST = 17,
  /** Frame time of the last frame, seconds since 1970 (for "mirror went silent" alerts). */
  LAST_FRAME_TIME = 18,
  /** Geneve options seen (RFC 8926 §3.5: skipped by their length, counted). */
  GENEVE_OPTIONS = 19,
  /** Geneve frames with the O bit (control packets, RFC 8926 §3.4). */
  GENEVE_CONTROL_FRAMES = 20,
}
/** Columns per row: one more than the last Col. */
const enum Row {
  WIDTH = Col.GENEVE_CONTROL_FRAMES + 1,
}
export const COLUMN_COUNT: number = Row.WIDTH;

/** The per-VNI figures as `vxmon replay --json` prints them (schema in README.md). */
export interface VniFigures {
  tunnel: string;
  /** 'other': the VNIs folded past --max-vnis. */
  vni: number | 'other';
  frames: number;
  wire_bytes: number;
  inner_l2_bytes: number;
  inner_ipv4_packets: number;
  inner_ipv4_bytes: number;
  inner_ipv6_packets: number;
  inner_ipv6_bytes: number;
  truncated_frames: number;
  inner_fragments: number;
  inner_dropped: number;
  l4: { tcp: number; udp: number; icmp: number; other: number };
  tcp: { syn: number; synack: number; fin: number; rst: number };
  last_frame_time: number;
  geneve_options: number;
  geneve_control_frames: number;
  /** Nested tunnels: the outermost tunnels that carried this VNI's frames, and how many (empty when none nested). */
  outer_tunnels: { tunnel: string; vni: number | 'other'; frames: number }[];
}

/** Slots in the initial key table (a power of two); it doubles at half full. */
const INITIAL_SLOTS = 128;

export class VniStats {
  /** Decides which VNIs get rows of their own (--max-vnis); shared with the session aggregates. */
  readonly folder: VniFolder;
  /** Nested frames per (this VNI, the outermost tunnel's VNI): e.g. a mirror session behind Gateway Load Balancer's Geneve. */
  readonly outerTunnels: VniPairCounter;
  constructor(folder: VniFolder = new VniFolder()) {
    this.folder = folder;
    this.outerTunnels = new VniPairCounter(folder);
  }

  /** Row-major: row r's column c is at r * COLUMN_COUNT + c. */
  values = new Float64Array(64 * COLUMN_COUNT);
  /** Row r's key: tunnelType * 2^24 + vni. */
  keys: number[] = [];
  /** Open addressing: slotKeys[i] is a key (or -1: empty), slotRows[i] its row. */
  private slotKeys = new Int32Array(INITIAL_SLOTS).fill(-1);
  private slotRows = new Int32Array(INITIAL_SLOTS);
  /** 32 - log2(slots): a key's first slot is the top bits of its Fibonacci hash. */
  private slotShift = 32 - Math.log2(INITIAL_SLOTS);
  private lastKey = -1;
  /** lastKey's row times COLUMN_COUNT. */
  private lastBase = 0;

  get size(): number {
    return this.keys.length;
  }

  /**
   * Count one frame whose tunnel header was accepted (view.tunnelType != 0),
   * whatever its outcome: inner problems still belong to the VNI. Reads only
   * fields valid for what the frame reached (PacketView's contract): the
   * inner IP fields when innerIpVersion != 0, the L4 ones for decoded frames.
   */
  add(view: PacketView, outcome: number, tsSec: number, tsNsec: number): void {
    const key = view.tunnelType * 0x1000000 + view.vni;
    let base = this.lastBase;
    if (key !== this.lastKey) {
      base = this.rowOf(key) * Row.WIDTH;
      this.lastKey = key;
      this.lastBase = base;
    }
    const v = this.values;
    v[base + Col.FRAMES]++;
    v[base + Col.WIRE_BYTES] += view.wireLength;
    v[base + Col.INNER_L2_BYTES] += view.innerL2Length;
    v[base + Col.LAST_FRAME_TIME] = tsSec + tsNsec / 1e9;
    if (view.truncated) v[base + Col.TRUNCATED_FRAMES]++;
    if (outcome !== Outcome.DECODED) v[base + Col.INNER_DROPPED]++;
    if (view.tunnelDepth > 1) this.outerTunnels.add(key, view.outerTunnelType * 0x1000000 + view.outerVni);
    if (view.tunnelType === Tunnel.GENEVE) {
      v[base + Col.GENEVE_OPTIONS] += view.geneveOptionCount;
      if (view.geneveFlags & GeneveLayout.FLAG_O) v[base + Col.GENEVE_CONTROL_FRAMES]++;
    }

    // L3: counted whenever the inner IP header was accepted.
    const ipVersion = view.innerIpVersion;
    if (ipVersion === 0) return;
    if (ipVersion === 4) {
      v[base + Col.INNER_IPV4_PACKETS]++;
      v[base + Col.INNER_IPV4_BYTES] += view.innerIpLength;
    } else {
      v[base + Col.INNER_IPV6_PACKETS]++;
      v[base + Col.INNER_IPV6_BYTES] += view.innerIpLength;
    }
    if (view.innerFragment) v[base + Col.INNER_FRAGMENTS]++;

    // L4: only for decoded frames that carry an L4 header (not non-first fragments).
    if (outcome !== Outcome.DECODED || view.innerFragmentOffset !== 0) return;
    const proto = view.innerProto;
    if (proto === IpProto.TCP) {
      v[base + Col.L4_TCP]++;
      const flags = view.tcpFlags;
      const synAck = flags & (TcpFlag.SYN | TcpFlag.ACK);
      if (synAck === TcpFlag.SYN) v[base + Col.TCP_SYN]++;
      else if (synAck === (TcpFlag.SYN | TcpFlag.ACK)) v[base + Col.TCP_SYNACK]++;
      if (flags & TcpFlag.FIN) v[base + Col.TCP_FIN]++;
      if (flags & TcpFlag.RST) v[base + Col.TCP_RST]++;
    } else if (proto === IpProto.UDP) {
      v[base + Col.L4_UDP]++;
    } else if (proto === IpProto.ICMP || proto === IpProto.ICMPV6) {
      v[base + Col.L4_ICMP]++;
    } else {
      v[base + Col.L4_OTHER]++;
    }
  }

  /** The row of `key` (< 2^31), created on first sight. */
  private rowOf(key: number): number {
    const slotKeys = this.slotKeys;
    const mask = slotKeys.length - 1;
    let i = Math.imul(key, 0x9e3779b1) >>> this.slotShift;
    for (;;) {
      const k = slotKeys[i];
      if (k === key) return this.slotRows[i];
      if (k === -1) {
        // A VNI past the cap is not given a slot: it counts in its tunnel's "other" row.
        const agg = this.folder.keyFor(key);
        return agg === key ? this.newRow(key, i) : this.rowOf(agg);
      }
      i = (i + 1) & mask;
    }
  }

  private newRow(key: number, slot: number): number {
    const row = this.keys.length;
    if ((row + 1) * COLUMN_COUNT > this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.keys.push(key);
    this.slotKeys[slot] = key;
    this.slotRows[slot] = row;
    if (2 * this.keys.length > this.slotKeys.length) this.rehash(this.slotKeys.length * 2);
    return row;
  }

  private rehash(slots: number): void {
    const slotKeys = new Int32Array(slots).fill(-1);
    const slotRows = new Int32Array(slots);
    const mask = slots - 1;
    const shift = 32 - Math.log2(slots);
    for (let row = 0; row < this.keys.length; row++) {
      const key = this.keys[row];
      let i = Math.imul(key, 0x9e3779b1) >>> shift;
      while (slotKeys[i] !== -1) i = (i + 1) & mask;
      slotKeys[i] = key;
      slotRows[i] = row;
    }
    this.slotKeys = slotKeys;
    this.slotRows = slotRows;
    this.slotShift = shift;
  }

  /** Read one column of one row (exporters and reports; not the hot path). */
  get(row: number, col: number): number {
    return this.values[row * COLUMN_COUNT + col];
  }

  /** Figures for every VNI, ordered by tunnel type then VNI. */
  figures(): VniFigures[] {
    const rows = this.keys.map((key, row) => ({ key, row })).sort((a, b) => a.key - b.key);
    const outer = this.outerTunnels.figures();
    return rows.map(({ key, row }) => {
      const g = (c: number) => this.get(row, c);
      return {
        ...describeVniKey(key),
        frames: g(Col.FRAMES),
        wire_bytes: g(Col.WIRE_BYTES),
        inner_l2_bytes: g(Col.INNER_L2_BYTES),
        inner_ipv4_packets: g(Col.INNER_IPV4_PACKETS),
        inner_ipv4_bytes: g(Col.INNER_IPV4_BYTES),
        inner_ipv6_packets: g(Col.INNER_IPV6_PACKETS),
        inner_ipv6_bytes: g(Col.INNER_IPV6_BYTES),
        truncated_frames: g(Col.TRUNCATED_FRAMES),
        inner_fragments: g(Col.INNER_FRAGMENTS),
        inner_dropped: g(Col.INNER_DROPPED),
        l4: { tcp: g(Col.L4_TCP), udp: g(Col.L4_UDP), icmp: g(Col.L4_ICMP), other: g(Col.L4_OTHER) },
        tcp: { syn: g(Col.TCP_SYN), synack: g(Col.TCP_SYNACK), fin: g(Col.TCP_FIN), rst: g(Col.TCP_RST) },
        last_frame_time: g(Col.LAST_FRAME_TIME),
        geneve_options: g(Col.GENEVE_OPTIONS),
        geneve_control_frames: g(Col.GENEVE_CONTROL_FRAMES),
        outer_tunnels: outer.filter((p) => keyOfDescribed(p.a) === key).map((p) => ({ ...p.b, frames: p.frames })),
      };
    });
  }
}
