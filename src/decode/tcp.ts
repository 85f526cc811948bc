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
 * < 5 -> inner_tcp_bad_data_offset. Then every fixed field is read. Options
 * are parsed only within the bytes present: when the header runs past them
 * (the mirror's PacketLength or the snap length cut it) the frame is flagged
 * truncated and still decoded. Option parsing stops quietly at EOL, at an
 * option whose length byte is missing, below 2 or runs past the data. A
 * known option with an unexpected length is skipped by its length.
 * The window-scale shift is stored as sent; RFC 7323 §2.3 says a receiver
 * uses 14 for anything larger, which is the flow tracker's business.
 */
import { u16, u32 } from './bytes.js';
import { Outcome, type OutcomeCode } from './outcome.js';
import type { PacketView } from './packet-view.js';

export const TCP_MIN_HEADER_LENGTH = 20;

export const TcpOption = {
  EOL: 0,
  NOP: 1,
  MSS: 2,
  WINDOW_SCALE: 3,
  SACK_PERMITTED: 4,
  TIMESTAMPS: 8,
} as const;

/** TCP at `off`; `end` = end of the L4 bytes present (captured, trimmed to the IP length). */
export function decodeTcp(buf: Uint8Array, off: number, end: number, view: PacketView): OutcomeCode {
  if (end - off < TCP_MIN_HEADER_LENGTH) return Outcome.INNER_TCP_TOO_SHORT;
  const dataOffset = buf[off + 12] >> 4;
  if (dataOffset < 5) return Outcome.INNER_TCP_BAD_DATA_OFFSET;

  const headerLength = dataOffset << 2;
  view.l4Offset = off;
  view.srcPort = u16(buf, off);
  view.dstPort = u16(buf, off + 2);
  view.tcpSeq = u32(buf, off + 4);
  view.tcpAck = u32(buf, off + 8);
  view.tcpFlags = buf[off + 13];
  view.tcpWindow = u16(buf, off + 14);
  view.tcpHeaderLength = headerLength;

  let optionsEnd = off + headerLength;
  if (optionsEnd > end) {
    view.truncated = true;
    optionsEnd = end;
  }
  let p = off + TCP_MIN_HEADER_LENGTH;
  while (p < optionsEnd) {
    const kind = buf[p];
    if (kind === TcpOption.EOL) break;
    if (kind === TcpOption.NOP) {
      p++;
      continue;
    }
    if (optionsEnd - p < 2) break;
    const length = buf[p + 1];
    if (length < 2 || optionsEnd - p < length) break;
    switch (kind) {
      case TcpOption.MSS:
        if (length === 4) view.tcpMss = u16(buf, p + 2);
        break;
      case TcpOption.WINDOW_SCALE:
        if (length === 3) view.tcpWindowScale = buf[p + 2];
        break;
      case TcpOption.SACK_PERMITTED:
        if (length === 2) view.tcpSackPermitted = true;
        break;
      case TcpOption.TIMESTAMPS:
        if (length === 10) {
          view.tcpHasTimestamp = true;
          view.tcpTsVal = u32(buf, p + 2);
          view.tcpTsEcr = u32(buf, p + 6);
        }
        break;
    }
    p += length;
  }
  return Outcome.DECODED;
}
