/**
 * Per-(tunnel, VNI) session aggregates.
 *
 * Keyed like src/aggregate/vni-stats.ts (tunnelType * 2^24 + vni): one row of
 * COLUMN_COUNT doubles per VNI in a Float64Array that doubles when a new VNI
 * appears, plus three histograms per row (client-side RTT, server-side RTT,
 * TCP session duration) of HIST_BUCKETS counts each. The VNI → row lookup is
 * a Map with numeric keys behind a one-entry cache. Counters that belong to
 * packets (retransmissions, out-of-order, unseen bytes, zero windows) are
 * added when they happen; the rest when a session opens or closes.
 */
import { describeVniKey, VniFolder } from '../aggregate/vni-key.js';
import { HIST_BUCKETS, quantileUs } from './histogram.js';
import { TcpEventCol } from './tcp-state.js';

export const SCol = {
  // TcpEventCol.* occupy 0..5
  RETRANS_PACKETS: TcpEventCol.RETRANS_PACKETS,
  RETRANS_BYTES: TcpEventCol.RETRANS_BYTES,
  SYN_RETRANS: TcpEventCol.SYN_RETRANS,
  OUT_OF_ORDER: TcpEventCol.OUT_OF_ORDER,
  UNSEEN_BYTES: TcpEventCol.UNSEEN_BYTES,
  ZERO_WINDOWS: TcpEventCol.ZERO_WINDOWS,
  TCP_OPENED: 6,
  /** TCP_CLOSED + CloseReason.* (1..6): closed by fin, rst, timeout, evicted, end_of_capture, shutdown. */
  TCP_CLOSED: 6,
  TCP_MID_STREAM: 13,
  TCP_ONE_SIDED: 14,
  UDP_OPENED: 15,
  UDP_CLOSED: 16,
  ICMP_OPENED: 17,
  ICMP_CLOSED: 18,
  /** Rows removed to make room in a full table (any protocol). */
  EVICTIONS: 19,
  RTT_CLIENT_MIN: 20,
  RTT_CLIENT_MAX: 21,
  RTT_CLIENT_SUM: 22,
  RTT_SERVER_MIN: 23,
  RTT_SERVER_MAX: 24,
  RTT_SERVER_SUM: 25,
  DURATION_MIN: 26,
  DURATION_MAX: 27,
  DURATION_SUM: 28,
  UDP_ONE_SIDED: 29,
  ICMP_ONE_SIDED: 30,
} as const;
export const SESSION_COLUMN_COUNT = 31;

/** Histogram numbers (offset = row * HIST_PER_ROW + hist * HIST_BUCKETS). */
export const Hist = { RTT_CLIENT: 0, RTT_SERVER: 1, DURATION: 2 } as const;
const HIST_PER_ROW = 3 * HIST_BUCKETS;

export interface QuantileFigures {
  p50: number | null;
  p99: number | null;
  count: number;
}

/** Seconds, rounded to the microsecond. */
const sec = (us: number): number => Math.round(us) / 1e6;

/** A VNI's session figures (the shape proposed for `--json` `sessions`). */
export interface VniSessionFigures {
  tunnel: string;
  vni: number | 'other';
  tcp: {
    opened: number;
    active: number;
    closed: { fin: number; rst: number; timeout: number; evicted: number; end_of_capture: number; shutdown: number };
    mid_stream: number;
    one_sided: number;
    retransmitted_packets: number;
    retransmitted_bytes: number;
    syn_retransmissions: number;
    out_of_order: number;
    unseen_bytes: number;
    zero_windows: number;
    rtt_client_seconds: QuantileFigures;
    rtt_server_seconds: QuantileFigures;
    duration_seconds: QuantileFigures;
  };
  udp: { flows: number; active: number; one_sided: number };
  icmp: { flows: number; active: number; one_sided: number };
  evictions: number;
}

export class SessionStats {
  values = new Float64Array(16 * SESSION_COLUMN_COUNT);
  hist = new Float64Array(16 * HIST_PER_ROW);
  /** Samples per (row, histogram): kept apart so that observe() need not add up HIST_BUCKETS counts per sample. */
  histN = new Float64Array(16 * 3);
  keys: number[] = [];
  private readonly rowByKey = new Map<number, number>();
  private lastKey = -1;
  private lastRow = -1;

  get size(): number {
    return this.keys.length;
  }

  constructor(readonly folder: VniFolder = new VniFolder()) {}

  /** Row for a VNI key, created on first use (a VNI past --max-vnis shares its tunnel's "other" row). */
  rowOf(key: number): number {
    if (key === this.lastKey) return this.lastRow;
    const row = this.rowByKey.get(key) ?? this.rowByKey.get(this.folder.keyFor(key)) ?? this.newRow(this.folder.keyFor(key));
    this.lastKey = key;
    this.lastRow = row;
    return row;
  }

  private newRow(key: number): number {
    const row = this.keys.length;
    if ((row + 1) * SESSION_COLUMN_COUNT > this.values.length) {
      const v = new Float64Array(this.values.length * 2);
      v.set(this.values);
      this.values = v;
      const h = new Float64Array(this.hist.length * 2);
      h.set(this.hist);
      this.hist = h;
      const n = new Float64Array(this.histN.length * 2);
      n.set(this.histN);
      this.histN = n;
    }
    this.keys.push(key);
    this.rowByKey.set(key, row);
    return row;
  }

  /** Add one sample (µs) to histogram `h` of `row`, keeping min / max / sum in the row. */
  observe(row: number, h: number, us: number, bucket: number): void {
    this.hist[row * HIST_PER_ROW + h * HIST_BUCKETS + bucket]++;
    const v = this.values;
    const b = row * SESSION_COLUMN_COUNT + SCol.RTT_CLIENT_MIN + 3 * h;
    const n = ++this.histN[row * 3 + h];
    if (n === 1 || us < v[b]) v[b] = us;
    if (n === 1 || us > v[b + 1]) v[b + 1] = us;
    v[b + 2] += us;
  }

  histCount(row: number, h: number): number {
    return this.histN[row * 3 + h];
  }

  get(row: number, col: number): number {
    return this.values[row * SESSION_COLUMN_COUNT + col];
  }

  /** p50 / p99 / count of a histogram, in seconds (µs resolution); null when empty. */
  quantiles(row: number, h: number): QuantileFigures {
    const count = this.histCount(row, h);
    if (count === 0) return { p50: null, p99: null, count: 0 };
    const base = row * HIST_PER_ROW + h * HIST_BUCKETS;
    const min = this.get(row, SCol.RTT_CLIENT_MIN + 3 * h);
    const max = this.get(row, SCol.RTT_CLIENT_MAX + 3 * h);
    return {
      p50: sec(quantileUs(this.hist, base, 0.5, min, max)),
      p99: sec(quantileUs(this.hist, base, 0.99, min, max)),
      count,
    };
  }

  /** Figures for one VNI key, or undefined when it never had a session. */
  figuresOf(key: number): VniSessionFigures | undefined {
    const row = this.rowByKey.get(key);
    return row === undefined ? undefined : this.rowFigures(key, row);
  }

  /** Every VNI with sessions, ordered by tunnel type then VNI. */
  figures(): VniSessionFigures[] {
    return this.keys
      .map((key, row) => ({ key, row }))
      .sort((a, b) => a.key - b.key)
      .map(({ key, row }) => this.rowFigures(key, row));
  }

  private rowFigures(key: number, row: number): VniSessionFigures {
    const g = (c: number) => this.get(row, c);
    const closed = (r: number) => g(SCol.TCP_CLOSED + r);
    const tcpClosed = closed(1) + closed(2) + closed(3) + closed(4) + closed(5) + closed(6);
    return {
      ...describeVniKey(key),
      tcp: {
        opened: g(SCol.TCP_OPENED),
        active: g(SCol.TCP_OPENED) - tcpClosed,
        closed: { fin: closed(1), rst: closed(2), timeout: closed(3), evicted: closed(4), end_of_capture: closed(5), shutdown: closed(6) },
        mid_stream: g(SCol.TCP_MID_STREAM),
        one_sided: g(SCol.TCP_ONE_SIDED),
        retransmitted_packets: g(SCol.RETRANS_PACKETS),
        retransmitted_bytes: g(SCol.RETRANS_BYTES),
        syn_retransmissions: g(SCol.SYN_RETRANS),
        out_of_order: g(SCol.OUT_OF_ORDER),
        unseen_bytes: g(SCol.UNSEEN_BYTES),
        zero_windows: g(SCol.ZERO_WINDOWS),
        rtt_client_seconds: this.quantiles(row, Hist.RTT_CLIENT),
        rtt_server_seconds: this.quantiles(row, Hist.RTT_SERVER),
        duration_seconds: this.quantiles(row, Hist.DURATION),
      },
      udp: { flows: g(SCol.UDP_OPENED), active: g(SCol.UDP_OPENED) - g(SCol.UDP_CLOSED), one_sided: g(SCol.UDP_ONE_SIDED) },
      icmp: { flows: g(SCol.ICMP_OPENED), active: g(SCol.ICMP_OPENED) - g(SCol.ICMP_CLOSED), one_sided: g(SCol.ICMP_ONE_SIDED) },
      evictions: g(SCol.EVICTIONS),
    };
  }
}
