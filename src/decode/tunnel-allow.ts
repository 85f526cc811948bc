/**
 * Spoofed-VXLAN defence: accept tunnel frames only from the mirror sources'
 * outer addresses (--allow-source CIDR,...) and only for the expected VNIs
 * (--allow-vni 100,200-299).
 *
 * Anyone who can reach the tunnel port can send VXLAN (RFC 7348 §7 leaves
 * authentication to the network), and each forged VNI or inner tuple would
 * otherwise become a VNI series and sessions. The pipeline runs `check()`
 * for every frame whose tunnel header was accepted, before that frame is
 * counted for its VNI or seen by the session table; a refused frame ends as
 * `tunnel_source_not_allowed` or `tunnel_vni_not_allowed` (source first).
 *
 * Hot path: the CIDRs are compiled into Int32Arrays of (network, mask)
 * words and compared with integer AND; the VNIs into a 2^24-bit bitmap
 * (2 MiB, built only when a VNI list is given). No allocation per frame.
 * Where the outer source is:
 *   - a captured frame (Ethernet, cooked, raw IP): view.outerSrc4, or the
 *     16 address bytes at outerL3Offset + 8 (RFC 8200 §3) for IPv6;
 *   - a UDP-socket datagram (LinkType VXLAN_PAYLOAD, no IP header left): the
 *     `peer` the socket source parsed from dgram's rinfo.address just before
 *     handing the datagram over (ip-address-text.ts, no allocation).
 */
import { LinkType } from '../capture/frame-source.js';
import { parseIpAddress } from './ip-address-text.js';
import { Outcome, type OutcomeCode } from './outcome.js';
import type { PacketView } from './packet-view.js';

/** The outer source of the datagram being handed to the pipeline by a UDP socket source. */
export class DatagramPeer {
  /** 4, 6, or 0 when unknown (then no CIDR matches it). */
  version = 0;
  readonly words = new Int32Array(4);

  /** Parses dgram's rinfo.address into the words; allocation-free. */
  set(address: string): void {
    this.version = parseIpAddress(address, this.words);
  }
}

export interface Cidr {
  version: 4 | 6;
  /** Network words (one for IPv4, four for IPv6), int32. */
  network: Int32Array;
  prefix: number;
}

/** "10.0.0.0/8", "2001:db8::/32", or a bare address (/32, /128). Returns the problem as a string when invalid. */
export function parseCidr(text: string): Cidr | string {
  const slash = text.indexOf('/');
  const addr = slash < 0 ? text : text.slice(0, slash);
  const words = new Int32Array(4);
  const version = parseIpAddress(addr, words) as 0 | 4 | 6;
  if (version === 0 || addr.includes('%')) return `"${text}" is not an IPv4 or IPv6 CIDR (e.g. 10.0.0.0/16, 2001:db8::/32)`;
  // An IPv4-mapped IPv6 prefix shorter than /96 is not an IPv4 network: refuse it rather than guess.
  const mapped = version === 4 && addr.includes(':');
  const max = version === 4 ? 32 : 128;
  let prefix = max;
  if (slash >= 0) {
    const p = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(p)) return `"${text}": "${p}" is not a prefix length`;
    prefix = Number(p) - (mapped ? 96 : 0);
    if (prefix < 0 || prefix > max) return `"${text}": prefix length must be 0-${mapped ? 128 : max}`;
  }
  const masks = masksOf(version, prefix);
  for (let i = 0; i < masks.length; i++) {
    if ((words[i] & ~masks[i]) !== 0) return `"${text}" has host bits set beyond /${slash < 0 ? max : text.slice(slash + 1)}`;
  }
  return { version, network: words.slice(0, version === 4 ? 1 : 4), prefix };
}

function masksOf(version: 4 | 6, prefix: number): Int32Array {
  const n = version === 4 ? 1 : 4;
  const masks = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const bits = Math.max(0, Math.min(32, prefix - 32 * i));
    masks[i] = bits === 0 ? 0 : (0xffffffff << (32 - bits)) | 0;
  }
  return masks;
}

/** A VNI range, inclusive. */
export interface VniRange {
  first: number;
  last: number;
}

/** "100", "100-199" → a range; the problem as a string when invalid. */
export function parseVniRange(text: string): VniRange | string {
  const m = /^(\d{1,8})(?:-(\d{1,8}))?$/.exec(text.trim());
  if (!m) return `"${text}" is not a VNI or a range of VNIs (e.g. 100 or 100-199)`;
  const first = Number(m[1]);
  const last = m[2] === undefined ? first : Number(m[2]);
  if (first > 0xffffff || last > 0xffffff) return `"${text}": VNIs are 0-16777215`;
  if (last < first) return `"${text}": the range ends before it starts`;
  return { first, last };
}

export class TunnelAllowList {
  /** IPv4 networks and masks, one word each; undefined when no source list is given (all allowed). */
  private readonly net4: Int32Array;
  private readonly mask4: Int32Array;
  /** IPv6 networks and masks, four words per entry. */
  private readonly net6: Int32Array;
  private readonly mask6: Int32Array;
  private readonly checkSources: boolean;
  /** Bit v set: VNI v allowed; undefined when every VNI is. */
  private readonly vniBits: Uint8Array | undefined;

  constructor(sources: readonly Cidr[] | undefined, vnis: readonly VniRange[] | undefined) {
    const v4 = (sources ?? []).filter((c) => c.version === 4);
    const v6 = (sources ?? []).filter((c) => c.version === 6);
    this.checkSources = sources !== undefined && sources.length > 0;
    this.net4 = new Int32Array(v4.length);
    this.mask4 = new Int32Array(v4.length);
    v4.forEach((c, i) => {
      this.net4[i] = c.network[0];
      this.mask4[i] = masksOf(4, c.prefix)[0];
    });
    this.net6 = new Int32Array(v6.length * 4);
    this.mask6 = new Int32Array(v6.length * 4);
    v6.forEach((c, i) => {
      this.net6.set(c.network, i * 4);
      this.mask6.set(masksOf(6, c.prefix), i * 4);
    });
    if (vnis !== undefined && vnis.length > 0) {
      const bits = new Uint8Array(0x1000000 / 8);
      for (const r of vnis) for (let v = r.first; v <= r.last; v++) bits[v >>> 3] |= 1 << (v & 7);
      this.vniBits = bits;
    }
  }

  /** True when neither list restricts anything (the pipeline then skips the call). */
  get allowsAll(): boolean {
    return !this.checkSources && this.vniBits === undefined;
  }

  /** DECODED when the accepted tunnel frame in `view` may be counted, else the drop reason. */
  check(buf: Buffer, view: PacketView, peer: DatagramPeer): OutcomeCode {
    if (this.checkSources && !this.sourceAllowed(buf, view, peer)) return Outcome.TUNNEL_SOURCE_NOT_ALLOWED;
    const bits = this.vniBits;
    if (bits !== undefined) {
      const vni = view.vni;
      if ((bits[vni >>> 3] & (1 << (vni & 7))) === 0) return Outcome.TUNNEL_VNI_NOT_ALLOWED;
    }
    return Outcome.DECODED;
  }

  private sourceAllowed(buf: Buffer, view: PacketView, peer: DatagramPeer): boolean {
    if (view.linkType === LinkType.VXLAN_PAYLOAD) {
      if (peer.version === 4) return this.match4(peer.words[0]);
      if (peer.version === 6) return this.match6(peer.words[0], peer.words[1], peer.words[2], peer.words[3]);
      return false;
    }
    if (view.outerIpVersion === 4) return this.match4(view.outerSrc4 | 0);
    if (view.outerIpVersion === 6) {
      // The IPv6 header was accepted, so its 40 bytes are in the frame.
      const dv = view.dataViewOf(buf);
      const src = view.outerL3Offset + 8;
      return this.match6(dv.getInt32(src), dv.getInt32(src + 4), dv.getInt32(src + 8), dv.getInt32(src + 12));
    }
    return false;
  }

  private match4(addr: number): boolean {
    const net = this.net4;
    const mask = this.mask4;
    for (let i = 0; i < net.length; i++) if ((addr & mask[i]) === net[i]) return true;
    return false;
  }

  private match6(a: number, b: number, c: number, d: number): boolean {
    const net = this.net6;
    const mask = this.mask6;
    for (let i = 0; i < net.length; i += 4) {
      if ((a & mask[i]) === net[i] && (b & mask[i + 1]) === net[i + 1] && (c & mask[i + 2]) === net[i + 2] && (d & mask[i + 3]) === net[i + 3]) return true;
    }
    return false;
  }
}

/** Compiles validated allow lists (config texts) into a TunnelAllowList, or undefined when both are empty. */
export function compileTunnelAllow(sources: readonly string[], vnis: readonly string[]): TunnelAllowList | undefined {
  if (sources.length === 0 && vnis.length === 0) return undefined;
  const cidrs = sources.map((s) => {
    const c = parseCidr(s);
    if (typeof c === 'string') throw new Error(c);
    return c;
  });
  const ranges = vnis.map((s) => {
    const r = parseVniRange(s);
    if (typeof r === 'string') throw new Error(r);
    return r;
  });
  return new TunnelAllowList(cidrs.length > 0 ? cidrs : undefined, ranges.length > 0 ? ranges : undefined);
}
