/**
 * Inner ICMP (over IPv4) and ICMPv6 (over IPv6): type and code.
 *
 * Standards: RFC 792 (type 1 | code 1 | checksum 2 | message-specific
 * fields) and RFC 4443 §2.1 (type 1 | code 1 | checksum 2 | message body).
 * Both share the same 4-byte common header, all that is checked. Every
 * message either RFC defines then has 4 more bytes before its data
 * (identifier and sequence of an echo, the unused/pointer/MTU word of an
 * error, RFC 792's "Gateway Internet Address"), so the payload is what
 * follows byte 8, as tshark's "Data" of an echo: `ping -s 56` carries 56.
 *
 * Check: fewer than 4 bytes -> inner_icmp_too_short.
 */
import { Outcome, type OutcomeCode } from './outcome.js';
import type { PacketView } from './packet-view.js';

/** Numbers fixed by the header layout (a const enum: tsc writes the number at each use). */
export const enum IcmpLayout {
  HEADER_LENGTH = 4,
  /** Where a message's data starts (RFC 792 and RFC 4443 message formats): the header for payload bytes. */
  MESSAGE_HEADER_LENGTH = 8,
  /** Where the identifier (bytes 4-5) ends; not part of the 4 bytes every message has. */
  ID_END = 6,
}

/** ICMP or ICMPv6 at `off`; `end` = end of the L4 bytes present. */
export function decodeIcmp(dv: DataView, off: number, end: number, view: PacketView): OutcomeCode {
  if (end - off < IcmpLayout.HEADER_LENGTH) return Outcome.INNER_ICMP_TOO_SHORT;
  view.l4Offset = off;
  view.icmpType = dv.getUint8(off);
  view.icmpCode = dv.getUint8(off + 1);
  view.l4Checksum = dv.getUint16(off + 2);
  view.icmpId = end - off >= IcmpLayout.ID_END ? dv.getUint16(off + 4) : 0;
  return Outcome.DECODED;
}
