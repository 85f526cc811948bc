/**
 * SessionTracker: the session layer the pipeline calls once per decoded
 * frame that has an inner IP header (DESIGN.md §1).
 *
 * Per packet: fill the reused FlowKey, look the session up in the bounded
 * table (creating it, evicting the oldest idle session if the table is
 * full), add the per-direction counters, run the TCP tracker, move the
 * session to the tail of its idle-timeout list. No allocation, no strings.
 *
 * Time is the frame's timestamp in integer microseconds (exact in a double
 * for any real date; RTTs are therefore exact to the microsecond). Timeouts
 * run on frame time: the lists are swept when frame time has moved one
 * second past the previous sweep, and a session found expired on lookup is
 * closed before the packet is counted, so expiry is exact whatever the
 * sweep cadence.
 *
 * Closed sessions are reported to `onFlow` with one reused FlowRecord (fill,
 * call, overwrite on the next close): a consumer that keeps records copies
 * what it needs during the call.
 */
import { VniFolder } from '../aggregate/vni-key.js';
import { IpProto, type PacketView } from '../decode/packet-view.js';
import { FlowKey, fillFlowKey, icmpHasIdentifier, icmpIsRequest } from './flow-key.js';
import { bucketOf } from './histogram.js';
import { Hist, SCol, SESSION_COLUMN_COUNT, SessionStats } from './session-stats.js';
import { Bit, LRU_CLASS_COUNT, NIL, RowF64, RowI32, RowU16, RowU8, SessionTable } from './session-table.js';
import {
  CloseReason,
  DEFAULT_TIMEOUTS,
  InitiatorMethod,
  LruClass,
  TCP_EVENT_COUNT,
  TcpResult,
  TcpState,
  finalCloseReason,
  initiatorByPort,
  isNewSynOnClosed,
  supersededCloseReason,
  lruClassOfTcpState,
  tcpPacket,
  tcpPredicted,
  type SessionTimeouts,
} from './tcp-state.js';

export const DEFAULT_MAX_SESSIONS = 1_000_000;
const SWEEP_INTERVAL_US = 1_000_000;

/** One closed flow. Reused: valid only during the onFlow call. Times are µs since 1970; -1 = not measured. */
export class FlowRecord {
  declare tunnelType: number;
  declare vni: number;
  /** The outermost tunnel the first packet came in (equal to tunnelType/vni unless tunnels nest), and the depth. */
  declare outerTunnelType: number;
  declare outerVni: number;
  declare tunnelDepth: number;
  declare ipVersion: number;
  declare proto: number;
  /** IPv4: the address in initiatorAddr[0]; IPv6: four uint32, most significant first. */
  declare initiatorAddr: Uint32Array;
  declare responderAddr: Uint32Array;
  /** Ports; for ICMP both hold the identifier (0 for messages without one). */
  declare initiatorPort: number;
  declare responderPort: number;
  // initiator → responder
  declare fwdPackets: number;
  declare fwdIpBytes: number;
  declare fwdPayloadBytes: number;
  declare fwdFirstUs: number; // -1 when that direction was never seen
  declare fwdLastUs: number;
  declare fwdTcpFlags: number;
  // responder → initiator
  declare revPackets: number;
  declare revIpBytes: number;
  declare revPayloadBytes: number;
  declare revFirstUs: number;
  declare revLastUs: number;
  declare revTcpFlags: number;
  declare startUs: number;
  declare endUs: number;
  declare durationUs: number;
  /** TcpState.* at close (0 for UDP / ICMP). */
  declare state: number;
  declare closeReason: number; // CloseReason.*
  declare initiatorMethod: number; // InitiatorMethod.*
  declare rttServerUs: number;
  declare rttClientUs: number;
  declare retransPackets: number;
  declare retransBytes: number;
  declare synRetransmissions: number;
  declare outOfOrder: number;
  declare unseenBytes: number;
  declare zeroWindows: number;
  declare midStream: boolean;
  declare oneSided: boolean;

  constructor() {
    this.tunnelType = 0;
    this.vni = 0;
    this.outerTunnelType = 0;
    this.outerVni = 0;
    this.tunnelDepth = 0;
    this.ipVersion = 0;
    this.proto = 0;
    this.initiatorAddr = new Uint32Array(4);
    this.responderAddr = new Uint32Array(4);
    this.initiatorPort = 0;
    this.responderPort = 0;
    this.fwdPackets = 0;
    this.fwdIpBytes = 0;
    this.fwdPayloadBytes = 0;
    this.fwdFirstUs = -1;
    this.fwdLastUs = -1;
    this.fwdTcpFlags = 0;
    this.revPackets = 0;
    this.revIpBytes = 0;
    this.revPayloadBytes = 0;
    this.revFirstUs = -1;
    this.revLastUs = -1;
    this.revTcpFlags = 0;
    this.startUs = 0;
    this.endUs = 0;
    this.durationUs = 0;
    this.state = 0;
    this.closeReason = 0;
    this.initiatorMethod = 0;
    this.rttServerUs = -1;
    this.rttClientUs = -1;
    this.retransPackets = 0;
    this.retransBytes = 0;
    this.synRetransmissions = 0;
    this.outOfOrder = 0;
    this.unseenBytes = 0;
    this.zeroWindows = 0;
    this.midStream = false;
    this.oneSided = false;
  }
}

export interface SessionTrackerOptions {
  /** Most sessions held at once (default 1,000,000); when full the oldest idle one is evicted. */
  maxSessions?: number;
  /** Idle timeouts in seconds (defaults: DEFAULT_TIMEOUTS, reasons in tcp-state.ts). */
  timeouts?: Partial<SessionTimeouts>;
  /** Receives every closed flow (one reused record). */
  onFlow?: (record: FlowRecord) => void;
  /** The VNI cap shared with the per-VNI frame counters (--max-vnis). */
  folder?: VniFolder;
}

export class SessionTracker {
  readonly table: SessionTable;
  readonly stats: SessionStats;
  readonly timeouts: Readonly<SessionTimeouts>;
  /** Packets the tracker was given but could not key (non-first fragments, other protocols). */
  untracked = 0;
  private readonly key = new FlowKey();
  private readonly record = new FlowRecord();
  private readonly onFlow: ((record: FlowRecord) => void) | undefined;
  private readonly timeoutUs = new Float64Array(LRU_CLASS_COUNT);
  /** tcpPacket's event counts for the packet at hand (TcpEventCol.*), folded into the VNI row by tcpAggregates. */
  private readonly events = new Float64Array(TCP_EVENT_COUNT);
  private clockUs = 0;
  private nextSweepUs = 0;

  constructor(opts: SessionTrackerOptions = {}) {
    this.stats = new SessionStats(opts.folder);
    const t = { ...DEFAULT_TIMEOUTS, ...(opts.timeouts ?? {}) };
    for (const [name, v] of Object.entries(t)) {
      if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new RangeError(`timeout ${name} must be a positive number of seconds, got ${v}`);
    }
    this.timeouts = Object.freeze(t);
    this.timeoutUs[LruClass.TCP_OPENING] = Math.round(t.tcpOpening * 1e6);
    this.timeoutUs[LruClass.TCP_ESTABLISHED] = Math.round(t.tcpEstablished * 1e6);
    this.timeoutUs[LruClass.TCP_CLOSED] = Math.round(t.tcpClosed * 1e6);
    this.timeoutUs[LruClass.UDP] = Math.round(t.udp * 1e6);
    this.timeoutUs[LruClass.ICMP] = Math.round(t.icmp * 1e6);
    this.timeoutUs[5] = Infinity; // spare class, unused
    this.table = new SessionTable(opts.maxSessions ?? DEFAULT_MAX_SESSIONS);
    this.onFlow = opts.onFlow;
  }

  /** Sessions in the table now (closed TCP sessions still lingering included). */
  get liveSessions(): number {
    return this.table.live;
  }

  /** One decoded frame with an inner IP header (ICMP flows are keyed by view.icmpId). */
  onPacket(view: PacketView, tsSec: number, tsNsec: number): void {
    const key = this.key;
    if (!fillFlowKey(key, view)) {
      if (view.innerIpVersion !== 0) this.untracked++;
      return;
    }
    const nowUs = tsSec * 1e6 + Math.floor(tsNsec / 1000);
    if (nowUs > this.clockUs) this.clockUs = nowUs;
    if (this.clockUs >= this.nextSweepUs) {
      this.sweep(this.clockUs);
      this.nextSweepUs = this.clockUs + SWEEP_INTERVAL_US;
    }

    const t = this.table;
    const proto = key.proto;
    const isTcp = proto === IpProto.TCP;
    const dir = key.reversed ? 1 : 0;
    let id = t.lookup(key);
    if (id !== NIL) {
      const b = id * RowU8.STRIDE;
      if (nowUs - t.lastActivityUs(id) > this.timeoutUs[t.u8[b + RowU8.LRU_CLASS]]) {
        this.close(id, finalCloseReason(t.u8[b + RowU8.STATE], CloseReason.TIMEOUT));
        id = NIL;
      } else if (isTcp && isNewSynOnClosed(t, id, view.tcpFlags, dir)) {
        this.close(id, supersededCloseReason(t.u8[b + RowU8.STATE]));
        id = NIL;
      }
    }
    if (id === NIL) id = this.open(dir, view);

    // This session's row: the per-direction counters of the packet's side.
    const f = id * RowF64.STRIDE + dir;
    const p = id * RowI32.STRIDE + RowI32.PKTS + dir;
    const f64 = t.f64;
    // Frame times can run backwards (several files, merged captures): a side's first and
    // last times are its earliest and latest, whatever the order the frames came in.
    const latestUs = f64[f + RowF64.LAST_US];
    if (t.u32[p] === 0) t.firstUs[2 * id + dir] = nowUs;
    else if (nowUs < latestUs && nowUs < t.firstUs[2 * id + dir]) t.firstUs[2 * id + dir] = nowUs;
    t.u32[p]++;
    f64[f + RowF64.IP_BYTES] += view.innerIpLength;
    f64[f + RowF64.PAYLOAD_BYTES] += view.payloadLength;
    // The packet's own time, which tcpPacket reads here; put back to the latest below if it was earlier.
    f64[f + RowF64.LAST_US] = nowUs;

    const b = id * RowU8.STRIDE;
    let cls: number;
    if (!isTcp) {
      cls = t.u8[b + RowU8.LRU_CLASS];
    } else {
      t.u8[b + RowU8.TCP_FLAGS + dir] |= view.tcpFlags;
      // An in-order segment of an established connection (most TCP packets)
      // leaves state, class and the VNI's figures as they are.
      if (tcpPredicted(t, id, dir, view)) {
        cls = LruClass.TCP_ESTABLISHED;
      } else {
        const stateBefore = t.u8[b + RowU8.STATE];
        const result = tcpPacket(t, id, dir, view, this.events);
        if (result !== 0 || (stateBefore === TcpState.NONE && (t.u16[id * RowU16.STRIDE + RowU16.BITS] & Bit.MID_STREAM) !== 0)) {
          this.tcpAggregates(id, result, stateBefore);
        }
        cls = lruClassOfTcpState(t.u8[b + RowU8.STATE]);
      }
    }
    if (nowUs < latestUs) f64[f + RowF64.LAST_US] = latestUs;
    if (!t.isTail(id, cls)) t.moveToTail(id, cls);
  }

  /** A new session for the packet's key (making room first when the table is full). Out of onPacket: most packets find theirs. */
  private open(dir: number, view: PacketView): number {
    const t = this.table;
    const proto = this.key.proto;
    if (t.full) this.evictOne();
    const id = t.insert(this.key, proto === IpProto.TCP ? LruClass.TCP_OPENING : proto === IpProto.UDP ? LruClass.UDP : LruClass.ICMP);
    this.opened(id, dir, view);
    return id;
  }

  /**
   * What a TCP packet adds to its VNI's aggregates: the event counts tcpPacket
   * left in the scratch, a mid-stream start, measured RTTs. Apart from
   * onPacket because few packets have any: the VNI row is looked up only here.
   */
  private tcpAggregates(id: number, result: number, stateBefore: number): void {
    const t = this.table;
    const stats = this.stats;
    const row = stats.rowOf(t.vniKeyOf(id));
    const v = stats.values;
    const base = row * SESSION_COLUMN_COUNT;
    if (result & TcpResult.EVENTS) {
      // The scratch's slots are TcpEventCol.*, the first columns of a stats row.
      const ev = this.events;
      for (let i = 0; i < TCP_EVENT_COUNT; i++) {
        v[base + i] += ev[i];
        ev[i] = 0;
      }
    }
    if (stateBefore === TcpState.NONE && (t.u16[id * RowU16.STRIDE + RowU16.BITS] & Bit.MID_STREAM) !== 0) {
      v[base + SCol.TCP_MID_STREAM]++;
    }
    if (result & TcpResult.RTT_SERVER) stats.observe(row, Hist.RTT_SERVER, t.rttServerUs[id], bucketOf(t.rttServerUs[id]));
    if (result & TcpResult.RTT_CLIENT) stats.observe(row, Hist.RTT_CLIENT, t.rttClientUs[id], bucketOf(t.rttClientUs[id]));
  }

  private opened(id: number, dir: number, view: PacketView): void {
    const t = this.table;
    // rowOf first: a VNI's first session creates its row, which may grow `values`.
    const base = this.stats.rowOf(t.vniKeyOf(id)) * SESSION_COLUMN_COUNT;
    const v = this.stats.values;
    const proto = t.protoOf(id);
    const b = id * RowU8.STRIDE;
    t.outerVniKey[id] = view.outerTunnelType * 0x1000000 + view.outerVni;
    t.tunnelDepth[id] = view.tunnelDepth;
    if (proto === IpProto.TCP) {
      v[base + SCol.TCP_OPENED]++;
      // Initiator and state are decided by tcpPacket from the first packet.
    } else if (proto === IpProto.UDP) {
      v[base + SCol.UDP_OPENED]++;
      initiatorByPort(t, id, dir);
    } else {
      v[base + SCol.ICMP_OPENED]++;
      const ipv = t.ipVersionOf(id);
      if (icmpIsRequest(ipv, view.icmpType)) {
        t.u8[b + RowU8.INITIATOR] = dir;
        t.u8[b + RowU8.INITIATOR_METHOD] = InitiatorMethod.ICMP_REQUEST;
      } else if (icmpHasIdentifier(ipv, view.icmpType)) {
        t.u8[b + RowU8.INITIATOR] = dir ^ 1; // a reply: its receiver asked
        t.u8[b + RowU8.INITIATOR_METHOD] = InitiatorMethod.ICMP_REQUEST;
      } else {
        t.u8[b + RowU8.INITIATOR] = dir;
        t.u8[b + RowU8.INITIATOR_METHOD] = InitiatorMethod.FIRST_PACKET;
      }
    }
  }

  /** Close every session idle longer than its class's timeout at frame time `nowUs`. */
  sweep(nowUs: number): void {
    const t = this.table;
    for (let cls = 0; cls < LRU_CLASS_COUNT; cls++) {
      const limit = this.timeoutUs[cls];
      for (let id = t.head[cls]; id !== NIL; id = t.head[cls]) {
        if (nowUs - t.lastActivityUs(id) <= limit) break;
        this.close(id, finalCloseReason(t.stateOf(id), CloseReason.TIMEOUT));
      }
    }
  }

  /**
   * Make room: a lingering closed TCP session if there is one, else the least
   * recently active session. Sessions already past their idle timeout go
   * first, as timeouts: the periodic sweep may not have reached them yet, and
   * they were no longer open, so evicting one would be the wrong reason.
   */
  private evictOne(): void {
    const t = this.table;
    this.sweep(this.clockUs);
    if (!t.full) return;
    let victim = t.head[LruClass.TCP_CLOSED];
    if (victim === NIL) {
      let oldest = Infinity;
      for (let cls = 0; cls < LRU_CLASS_COUNT; cls++) {
        const id = t.head[cls];
        if (id !== NIL) {
          const last = t.lastActivityUs(id);
          if (last < oldest) {
            oldest = last;
            victim = id;
          }
        }
      }
    }
    if (victim === NIL) return;
    this.stats.values[this.stats.rowOf(t.vniKeyOf(victim)) * SESSION_COLUMN_COUNT + SCol.EVICTIONS]++;
    this.close(victim, finalCloseReason(t.stateOf(victim), CloseReason.EVICTED));
  }

  /**
   * Close every session still in the table: `end_of_capture` at the end of a
   * replay, `shutdown` when the daemon stops. Sessions already closed by FIN
   * or RST (lingering) keep that reason. Afterwards the table is empty.
   */
  finish(reason: 'end_of_capture' | 'shutdown' = 'end_of_capture'): void {
    const code = reason === 'shutdown' ? CloseReason.SHUTDOWN : CloseReason.END_OF_CAPTURE;
    const t = this.table;
    // Sessions idle past their timeout at the last frame time had ended already: they close as timeouts.
    this.sweep(this.clockUs);
    for (let cls = 0; cls < LRU_CLASS_COUNT; cls++) {
      for (let id = t.head[cls]; id !== NIL; id = t.head[cls]) this.close(id, finalCloseReason(t.stateOf(id), code));
    }
  }

  private close(id: number, reason: number): void {
    const t = this.table;
    const statsRow = this.stats.rowOf(t.vniKeyOf(id));
    const v = this.stats.values;
    const base = statsRow * SESSION_COLUMN_COUNT;
    const proto = t.protoOf(id);
    const w = id * RowI32.STRIDE;
    const p0 = t.u32[w + RowI32.PKTS];
    const p1 = t.u32[w + RowI32.PKTS + 1];
    const first0 = t.firstUs[2 * id];
    const first1 = t.firstUs[2 * id + 1];
    const oneSided = p0 === 0 || p1 === 0;
    const start = p0 === 0 ? first1 : p1 === 0 ? first0 : Math.min(first0, first1);
    const end = t.lastActivityUs(id);
    t.u8[id * RowU8.STRIDE + RowU8.CLOSE_REASON] = reason;
    if (proto === IpProto.TCP) {
      v[base + SCol.TCP_CLOSED + reason]++;
      if (oneSided) v[base + SCol.TCP_ONE_SIDED]++;
      this.stats.observe(statsRow, Hist.DURATION, end - start, bucketOf(end - start));
    } else if (proto === IpProto.UDP) {
      v[base + SCol.UDP_CLOSED]++;
      if (oneSided) v[base + SCol.UDP_ONE_SIDED]++;
    } else {
      v[base + SCol.ICMP_CLOSED]++;
      if (oneSided) v[base + SCol.ICMP_ONE_SIDED]++;
    }
    if (this.onFlow !== undefined) {
      this.fillRecord(id, start, end, oneSided);
      this.onFlow(this.record);
    }
    t.remove(id);
  }

  private fillRecord(id: number, start: number, end: number, oneSided: boolean): void {
    const t = this.table;
    const r = this.record;
    const w = id * RowI32.STRIDE;
    const f = id * RowF64.STRIDE;
    const b = id * RowU8.STRIDE;
    const ini = t.u8[b + RowU8.INITIATOR];
    const fwd = ini;
    const rev = ini ^ 1;
    const vk = t.vniKeyOf(id);
    r.tunnelType = Math.floor(vk / 0x1000000);
    r.vni = vk % 0x1000000;
    const ok = t.outerVniKey[id];
    r.outerTunnelType = Math.floor(ok / 0x1000000);
    r.outerVni = ok % 0x1000000;
    r.tunnelDepth = t.tunnelDepth[id];
    r.ipVersion = t.ipVersionOf(id);
    r.proto = t.protoOf(id);
    const ports = t.portsOf(id);
    const loPort = Math.floor(ports / 0x10000);
    const hiPort = ports & 0xffff;
    const lo = ini === 0 ? r.initiatorAddr : r.responderAddr;
    const hi = ini === 0 ? r.responderAddr : r.initiatorAddr;
    if (r.ipVersion === 4) {
      lo[0] = t.i32[w + RowI32.ADDR_LO];
      hi[0] = t.i32[w + RowI32.ADDR_HI];
      lo[1] = lo[2] = lo[3] = hi[1] = hi[2] = hi[3] = 0;
    } else {
      const s = t.i32[w + RowI32.ADDR_LO] * 8;
      for (let i = 0; i < 4; i++) {
        lo[i] = t.v6[s + i];
        hi[i] = t.v6[s + 4 + i];
      }
    }
    r.initiatorPort = ini === 0 ? loPort : hiPort;
    r.responderPort = ini === 0 ? hiPort : loPort;
    const fwdPkts = t.u32[w + RowI32.PKTS + fwd];
    const revPkts = t.u32[w + RowI32.PKTS + rev];
    r.fwdPackets = fwdPkts;
    r.fwdIpBytes = t.f64[f + RowF64.IP_BYTES + fwd];
    r.fwdPayloadBytes = t.f64[f + RowF64.PAYLOAD_BYTES + fwd];
    r.fwdFirstUs = fwdPkts === 0 ? -1 : t.firstUs[2 * id + fwd];
    r.fwdLastUs = fwdPkts === 0 ? -1 : t.f64[f + RowF64.LAST_US + fwd];
    r.fwdTcpFlags = t.u8[b + RowU8.TCP_FLAGS + fwd];
    r.revPackets = revPkts;
    r.revIpBytes = t.f64[f + RowF64.IP_BYTES + rev];
    r.revPayloadBytes = t.f64[f + RowF64.PAYLOAD_BYTES + rev];
    r.revFirstUs = revPkts === 0 ? -1 : t.firstUs[2 * id + rev];
    r.revLastUs = revPkts === 0 ? -1 : t.f64[f + RowF64.LAST_US + rev];
    r.revTcpFlags = t.u8[b + RowU8.TCP_FLAGS + rev];
    r.startUs = start;
    r.endUs = end;
    r.durationUs = end - start;
    r.state = t.u8[b + RowU8.STATE];
    r.closeReason = t.u8[b + RowU8.CLOSE_REASON];
    r.initiatorMethod = t.u8[b + RowU8.INITIATOR_METHOD];
    const bits = t.u16[id * RowU16.STRIDE + RowU16.BITS];
    r.rttServerUs = bits & Bit.RTT_SERVER ? t.rttServerUs[id] : -1;
    r.rttClientUs = bits & Bit.RTT_CLIENT ? t.rttClientUs[id] : -1;
    r.retransPackets = t.retransPkts[id];
    r.retransBytes = t.retransBytes[id];
    r.synRetransmissions = t.u8[b + RowU8.SYN_RETRANS];
    r.outOfOrder = t.outOfOrder[id];
    r.unseenBytes = t.unseenBytes[id];
    r.zeroWindows = t.zeroWindows[id];
    r.midStream = (bits & Bit.MID_STREAM) !== 0;
    r.oneSided = oneSided;
  }
}
