/**
 * Inner TCP header and the options a flow tracker needs.
 *
 * Standards: RFC 9293 §3.1 (source port 2 | destination port 2 | sequence 4
 * | acknowledgment 4 | data offset 4 bits + reserved 4 bits | flags 1
 * (CWR ECE URG ACK PSH RST SYN FIN) | window 2 | checksum 2 | urgent 2 |
 * options), §3.2 (EOL 0, NOP 1, MSS 2 with length 4), RFC 7323 §2.2 / §3.2
 * (window scale 3 / length 3, timestamps 8 / length 10), RFC 2018 §2
 * (SACK-permitted 4 / length 2).
 *
 * Checks, in order: fewer than 20 bytes -> inner_tcp_too_short; data offset
 * < 5, or a header longer than the segment by the IP length ->
 * inner_tcp_bad_data_offset. Then every fixed field is read. Options
 * are parsed only within the bytes present: when the header runs past them
 * (the mirror's PacketLength or the snap length cut it) the frame is flagged
 * truncated and still decoded. Option parsing stops quietly at EOL, at an
 * option whose length byte is missing, below 2 or runs past the data. A
 * known option with an unexpected length is skipped by its length.
 * The window-scale shift is stored as sent; RFC 7323 §2.3 says a receiver
 * uses 14 for anything larger, which is the flow tracker's business.
 */
import { Outcome, type OutcomeCode } from './outcome.js';
import type { PacketView } from './packet-view.js';

/** Numbers fixed by the header layout (a const enum: tsc writes the number at each use). */
export const enum TcpLayout {
  MIN_HEADER_LENGTH = 20,
  /**
   * NOP, NOP, timestamps (kind 8, length 10) as one big-endian word: the
   * options block of nearly every segment after the handshake from Linux,
   * Windows and the BSDs (the layout RFC 7323 Appendix A suggests, so the
   * timestamps are 4-byte aligned). decodeTcp takes it without the loop.
   */
  NOP_NOP_TIMESTAMPS = 0x0101080a,
  NOP_NOP_TIMESTAMPS_HEADER_LENGTH = MIN_HEADER_LENGTH + 12,
}

export const enum TcpOption {
  EOL = 0,
  NOP = 1,
  MSS = 2,
  WINDOW_SCALE = 3,
  SACK_PERMITTED = 4,
  TIMESTAMPS = 8,
}

/**
 * TCP at `off`; `end` = end of the L4 bytes present (captured, trimmed to the
 * IP length); `segmentEnd` = end of the segment by the IP length (past `end`
 * only when the capture cut the segment).
 */
export function decodeTcp(dv: DataView, off: number, end: number, view: PacketView, segmentEnd: number): OutcomeCode {
  if (end - off < TcpLayout.MIN_HEADER_LENGTH) return Outcome.INNER_TCP_TOO_SHORT;
  // The fixed 20 bytes are present: 32-bit words, one bounds check each.
  const word3 = dv.getUint32(off + 12); // data offset 4 | reserved 4 | flags 8 | window 16
  const dataOffset = word3 >>> 28;
  const headerLength = dataOffset << 2;
  // The header cannot be longer than the segment the IP length gives (RFC 9293 §3.1: the
  // data offset is the header's length); past the captured bytes only, it was cut (below).
  if (dataOffset < 5 || off + headerLength > segmentEnd) return Outcome.INNER_TCP_BAD_DATA_OFFSET;

  writeTcpFixedFields(dv, off, view);

  if (headerLength === TcpLayout.MIN_HEADER_LENGTH) {
    view.tcpHasTimestamp = false;
    view.tcpTsVal = 0;
    view.tcpTsEcr = 0;
    return Outcome.DECODED;
  }
  const optionsEnd = off + headerLength;
  if (
    headerLength === TcpLayout.NOP_NOP_TIMESTAMPS_HEADER_LENGTH &&
    optionsEnd <= end &&
    dv.getUint32(off + TcpLayout.MIN_HEADER_LENGTH) === TcpLayout.NOP_NOP_TIMESTAMPS
  ) {
    // The common case, exactly what the loop below would find.
    view.tcpHasTimestamp = true;
    view.tcpTsVal = dv.getUint32(off + 24);
    view.tcpTsEcr = dv.getUint32(off + 28);
    return Outcome.DECODED;
  }
  view.tcpHasTimestamp = false;
  view.tcpTsVal = 0;
  view.tcpTsEcr = 0;
  if (optionsEnd > end) {
    view.truncated = true;
    decodeTcpOptions(dv, off + TcpLayout.MIN_HEADER_LENGTH, end, view);
  } else {
    decodeTcpOptions(dv, off + TcpLayout.MIN_HEADER_LENGTH, optionsEnd, view);
  }
  return Outcome.DECODED;
}

/**
 * The options between `p` and `optionsEnd` (both within the bytes present).
 * Kept out of decodeTcp so that the common path stays small enough for the
 * optimizing compiler to inline.
 */
/**
 * The fixed header's fields (its 20 bytes are present) and the option
 * fields other than timestamps at their "absent" values, to be overwritten
 * by what the options hold. Shared with common-shape.ts, so a TCP header is
 * written the same way on both paths.
 *
 * It reads bytes 12-15 again rather than taking the caller's word: a uint32
 * of 2^31 or more (any data offset of 8 or more) passed to a function V8
 * does not inline is boxed in a new HeapNumber, an allocation per segment
 * (test/unit/decode/no-alloc.test.ts caught exactly that).
 */
export function writeTcpFixedFields(dv: DataView, off: number, view: PacketView): void {
  const ports = dv.getUint32(off);
  const word3 = dv.getUint32(off + 12); // data offset 4 | reserved 4 | flags 8 | window 16
  view.l4Offset = off;
  view.srcPort = ports >>> 16;
  view.dstPort = ports & 0xffff;
  view.tcpSeq = dv.getUint32(off + 4);
  view.tcpAck = dv.getUint32(off + 8);
  view.tcpFlags = (word3 >>> 16) & 0xff;
  view.tcpWindow = word3 & 0xffff;
  view.tcpHeaderLength = (word3 >>> 28) << 2;
  view.tcpMss = 0;
  view.tcpWindowScale = -1;
  view.tcpSackPermitted = false;
}

function decodeTcpOptions(dv: DataView, p: number, optionsEnd: number, view: PacketView): void {
  while (p < optionsEnd) {
    const kind = dv.getUint8(p);
    if (kind === TcpOption.EOL) break;
    if (kind === TcpOption.NOP) {
      p++;
      continue;
    }
    if (optionsEnd - p < 2) break;
    const length = dv.getUint8(p + 1);
    if (length < 2 || optionsEnd - p < length) break;
    switch (kind) {
      case TcpOption.MSS:
        if (length === 4) view.tcpMss = dv.getUint16(p + 2);
        break;
      case TcpOption.WINDOW_SCALE:
        if (length === 3) view.tcpWindowScale = dv.getUint8(p + 2);
        break;
      case TcpOption.SACK_PERMITTED:
        if (length === 2) view.tcpSackPermitted = true;
        break;
      case TcpOption.TIMESTAMPS:
        if (length === 10) {
          view.tcpHasTimestamp = true;
          view.tcpTsVal = dv.getUint32(p + 2);
          view.tcpTsEcr = dv.getUint32(p + 6);
        }
        break;
    }
    p += length;
  }
}
