import { Outcome } from '../decode/outcome.js';
import { IpProto, TcpFlag, TUNNEL_NAMES, type PacketView } from '../decode/packet-view.js';

/**
 * Per-(tunnel, VNI) accumulators.
 *
 * One row of COLUMN_COUNT doubles per VNI in a single Float64Array (grown by
 * doubling when a new VNI appears: an allocation per new VNI, never per
 * frame). The VNI → row lookup is a Map with numeric keys behind a one-entry
 * cache, because consecutive mirrored frames mostly share a VNI.
 */
export const Col = {
  FRAMES: 0,
  WIRE_BYTES: 1,
  INNER_L2_BYTES: 2,
  INNER_IPV4_PACKETS: 3,
  INNER_IPV4_BYTES: 4,
  INNER_IPV6_PACKETS: 5,
  INNER_IPV6_BYTES: 6,
  TRUNCATED_FRAMES: 7,
  INNER_FRAGMENTS: 8,
  INNER_DROPPED: 9,
  L4_TCP: 10,
  L4_UDP: 11,
  L4_ICMP: 12,
  L4_OTHER: 13,
  TCP_SYN: 14,
  TCP_SYNACK: 15,
  TCP_FIN: 16,
  TCP_RST: 17,
  /** Frame time of the last frame, seconds since 1970 (for "mirror went silent" alerts). */
  LAST_FRAME_TIME: 18,
} as const;
export const COLUMN_COUNT = 19;

/** The per-VNI figures as `vxmon replay --json` prints them (schema in README.md). */
export interface VniFigures {
  tunnel: string;
  vni: number;
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
}

const SYN_ACK = TcpFlag.SYN | TcpFlag.ACK;

export class VniStats {
  /** Row-major: row r's column c is at r * COLUMN_COUNT + c. */
  values = new Float64Array(64 * COLUMN_COUNT);
  /** Row r's key: tunnelType * 2^24 + vni. */
  keys: number[] = [];
  private readonly rowByKey = new Map<number, number>();
  private lastKey = -1;
  private lastRow = -1;

  get size(): number {
    return this.keys.length;
  }

  /**
   * Count one frame whose tunnel header was accepted (view.tunnelType != 0),
   * whatever its outcome: inner problems still belong to the VNI.
   */
  add(view: PacketView, outcome: number, tsSec: number, tsNsec: number): void {
    const key = view.tunnelType * 0x1000000 + view.vni;
    let row = this.lastRow;
    if (key !== this.lastKey) {
      row = this.rowByKey.get(key) ?? this.newRow(key);
      this.lastKey = key;
      this.lastRow = row;
    }
    const v = this.values;
    const base = row * COLUMN_COUNT;
    v[base + Col.FRAMES]++;
    v[base + Col.WIRE_BYTES] += view.wireLength;
    v[base + Col.INNER_L2_BYTES] += view.innerL2Length;
    v[base + Col.LAST_FRAME_TIME] = tsSec + tsNsec / 1e9;
    if (view.truncated) v[base + Col.TRUNCATED_FRAMES]++;
    if (outcome !== Outcome.DECODED) v[base + Col.INNER_DROPPED]++;

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
      if ((flags & SYN_ACK) === TcpFlag.SYN) v[base + Col.TCP_SYN]++;
      else if ((flags & SYN_ACK) === SYN_ACK) v[base + Col.TCP_SYNACK]++;
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

  private newRow(key: number): number {
    const row = this.keys.length;
    if ((row + 1) * COLUMN_COUNT > this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.keys.push(key);
    this.rowByKey.set(key, row);
    return row;
  }

  /** Read one column of one row (exporters and reports; not the hot path). */
  get(row: number, col: number): number {
    return this.values[row * COLUMN_COUNT + col];
  }

  /** Figures for every VNI, ordered by tunnel type then VNI. */
  figures(): VniFigures[] {
    const rows = this.keys.map((key, row) => ({ key, row })).sort((a, b) => a.key - b.key);
    return rows.map(({ key, row }) => {
      const g = (c: number) => this.get(row, c);
      return {
        tunnel: TUNNEL_NAMES[Math.floor(key / 0x1000000)] ?? 'unknown',
        vni: key % 0x1000000,
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
      };
    });
  }
}
