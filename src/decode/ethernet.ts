/**
 * Ethernet II framing with stacked VLAN tags.
 *
 * Standards: IEEE 802.3 clause 3 (MAC frame: destination address 6 bytes,
 * source address 6, then the 2-byte Length/Type field; values >= 0x0600 are
 * EtherTypes), IEEE 802.1Q (a 4-byte tag: TPID 0x8100 for a customer VLAN,
 * 0x88a8 for a service VLAN, the former 802.1ad; then the TCI: PCP 3 bits,
 * DEI 1 bit, VID 12 bits) and the pre-standard QinQ TPID 0x9100 that some
 * switches still emit.
 *
 * We accept up to two tags (QinQ). A third TPID is rejected without reading
 * its bytes. Checks run in this order, one reason each:
 *   1. fewer than 14 bytes                     -> *_too_short
 *   2. a third VLAN TPID                       -> *_too_many_vlans
 *   3. a tag (4 bytes) not wholly present      -> *_vlan_too_short
 * The EtherType dispatch (IP or not) is the caller's: the outer path drops
 * non-IP as `eth_not_ip`, the inner path counts it as decoded.
 */
import { Outcome, type OutcomeCode } from './outcome.js';
import type { PacketView } from './packet-view.js';

export const enum EtherType {
  IPV4 = 0x0800,
  ARP = 0x0806,
  VLAN = 0x8100,
  IPV6 = 0x86dd,
  QINQ = 0x88a8,
  QINQ_LEGACY = 0x9100,
}

/** Numbers fixed by the header layout (a const enum: tsc writes the number at each use). */
export const enum EthernetLayout {
  HEADER_LENGTH = 14,
  VLAN_TAG_LENGTH = 4,
  MAX_VLAN_TAGS = 2,
}

function isVlanTpid(type: number): boolean {
  return type === EtherType.VLAN || type === EtherType.QINQ || type === EtherType.QINQ_LEGACY;
}

/**
 * Outer Ethernet header at `off`; fills outerVlanCount/Id, outerEtherType,
 * outerL3Offset. The untagged frame (the mirror's normal case) is handled
 * here without entering the tag walk.
 */
export function decodeEthernet(dv: DataView, off: number, end: number, view: PacketView): OutcomeCode {
  if (end - off < EthernetLayout.HEADER_LENGTH) return Outcome.ETH_TOO_SHORT;
  const type = dv.getUint16(off + 12);
  if (isVlanTpid(type)) return decodeOuterTags(dv, off + 12, off + EthernetLayout.HEADER_LENGTH, end, view);
  view.outerVlanCount = 0;
  view.outerVlanId = 0;
  view.outerEtherType = type;
  view.outerL3Offset = off + EthernetLayout.HEADER_LENGTH;
  return Outcome.DECODED;
}

/**
 * Reads the EtherType field at `typeOff` and walks any VLAN tags that start at
 * `p` (each tag: TCI 2 bytes, then the next EtherType 2 bytes). Shared by the
 * Linux cooked-capture headers, whose protocol field plays the EtherType's
 * part: libpcap puts a tag that the kernel stripped back in exactly this shape.
 */
export function decodeOuterTags(dv: DataView, typeOff: number, p: number, end: number, view: PacketView): OutcomeCode {
  let type = dv.getUint16(typeOff);
  let count = 0;
  view.outerVlanCount = 0;
  view.outerVlanId = 0;
  while (isVlanTpid(type)) {
    if (count === EthernetLayout.MAX_VLAN_TAGS) return Outcome.ETH_TOO_MANY_VLANS;
    if (end - p < EthernetLayout.VLAN_TAG_LENGTH) return Outcome.ETH_VLAN_TOO_SHORT;
    if (count === 0) view.outerVlanId = dv.getUint16(p) & 0x0fff;
    count++;
    view.outerVlanCount = count;
    type = dv.getUint16(p + 2);
    p += EthernetLayout.VLAN_TAG_LENGTH;
  }
  view.outerEtherType = type;
  view.outerL3Offset = p;
  return Outcome.DECODED;
}

/**
 * Inner (mirrored) Ethernet header at `off`, inside the tunnel; `end` is the
 * end of the inner region. Fills innerVlanCount, innerEtherType, innerL3Offset.
 */
export function decodeInnerEthernet(dv: DataView, off: number, end: number, view: PacketView): OutcomeCode {
  if (end - off < EthernetLayout.HEADER_LENGTH) return Outcome.INNER_ETH_TOO_SHORT;
  let type = dv.getUint16(off + 12);
  let p = off + EthernetLayout.HEADER_LENGTH;
  let count = 0;
  view.innerVlanCount = 0;
  while (isVlanTpid(type)) {
    if (count === EthernetLayout.MAX_VLAN_TAGS) return Outcome.INNER_ETH_TOO_MANY_VLANS;
    if (end - p < EthernetLayout.VLAN_TAG_LENGTH) return Outcome.INNER_VLAN_TOO_SHORT;
    count++;
    view.innerVlanCount = count;
    type = dv.getUint16(p + 2);
    p += EthernetLayout.VLAN_TAG_LENGTH;
  }
  view.innerEtherType = type;
  view.innerL3Offset = p;
  return Outcome.DECODED;
}
