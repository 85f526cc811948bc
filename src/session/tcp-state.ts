/**
 * TCP connection tracking as a passive observer at the mirror point: states,
 * close reasons, initiator, handshake RTT, retransmissions, out-of-order
 * segments, unseen bytes (mirror loss) and zero windows.
 *
 * Everything here works on one SessionTable row (its hot fields, and the
 * cold columns when an event needs them) for one packet; nothing is allocated. Sequence numbers compare mod 2^32 (seq.ts).
 *
 * Definitions (all from frames the mirror delivered, in arrival order):
 * - Initiator: the sender of a SYN (method `syn`); else, when the first
 *   packet seen is a SYN-ACK, its receiver (`synack`); else the side with the
 *   higher port, taken as the ephemeral one (`port`); equal ports: the sender
 *   of the first packet seen (`first_packet`).
 * - Handshake RTT as seen at the mirror: server side = SYN → SYN-ACK (the
 *   latest SYN, if the client retransmitted it); client side = SYN-ACK (the
 *   latest, if the server retransmitted it) → the first packet from the
 *   initiator that acknowledges it.
 * - nextSeq[dir]: one past the highest sequence number seen from `dir` (SYN
 *   and FIN count one each). A segment with data (or FIN) that starts beyond
 *   it opens a gap ("hole"; one tracked per direction). A segment lying
 *   entirely at or below nextSeq is out-of-order when it falls inside the
 *   open hole (it fills it), else a retransmission (packets, and payload
 *   bytes). Wireshark separates the two by timing; a mirror cannot know
 *   whether a hole-filler was delayed or re-sent, so we call every
 *   hole-filler out-of-order.
 * - Unseen bytes: an ACK from the receiver beyond the sender's nextSeq, or
 *   covering a hole, acknowledges bytes the mirror never delivered. They are
 *   counted once (nextSeq advances to the ACK, the hole shrinks).
 * - Zero window: a segment without SYN, FIN or RST advertising window 0.
 * - SYN retransmissions: a SYN from the initiator while the handshake is
 *   still open, or a SYN-ACK from the responder after one was seen. These are
 *   counted apart from data retransmissions.
 * - Close: both sides sent FIN → `fin`; an RST before that → `rst`. A closed
 *   session lingers `tcpClosed` seconds so that the last ACK and late RSTs
 *   stay with it; a new SYN on it starts a new session at once.
 */
import { TcpFlag, type PacketView } from '../decode/packet-view.js';
import { seqGT, seqLE } from './seq.js';
import { addHole, ackHoles, fillHoles, holeResult, loadHoles, storeHoles } from './sequence-holes.js';
import { Bit, RowF64, RowI32, RowU16, RowU8, type SessionTable } from './session-table.js';

/**
 * An RTT in µs as its uint32 column holds it: negative (frames out of time
 * order) as 0, and above 2^32 - 1 µs (71.6 minutes, possible only with a
 * --timeout.tcp-opening that long) as 2^32 - 1, instead of wrapping around.
 */
function rttColumnValue(rttUs: number): number {
  return rttUs > 0 ? (rttUs < 0xffffffff ? rttUs : 0xffffffff) : 0;
}

// TcpState, CloseReason, InitiatorMethod, LruClass and TcpEventCol are const
// enums: tsc writes the number at each use, so the per-packet code compares
// with literals instead of loading a property of a module object each time.
export const enum TcpState {
  NONE = 0,
  SYN_SENT = 1,
  SYN_RECEIVED = 2,
  ESTABLISHED = 3,
  /** One side sent FIN. */
  FIN_WAIT = 4,
  /** Both sides sent FIN. */
  CLOSED_FIN = 5,
  CLOSED_RST = 6,
}
export const TCP_STATE_NAMES = ['none', 'syn_sent', 'syn_received', 'established', 'fin_wait', 'closed_fin', 'closed_rst'] as const;

export const enum CloseReason {
  NONE = 0,
  FIN = 1,
  RST = 2,
  TIMEOUT = 3,
  EVICTED = 4,
  END_OF_CAPTURE = 5,
  SHUTDOWN = 6,
}
export const CLOSE_REASON_NAMES = ['none', 'fin', 'rst', 'timeout', 'evicted', 'end_of_capture', 'shutdown'] as const;
export type CloseReasonName = (typeof CLOSE_REASON_NAMES)[number];

export const enum InitiatorMethod {
  SYN = 0,
  SYNACK = 1,
  PORT = 2,
  FIRST_PACKET = 3,
  /** ICMP: the sender of the request (echo, timestamp, information). */
  ICMP_REQUEST = 4,
}
export const INITIATOR_METHOD_NAMES = ['syn', 'synack', 'port', 'first_packet', 'icmp_request'] as const;

/** Idle-timeout classes (one LRU list each in the table). */
export const enum LruClass {
  TCP_OPENING = 0,
  TCP_ESTABLISHED = 1,
  TCP_CLOSED = 2,
  UDP = 3,
  ICMP = 4,
}

/**
 * Idle timeouts in seconds of frame time, per class.
 *
 * - tcpOpening 60: SYN sent, handshake not complete. Longer than the largest
 *   gap between Linux's SYN retries (1, 2, 4, 8, 16, 32 s with the default
 *   tcp_syn_retries = 6), so every retry of one attempt stays one session.
 * - tcpEstablished 350: established or half-closed. AWS NAT gateways and
 *   Network Load Balancers drop TCP flows idle for 350 s, so a connection
 *   through them that was quiet longer is gone anyway.
 * - tcpClosed 10: after both FINs or an RST. Enough for the last ACK, a
 *   retransmitted FIN and the RSTs a closed socket sends, several RTOs long.
 * - udp 120: the UDP flow idle timeout of AWS Network Load Balancers.
 * - icmp 30: ping sends one request a second; 30 s of silence ends an
 *   exchange (Linux conntrack also keeps ICMP entries 30 s).
 */
export interface SessionTimeouts {
  tcpOpening: number;
  tcpEstablished: number;
  tcpClosed: number;
  udp: number;
  icmp: number;
}

export const DEFAULT_TIMEOUTS: Readonly<SessionTimeouts> = Object.freeze({
  tcpOpening: 60,
  tcpEstablished: 350,
  tcpClosed: 10,
  udp: 120,
  icmp: 30,
});

export function lruClassOfTcpState(state: number): number {
  if (state >= TcpState.CLOSED_FIN) return LruClass.TCP_CLOSED;
  if (state >= TcpState.ESTABLISHED) return LruClass.TCP_ESTABLISHED;
  return LruClass.TCP_OPENING;
}

/**
 * Per-VNI counters tcpPacket adds to as events happen: offsets into the
 * event scratch it is given, and into a stats row (session-stats.ts SCol
 * starts with these six).
 */
export const enum TcpEventCol {
  RETRANS_PACKETS = 0,
  RETRANS_BYTES = 1,
  SYN_RETRANS = 2,
  OUT_OF_ORDER = 3,
  UNSEEN_BYTES = 4,
  ZERO_WINDOWS = 5,
}
export const TCP_EVENT_COUNT = 6;

/** tcpPacket's result bits. */
export const enum TcpResult {
  RTT_SERVER = 1, // server-side RTT measured by this packet
  RTT_CLIENT = 2, // client-side RTT measured by this packet
  EVENTS = 4, // an event counter was added to the scratch
}


/** The close reason a session gets when it leaves the table for `reason`: a closed session keeps fin / rst. */
export function finalCloseReason(state: number, reason: number): number {
  if (state === TcpState.CLOSED_FIN) return CloseReason.FIN;
  if (state === TcpState.CLOSED_RST) return CloseReason.RST;
  return reason;
}

/** Initiator by ports: the higher port is the ephemeral (client) side. Sets the row's initiator and method. */
export function initiatorByPort(t: SessionTable, id: number, dir: number): void {
  const ports = t.portsOf(id);
  const loPort = Math.floor(ports / 0x10000);
  const hiPort = ports & 0xffff;
  const b = id * RowU8.STRIDE;
  if (loPort === hiPort) {
    t.u8[b + RowU8.INITIATOR] = dir;
    t.u8[b + RowU8.INITIATOR_METHOD] = InitiatorMethod.FIRST_PACKET;
  } else {
    t.u8[b + RowU8.INITIATOR] = loPort > hiPort ? 0 : 1;
    t.u8[b + RowU8.INITIATOR_METHOD] = InitiatorMethod.PORT;
  }
}

/**
 * A SYN that arrives less than this after the SYN-ACK that opened its session
 * (µs) is the original one, reordered by the mirror, not a retransmission:
 * Linux's minimum retransmission timeout is 200 ms (the initial one is 1 s,
 * RFC 6298 §2.1), while the two directions of a mirrored connection are
 * reordered by at most the difference of their paths (µs to ms).
 */
const LATE_SYN_US = 200_000;

/**
 * True when this TCP packet, from side `dir`, opens a new connection on a
 * tuple whose session is over: closed by both FINs or an RST, or one whose
 * FIN came from this very side. A side that has sent its FIN sends no SYN in
 * the same connection, so its SYN is a new one even when the mirror never
 * showed the other side's FIN (a one-sided mirror: only outbound traffic).
 */
export function isNewSynOnClosed(t: SessionTable, id: number, flags: number, dir: number): boolean {
  // The flags first: the row's bits are read only for a pure SYN.
  if ((flags & (TcpFlag.SYN | TcpFlag.ACK | TcpFlag.RST)) !== TcpFlag.SYN) return false;
  const state = t.u8[id * RowU8.STRIDE + RowU8.STATE];
  return state >= TcpState.CLOSED_FIN || (state === TcpState.FIN_WAIT && (t.u16[id * RowU16.STRIDE + RowU16.BITS] & (Bit.FIN << dir)) !== 0);
}

/** Why a session that a new SYN supersedes (isNewSynOnClosed) ended: both FINs, an RST, or the one FIN the mirror showed. */
export function supersededCloseReason(state: number): number {
  return state === TcpState.FIN_WAIT ? CloseReason.FIN : finalCloseReason(state, CloseReason.NONE);
}

/**
 * Header prediction (Van Jacobson's, as TCP stacks use it): the common
 * packet of an established connection is an in-order segment or a pure ACK
 * that changes nothing but this side's nextSeq. Handles exactly that case
 * and returns true; returns false, having changed nothing, for anything else,
 * which then goes through tcpPacket. The two must agree: for a packet this
 * accepts, tcpPacket would set NEXT_SEQ + dir to seq + len when len > 0 and
 * change nothing else (no hole on either side, both sequences known, no
 * SYN / FIN / RST, window not zero, nothing acknowledged beyond what was
 * seen). Small enough to be inlined into the tracker: most TCP packets then
 * make no call at all here.
 */
export function tcpPredicted(t: SessionTable, id: number, dir: number, view: PacketView): boolean {
  const flags = view.tcpFlags;
  if ((flags & (TcpFlag.SYN | TcpFlag.FIN | TcpFlag.RST | TcpFlag.ACK)) !== TcpFlag.ACK || view.tcpWindow === 0) return false;
  if (t.u8[id * RowU8.STRIDE + RowU8.STATE] !== TcpState.ESTABLISHED) return false;
  const both = Bit.SEQ_INIT | (Bit.SEQ_INIT << 1);
  if ((t.u16[id * RowU16.STRIDE + RowU16.BITS] & (both | Bit.HOLE | (Bit.HOLE << 1))) !== both) return false;
  const i32 = t.i32;
  const w = id * RowI32.STRIDE + RowI32.NEXT_SEQ;
  if (seqGT(view.tcpAck | 0, i32[w + (dir ^ 1)])) return false; // acknowledges unseen bytes
  const len = view.payloadLength;
  if (len === 0) return true;
  const seq = view.tcpSeq | 0;
  if (seq !== i32[w + dir]) return false;
  i32[w + dir] = (seq + len) | 0;
  return true;
}

/**
 * Apply one TCP packet from direction `dir` to session `id`. Its frame time is
 * the row's LAST_US + dir, which the caller sets before the call: read from
 * the row rather than passed, because a µs timestamp is no small integer
 * and V8 boxes such a number (allocates) to pass it to a call it does not
 * inline, once per packet. Event counts go to `ev[TcpEventCol.*]`, a scratch
 * the caller adds to the session's VNI row and zeroes when the result has
 * TcpResult.EVENTS (so the common packet, with no event, never looks its VNI
 * row up); each slot gets at most one addition per packet. RTTs measured here
 * are returned through the cold columns and the RTT_* bits (the tracker
 * observes them in its histograms). Returns TcpResult bits.
 */
export function tcpPacket(t: SessionTable, id: number, dir: number, view: PacketView, ev: Float64Array): number {
  const flags = view.tcpFlags;
  const other = dir ^ 1;
  const f64 = t.f64;
  const i32 = t.i32;
  const u8 = t.u8;
  const w = id * RowI32.STRIDE;
  const b = id * RowU8.STRIDE;
  const h = id * RowU16.STRIDE + RowU16.BITS;
  const seqD = w + RowI32.NEXT_SEQ + dir; // this side's nextSeq
  const seqO = w + RowI32.NEXT_SEQ + other;
  const nowUs = f64[id * RowF64.STRIDE + RowF64.LAST_US + dir];
  const handshake = id * RowF64.STRIDE + RowF64.HANDSHAKE_US;
  let bits = t.u16[h];
  let state = u8[b + RowU8.STATE];
  let result = 0;

  if (state === TcpState.NONE && (flags & TcpFlag.SYN) === 0) {
    // First packet seen is not a SYN or SYN-ACK: the start was missed.
    bits |= Bit.MID_STREAM;
    initiatorByPort(t, id, dir);
    state = TcpState.ESTABLISHED;
  }

  const rst = (flags & TcpFlag.RST) !== 0;
  if (rst) {
    // An RST ends the session; its sequence number says nothing about data, but
    // an RST,ACK's acknowledgement does (Linux puts rcv_nxt there when it aborts),
    // so it still goes through the acknowledgement below.
    if (state < TcpState.CLOSED_FIN) state = TcpState.CLOSED_RST;
    bits |= Bit.RST;
  } else if ((flags & (TcpFlag.SYN | TcpFlag.FIN)) === 0 && view.tcpWindow === 0) {
    t.zeroWindows[id]++;
    ev[TcpEventCol.ZERO_WINDOWS]++;
    result |= TcpResult.EVENTS;
  }

  // Sequence and acknowledgement numbers as int32 bits (`| 0`, like the row's
  // fields): small integers to V8, so passing them to seq.ts never boxes them.
  const seq = view.tcpSeq | 0;
  const len = view.payloadLength;

  if (rst) {
    // nothing but the acknowledgement
  } else if (flags & TcpFlag.SYN) {
    const synEnd = (seq + 1 + len) | 0;
    if ((flags & TcpFlag.ACK) === 0) {
      if (state === TcpState.NONE) {
        u8[b + RowU8.INITIATOR] = dir;
        u8[b + RowU8.INITIATOR_METHOD] = InitiatorMethod.SYN;
        f64[handshake] = nowUs;
        state = TcpState.SYN_SENT;
        i32[seqD] = synEnd;
        bits |= Bit.SEQ_INIT << dir;
      } else if (
        dir === u8[b + RowU8.INITIATOR] &&
        state === TcpState.SYN_RECEIVED &&
        (bits & (Bit.SEQ_INIT << dir)) === 0 &&
        u8[b + RowU8.INITIATOR_METHOD] === InitiatorMethod.SYNACK &&
        nowUs - f64[handshake] < LATE_SYN_US
      ) {
        // The original SYN, delivered by the mirror just after the SYN-ACK that answers it (the two
        // directions reach the target by different paths): the first packet of the initiator's side,
        // sooner after the SYN-ACK than any SYN retransmission can follow. Not a retransmission; the
        // initiator is now known as the SYN sender. (No server-side RTT: the order was lost.)
        u8[b + RowU8.INITIATOR_METHOD] = InitiatorMethod.SYN;
        i32[seqD] = synEnd;
        bits |= Bit.SEQ_INIT << dir;
      } else if (dir === u8[b + RowU8.INITIATOR] && state <= TcpState.SYN_RECEIVED) {
        if (u8[b + RowU8.SYN_RETRANS] < 255) u8[b + RowU8.SYN_RETRANS]++;
        ev[TcpEventCol.SYN_RETRANS]++;
        result |= TcpResult.EVENTS;
        if (state === TcpState.SYN_SENT) f64[handshake] = nowUs;
        i32[seqD] = synEnd;
      }
    } else {
      // SYN-ACK
      if (state === TcpState.SYN_SENT && dir !== u8[b + RowU8.INITIATOR]) {
        const rtt = nowUs - f64[handshake];
        t.rttServerUs[id] = rttColumnValue(rtt);
        bits |= Bit.RTT_SERVER;
        result |= TcpResult.RTT_SERVER;
        f64[handshake] = nowUs;
        state = TcpState.SYN_RECEIVED;
        i32[seqD] = synEnd;
        bits |= Bit.SEQ_INIT << dir;
      } else if (state === TcpState.NONE) {
        u8[b + RowU8.INITIATOR] = other;
        u8[b + RowU8.INITIATOR_METHOD] = InitiatorMethod.SYNACK;
        f64[handshake] = nowUs;
        state = TcpState.SYN_RECEIVED;
        i32[seqD] = synEnd;
        bits |= Bit.SEQ_INIT << dir;
      } else if (state === TcpState.SYN_RECEIVED && dir !== u8[b + RowU8.INITIATOR]) {
        if (u8[b + RowU8.SYN_RETRANS] < 255) u8[b + RowU8.SYN_RETRANS]++;
        ev[TcpEventCol.SYN_RETRANS]++;
        result |= TcpResult.EVENTS;
        // The client answers the SYN-ACK that reached it, the latest one (as the server side counts from the latest SYN).
        f64[handshake] = nowUs;
      }
    }
  } else {
    // Handshake progress.
    if (state === TcpState.SYN_RECEIVED) {
      const fromInitiator = dir === u8[b + RowU8.INITIATOR];
      if (fromInitiator && (flags & TcpFlag.ACK) !== 0 && (bits & (Bit.SEQ_INIT << other)) !== 0 && (view.tcpAck | 0) === i32[seqO]) {
        const rtt = nowUs - f64[handshake];
        t.rttClientUs[id] = rttColumnValue(rtt);
        bits |= Bit.RTT_CLIENT;
        result |= TcpResult.RTT_CLIENT;
        state = TcpState.ESTABLISHED;
      } else if (fromInitiator || len > 0 || (flags & TcpFlag.FIN) !== 0) {
        // The responder sends data or its FIN only once the connection is
        // established (RFC 9293 §3.10.7.4): so it is, even when the mirror
        // never shows the initiator's side (a one-sided mirror).
        state = TcpState.ESTABLISHED;
      }
    } else if (state === TcpState.SYN_SENT) {
      // The SYN-ACK never reached the mirror.
      state = TcpState.ESTABLISHED;
    }

    // Sequence analysis of this side's data (FIN counts one).
    const segLen = len + (flags & TcpFlag.FIN ? 1 : 0);
    const seqInit = Bit.SEQ_INIT << dir;
    if ((bits & seqInit) === 0) {
      i32[seqD] = (seq + segLen) | 0;
      bits |= seqInit;
    } else if (segLen > 0) {
      const nx = i32[seqD];
      const end = (seq + segLen) | 0;
      if (seqGT(seq, nx)) {
        // Above everything seen: the bytes between are a gap (the mirror, or the network, lost them so far).
        bits = storeHoles(t, id, dir, bits, addHole(loadHoles(t, id, dir, bits), nx, seq));
        i32[seqD] = end;
      } else {
        // Starts at or below the highest byte seen: whatever of it lies in a gap fills it.
        const below = seqLE(end, nx);
        let inside = false;
        if ((bits & (Bit.HOLE << dir)) !== 0) {
          bits = storeHoles(t, id, dir, bits, fillHoles(loadHoles(t, id, dir, bits), seq, below ? end : nx));
          inside = holeResult.inside;
        }
        if (!below) {
          i32[seqD] = end; // partly new data
        } else if (inside) {
          // Only bytes never seen, sent before ones already seen: out of order.
          t.outOfOrder[id]++;
          ev[TcpEventCol.OUT_OF_ORDER]++;
          result |= TcpResult.EVENTS;
        } else {
          t.retransPkts[id]++;
          t.retransBytes[id] += len;
          ev[TcpEventCol.RETRANS_PACKETS]++;
          ev[TcpEventCol.RETRANS_BYTES] += len;
          result |= TcpResult.EVENTS;
        }
      }
    }
  }

  // What this packet acknowledges of the other side's bytes.
  if ((flags & TcpFlag.ACK) !== 0 && (bits & (Bit.SEQ_INIT << other)) !== 0) {
    const a = view.tcpAck | 0;
    const nx = i32[seqO];
    let unseen = 0;
    if (seqGT(a, nx)) {
      unseen += (a - nx) >>> 0;
      i32[seqO] = a;
    }
    if ((bits & (Bit.HOLE << other)) !== 0) {
      bits = storeHoles(t, id, other, bits, ackHoles(loadHoles(t, id, other, bits), a));
      unseen += holeResult.unseen;
    }
    if (unseen > 0) {
      t.unseenBytes[id] += unseen;
      ev[TcpEventCol.UNSEEN_BYTES] += unseen;
      result |= TcpResult.EVENTS;
    }
  }

  if (!rst && (flags & TcpFlag.FIN) !== 0) {
    bits |= Bit.FIN << dir;
    if (state < TcpState.CLOSED_FIN) {
      state = (bits & (Bit.FIN | (Bit.FIN << 1))) === (Bit.FIN | (Bit.FIN << 1)) ? TcpState.CLOSED_FIN : TcpState.FIN_WAIT;
    }
  }

  t.u16[h] = bits;
  u8[b + RowU8.STATE] = state;
  return result;
}
