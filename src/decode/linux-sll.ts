/**
 * Linux "cooked" capture headers (what `tcpdump -i any` writes).
 *
 * Reference: tcpdump.org link-layer header types, LINKTYPE_LINUX_SLL (113)
 * and LINKTYPE_LINUX_SLL2 (276), and their pages sll.html / sll2.html.
 *
 * v1, 16 bytes:  packet type 2 | ARPHRD type 2 | address length 2 |
 *                address 8 | protocol 2 (offset 14)
 * v2, 20 bytes:  protocol 2 (offset 0) | reserved 2 | interface index 4 |
 *                ARPHRD type 2 | packet type 1 | address length 1 | address 8
 *
 * The protocol field holds an EtherType for the frames we care about (other
 * values, such as 0x0004 for 802.2 LLC, fall through to `eth_not_ip`). A
 * protocol that is a VLAN TPID means the payload starts with TCI + the next
 * protocol, the same walk as Ethernet's (ethernet.ts decodeOuterTags). For v1
 * that is how libpcap re-inserts a tag the kernel stripped (it writes the
 * tag at offset 14, pcap-linux.c set_vlan_offset); v2 gets no re-inserted
 * tag, but an untouched one has the same shape.
 *
 * Checks: header wholly present, else sll_too_short / sll2_too_short; then
 * the VLAN checks of ethernet.ts.
 */
import { decodeOuterTags } from './ethernet.js';
import { Outcome, type OutcomeCode } from './outcome.js';
import type { PacketView } from './packet-view.js';

/** Numbers fixed by the header layout (a const enum: tsc writes the number at each use). */
export const enum SllLayout {
  SLL_HEADER_LENGTH = 16,
  SLL2_HEADER_LENGTH = 20,
}

export function decodeLinuxSll(dv: DataView, off: number, end: number, view: PacketView): OutcomeCode {
  if (end - off < SllLayout.SLL_HEADER_LENGTH) return Outcome.SLL_TOO_SHORT;
  return decodeOuterTags(dv, off + 14, off + SllLayout.SLL_HEADER_LENGTH, end, view);
}

export function decodeLinuxSll2(dv: DataView, off: number, end: number, view: PacketView): OutcomeCode {
  if (end - off < SllLayout.SLL2_HEADER_LENGTH) return Outcome.SLL2_TOO_SHORT;
  return decodeOuterTags(dv, off, off + SllLayout.SLL2_HEADER_LENGTH, end, view);
}
