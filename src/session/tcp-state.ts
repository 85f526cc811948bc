/**
 * TCP connection tracking as a passive observer at the mirror point: states,
 * close reasons, initiator, handshake RTT, retransmissions, out-of-order
 * segments, unseen bytes (mirror loss) and zero windows.
 *
 * Everything here works on SessionTable columns for one row and one packet;
 * nothing is allocated. Sequence numbers compare mod 2^32 (seq.ts).
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
import { seqGE, seqGT, seqLE } from './seq.js';
import { Bit, type SessionTable } from './session-table.js';

export const TcpState = {
  NONE: 0,
  SYN_SENT: 1,
  SYN_RECEIVED: 2,
  ESTABLISHED: 3,
  /** One side sent FIN. */
  FIN_WAIT: 4,
  /** Both sides sent FIN. */
  CLOSED_FIN: 5,
  CLOSED_RST: 6,
} as const;
export const TCP_STATE_NAMES = ['none', 'syn_sent', 'syn_received', 'established', 'fin_wait', 'closed_fin', 'closed_rst'] as const;

export const CloseReason = {
  NONE: 0,
  FIN: 1,
  RST: 2,
  TIMEOUT: 3,
  EVICTED: 4,
  END_OF_CAPTURE: 5,
  SHUTDOWN: 6,
} as const;
export const CLOSE_REASON_NAMES = ['none', 'fin', 'rst', 'timeout', 'evicted', 'end_of_capture', 'shutdown'] as const;
export type CloseReasonName = (typeof CLOSE_REASON_NAMES)[number];

export const InitiatorMethod = {
  SYN: 0,
  SYNACK: 1,
  PORT: 2,
  FIRST_PACKET: 3,
  /** ICMP: the sender of the request (echo, timestamp, information). */
  ICMP_REQUEST: 4,
} as const;
export const INITIATOR_METHOD_NAMES = ['syn', 'synack', 'port', 'first_packet', 'icmp_request'] as const;

/** Idle-timeout classes (one LRU list each in the table). */
export const LruClass = {
  TCP_OPENING: 0,
  TCP_ESTABLISHED: 1,
  TCP_CLOSED: 2,
  UDP: 3,
  ICMP: 4,
} as const;

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

/** Per-VNI counters tcpPacket adds to as events happen (offsets into a stats row). */
export const TcpEventCol = {
  RETRANS_PACKETS: 0,
  RETRANS_BYTES: 1,
  SYN_RETRANS: 2,
  OUT_OF_ORDER: 3,
  UNSEEN_BYTES: 4,
  ZERO_WINDOWS: 5,
} as const;

const SYN = TcpFlag.SYN;
const ACK = TcpFlag.ACK;
const FIN = TcpFlag.FIN;
const RST = TcpFlag.RST;

/** The close reason a session gets when it leaves the table for `reason`: a closed session keeps fin / rst. */
export function finalCloseReason(state: number, reason: number): number {
  if (state === TcpState.CLOSED_FIN) return CloseReason.FIN;
  if (state === TcpState.CLOSED_RST) return CloseReason.RST;
  return reason;
}

/** Initiator by ports: the higher port is the ephemeral (client) side. Returns the initiator's direction. */
export function initiatorByPort(t: SessionTable, id: number, dir: number): void {
  const ports = t.ports[id];
  const loPort = Math.floor(ports / 0x10000);
  const hiPort = ports & 0xffff;
  if (loPort === hiPort) {
    t.initiator[id] = dir;
    t.initiatorMethod[id] = InitiatorMethod.FIRST_PACKET;
  } else {
    t.initiator[id] = loPort > hiPort ? 0 : 1;
    t.initiatorMethod[id] = InitiatorMethod.PORT;
  }
}

/** True when this TCP packet opens a new connection on a tuple whose session is closed. */
export function isNewSynOnClosed(state: number, flags: number): boolean {
  return state >= TcpState.CLOSED_FIN && (flags & (SYN | ACK | RST)) === SYN;
}

/**
 * Apply one TCP packet from direction `dir` to session `id`. Its frame time is
 * `t.lastUs[2 * id + dir]`, which the caller sets before the call: read from
 * the column rather than passed, because a µs timestamp is no small integer
 * and V8 boxes such a number (allocates) to pass it to a call it does not
 * inline, once per packet. Event counters go to `ev[evBase + TcpEventCol.*]`
 * (the session's VNI row); RTTs measured here are returned through the table
 * columns and the RTT_* bits (the tracker observes them in its histograms).
 * Returns a bit set: 1 = server RTT measured now, 2 = client RTT measured now.
 */
export function tcpPacket(t: SessionTable, id: number, dir: number, view: PacketView, ev: Float64Array, evBase: number): number {
  const flags = view.tcpFlags;
  const other = dir ^ 1;
  const dd = 2 * id + dir;
  const od = 2 * id + other;
  const nowUs = t.lastUs[dd];
  let bits = t.bits[id];
  let state = t.state[id];
  let measured = 0;

  if (state === TcpState.NONE && (flags & SYN) === 0) {
    // First packet seen is not a SYN or SYN-ACK: the start was missed.
    bits |= Bit.MID_STREAM;
    initiatorByPort(t, id, dir);
    state = TcpState.ESTABLISHED;
  }

  if (flags & RST) {
    if (state < TcpState.CLOSED_FIN) state = TcpState.CLOSED_RST;
    t.bits[id] = bits | Bit.RST;
    t.state[id] = state;
    return 0;
  }

  if ((flags & (SYN | FIN)) === 0 && view.tcpWindow === 0) {
    t.zeroWindows[id]++;
    ev[evBase + TcpEventCol.ZERO_WINDOWS]++;
  }

  // Sequence and acknowledgement numbers as int32 bits (`| 0`, like the table's
  // columns): small integers to V8, so passing them to seq.ts never boxes them.
  const seq = view.tcpSeq | 0;
  const len = view.payloadLength;

  if (flags & SYN) {
    const synEnd = (seq + 1 + len) | 0;
    if ((flags & ACK) === 0) {
      if (state === TcpState.NONE) {
        t.initiator[id] = dir;
        t.initiatorMethod[id] = InitiatorMethod.SYN;
        t.handshakeUs[id] = nowUs;
        state = TcpState.SYN_SENT;
        t.nextSeq[dd] = synEnd;
        bits |= Bit.SEQ_INIT << dir;
      } else if (dir === t.initiator[id] && state <= TcpState.SYN_RECEIVED) {
        if (t.synRetrans[id] < 255) t.synRetrans[id]++;
        ev[evBase + TcpEventCol.SYN_RETRANS]++;
        if (state === TcpState.SYN_SENT) t.handshakeUs[id] = nowUs;
        t.nextSeq[dd] = synEnd;
      }
    } else {
      // SYN-ACK
      if (state === TcpState.SYN_SENT && dir !== t.initiator[id]) {
        const rtt = nowUs - t.handshakeUs[id];
        t.rttServerUs[id] = rtt > 0 ? rtt : 0;
        bits |= Bit.RTT_SERVER;
        measured |= 1;
        t.handshakeUs[id] = nowUs;
        state = TcpState.SYN_RECEIVED;
        t.nextSeq[dd] = synEnd;
        bits |= Bit.SEQ_INIT << dir;
      } else if (state === TcpState.NONE) {
        t.initiator[id] = other;
        t.initiatorMethod[id] = InitiatorMethod.SYNACK;
        t.handshakeUs[id] = nowUs;
        state = TcpState.SYN_RECEIVED;
        t.nextSeq[dd] = synEnd;
        bits |= Bit.SEQ_INIT << dir;
      } else if (state === TcpState.SYN_RECEIVED && dir !== t.initiator[id]) {
        if (t.synRetrans[id] < 255) t.synRetrans[id]++;
        ev[evBase + TcpEventCol.SYN_RETRANS]++;
        // The client answers the SYN-ACK that reached it, the latest one (as the server side counts from the latest SYN).
        t.handshakeUs[id] = nowUs;
      }
    }
  } else {
    // Handshake progress.
    if (state === TcpState.SYN_RECEIVED) {
      if (dir === t.initiator[id] && (flags & ACK) !== 0 && (bits & (Bit.SEQ_INIT << other)) !== 0 && (view.tcpAck | 0) === t.nextSeq[od]) {
        const rtt = nowUs - t.handshakeUs[id];
        t.rttClientUs[id] = rtt > 0 ? rtt : 0;
        bits |= Bit.RTT_CLIENT;
        measured |= 2;
        state = TcpState.ESTABLISHED;
      } else if (dir === t.initiator[id]) {
        state = TcpState.ESTABLISHED;
      }
    } else if (state === TcpState.SYN_SENT) {
      // The SYN-ACK never reached the mirror.
      state = TcpState.ESTABLISHED;
    }

    // Sequence analysis of this side's data (FIN counts one).
    const segLen = len + (flags & FIN ? 1 : 0);
    const seqInit = Bit.SEQ_INIT << dir;
    if ((bits & seqInit) === 0) {
      t.nextSeq[dd] = (seq + segLen) | 0;
      bits |= seqInit;
    } else if (segLen > 0) {
      const nx = t.nextSeq[dd];
      const end = (seq + segLen) | 0;
      const hole = Bit.HOLE << dir;
      if (seqGT(seq, nx)) {
        if ((bits & hole) === 0) {
          t.holeStart[dd] = nx;
          t.holeEnd[dd] = seq;
          bits |= hole;
        }
        t.nextSeq[dd] = end;
      } else if (seqLE(end, nx)) {
        if ((bits & hole) !== 0 && seqGE(seq, t.holeStart[dd]) && seqLE(end, t.holeEnd[dd])) {
          t.outOfOrder[id]++;
          ev[evBase + TcpEventCol.OUT_OF_ORDER]++;
          if (seq === t.holeStart[dd]) t.holeStart[dd] = end;
          else t.holeEnd[dd] = seq;
          if (seqGE(t.holeStart[dd], t.holeEnd[dd])) bits &= ~hole;
        } else {
          t.retransPkts[id]++;
          t.retransBytes[id] += len;
          ev[evBase + TcpEventCol.RETRANS_PACKETS]++;
          ev[evBase + TcpEventCol.RETRANS_BYTES] += len;
        }
      } else {
        t.nextSeq[dd] = end; // partly new data
      }
    }
  }

  // What this packet acknowledges of the other side's bytes.
  if ((flags & ACK) !== 0 && (bits & (Bit.SEQ_INIT << other)) !== 0) {
    const a = view.tcpAck | 0;
    const nx = t.nextSeq[od];
    let unseen = 0;
    if (seqGT(a, nx)) {
      unseen += (a - nx) >>> 0;
      t.nextSeq[od] = a;
    }
    const hole = Bit.HOLE << other;
    if ((bits & hole) !== 0) {
      const hs = t.holeStart[od];
      const he = t.holeEnd[od];
      if (seqGE(a, he)) {
        unseen += (he - hs) >>> 0;
        bits &= ~hole;
      } else if (seqGT(a, hs)) {
        unseen += (a - hs) >>> 0;
        t.holeStart[od] = a;
      }
    }
    if (unseen > 0) {
      t.unseenBytes[id] += unseen;
      ev[evBase + TcpEventCol.UNSEEN_BYTES] += unseen;
    }
  }

  if (flags & FIN) {
    bits |= Bit.FIN << dir;
    if (state < TcpState.CLOSED_FIN) {
      state = (bits & (Bit.FIN | (Bit.FIN << 1))) === (Bit.FIN | (Bit.FIN << 1)) ? TcpState.CLOSED_FIN : TcpState.FIN_WAIT;
    }
  }

  t.bits[id] = bits;
  t.state[id] = state;
  return measured;
}
