/**
 * The canonical flow key (DESIGN.md §3 rule 5).
 *
 * A key is: tunnel type and VNI (as one number, tunnelType * 2^24 + vni, the
 * key src/aggregate/vni-stats.ts uses), the inner IP version and protocol,
 * and the two endpoints (address, port) sorted so that the lower one comes
 * first. Both directions of a connection therefore produce the same key;
 * `reversed` says whether this packet's source is the higher endpoint.
 * The outer UDP source port is never part of it: AWS derives that port
 * from its own hash, and the two halves of one connection can differ.
 *
 * ICMP and ICMPv6 have no ports: for the query/reply messages that carry an
 * identifier (echo, timestamp, information; ICMPv6 echo) the identifier
 * stands in for both ports, so a request and its reply share a key. Every
 * other ICMP message between two hosts shares the key with identifier 0.
 *
 * The hash is a 32-bit number (products of the words for IPv4, a
 * MurmurHash3-style word chain for IPv6, both ending in MurmurHash3's
 * finaliser; written here); the table resolves collisions by comparing every
 * field.
 *
 * Addresses and the hash are kept as int32 (`| 0`), not uint32 (`>>> 0`):
 * the bits are the same, but an int32 is a small integer to V8, while a
 * uint32 at or above 2^31 (any address from 128.0.0.0, half of all hashes)
 * is a heap number, and storing one in an object field allocates, once per
 * packet. Endpoints are still ordered as unsigned numbers.
 *
 * One FlowKey instance is filled per packet and reused: no allocation.
 */
import { IpProto, type PacketView } from '../decode/packet-view.js';

export class FlowKey {
  declare vniKey: number;
  declare ipVersion: number; // 4 or 6
  declare proto: number;
  /** Lower endpoint's address as int32 bits: IPv4 in loA only; IPv6 as four words, most significant first. */
  declare loA: number;
  declare loB: number;
  declare loC: number;
  declare loD: number;
  declare hiA: number;
  declare hiB: number;
  declare hiC: number;
  declare hiD: number;
  declare loPort: number;
  declare hiPort: number;
  /** The packet's source is the higher endpoint (direction 1). */
  declare reversed: boolean;
  declare hash: number;

  constructor() {
    this.vniKey = 0;
    this.ipVersion = 0;
    this.proto = 0;
    this.loA = 0;
    this.loB = 0;
    this.loC = 0;
    this.loD = 0;
    this.hiA = 0;
    this.hiB = 0;
    this.hiC = 0;
    this.hiD = 0;
    this.loPort = 0;
    this.hiPort = 0;
    this.reversed = false;
    this.hash = 0;
  }

  /** Ports packed as the table stores them: loPort * 2^16 + hiPort. */
  get ports(): number {
    return this.loPort * 0x10000 + this.hiPort;
  }
}

/** True for the ICMP / ICMPv6 message types whose bytes 4-5 are an identifier shared by query and reply. */
export function icmpHasIdentifier(ipVersion: number, type: number): boolean {
  if (ipVersion === 4) return type === 0 || type === 8 || type === 13 || type === 14 || type === 15 || type === 16;
  return type === 128 || type === 129;
}

/** True for the "query" half (echo request etc.): its sender is the initiator. */
export function icmpIsRequest(ipVersion: number, type: number): boolean {
  if (ipVersion === 4) return type === 8 || type === 13 || type === 15;
  return type === 128;
}

function mix(h: number, k: number): number {
  k = Math.imul(k, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function finalMix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

/**
 * Hash of a filled key's canonical fields (both directions give the same
 * value). IPv4, the per-packet case: each 32-bit word is multiplied by its own
 * odd constant and the products are XORed, then MurmurHash3's finaliser
 * mixes all bits into the low ones the index uses. The four products do not
 * wait on each other, where a Murmur-style chain (kept for IPv6) makes every
 * word wait for the one before: about half the time per packet.
 */
export function hashFlowKey(k: FlowKey): number {
  if (k.ipVersion === 4) {
    // Only TCP, UDP and ICMP are keyed (proto < 64), so proto << 26 stays clear of vniKey (< 2^26).
    const h =
      Math.imul(k.loA, 0xcc9e2d51) ^
      Math.imul(k.hiA ^ 0x9747b28c, 0x1b873593) ^
      Math.imul((k.loPort << 16) | k.hiPort, 0x85ebca6b) ^
      Math.imul(k.vniKey ^ (k.proto << 26), 0xc2b2ae35);
    return finalMix(h);
  }
  let h = mix(0x9747b28c, k.vniKey);
  h = mix(h, (k.ipVersion << 8) | k.proto);
  h = mix(h, k.loA);
  h = mix(h, k.hiA);
  h = mix(h, k.loB);
  h = mix(h, k.loC);
  h = mix(h, k.loD);
  h = mix(h, k.hiB);
  h = mix(h, k.hiC);
  h = mix(h, k.hiD);
  h = mix(h, (k.loPort << 16) | k.hiPort);
  return finalMix(h);
}

/**
 * Fill `key` from a decoded view. Returns false when the packet cannot be
 * tracked as a flow: no inner IP header, a non-first fragment (no L4
 * header), an L4 header that was not parsed, or a protocol other than TCP,
 * UDP, ICMP and ICMPv6. ICMP messages that carry an identifier (echo,
 * timestamp, information) use it as both ports (view.icmpId); others 0.
 */
export function fillFlowKey(key: FlowKey, view: PacketView): boolean {
  const ipVersion = view.innerIpVersion;
  if (ipVersion === 0 || view.innerFragmentOffset !== 0 || view.l4Offset === 0) return false;
  const proto = view.innerProto;
  let sp: number;
  let dp: number;
  if (proto === IpProto.TCP || proto === IpProto.UDP) {
    sp = view.srcPort;
    dp = view.dstPort;
  } else if ((proto === IpProto.ICMP && ipVersion === 4) || (proto === IpProto.ICMPV6 && ipVersion === 6)) {
    sp = dp = icmpHasIdentifier(ipVersion, view.icmpType) ? view.icmpId : 0;
  } else {
    return false;
  }
  key.vniKey = view.tunnelType * 0x1000000 + view.vni;
  key.ipVersion = ipVersion;
  key.proto = proto;
  let rev: boolean;
  if (ipVersion === 4) {
    const s = view.innerSrc4 >>> 0;
    const d = view.innerDst4 >>> 0;
    rev = s > d || (s === d && sp > dp);
    if (rev) {
      key.loA = d | 0;
      key.hiA = s | 0;
    } else {
      key.loA = s | 0;
      key.hiA = d | 0;
    }
    key.loB = key.loC = key.loD = key.hiB = key.hiC = key.hiD = 0;
  } else {
    const sa = view.innerSrc6a >>> 0, sb = view.innerSrc6b >>> 0, sc = view.innerSrc6c >>> 0, sd = view.innerSrc6d >>> 0;
    const da = view.innerDst6a >>> 0, db = view.innerDst6b >>> 0, dc = view.innerDst6c >>> 0, dd = view.innerDst6d >>> 0;
    let c = sa !== da ? (sa > da ? 1 : -1) : sb !== db ? (sb > db ? 1 : -1) : sc !== dc ? (sc > dc ? 1 : -1) : sd !== dd ? (sd > dd ? 1 : -1) : 0;
    if (c === 0) c = sp > dp ? 1 : 0;
    rev = c > 0;
    if (rev) {
      key.loA = da | 0; key.loB = db | 0; key.loC = dc | 0; key.loD = dd | 0;
      key.hiA = sa | 0; key.hiB = sb | 0; key.hiC = sc | 0; key.hiD = sd | 0;
    } else {
      key.loA = sa | 0; key.loB = sb | 0; key.loC = sc | 0; key.loD = sd | 0;
      key.hiA = da | 0; key.hiB = db | 0; key.hiC = dc | 0; key.hiD = dd | 0;
    }
  }
  key.reversed = rev;
  if (rev) {
    key.loPort = dp;
    key.hiPort = sp;
  } else {
    key.loPort = sp;
    key.hiPort = dp;
  }
  key.hash = hashFlowKey(key);
  return true;
}
