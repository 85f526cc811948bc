import { IpProto, type PacketView } from '../decode/packet-view.js';
import { VniFolder } from './vni-key.js';
import { VniPairCounter, type VniPairFigures } from './vni-pair-counter.js';

/**
 * Double-mirror detection: when both ends of a connection are mirrored to
 * one target, every packet between them arrives twice, usually under two
 * VNIs (one mirror session per ENI), and every count doubles (Zeek's issue
 * 2206; Arkime deduplicates). A copy is recognised by a fingerprint of the
 * mirrored packet that both copies share and that the sender changes for a
 * new packet: inner addresses, protocol, IP identification, IP length and
 * fragment offset, ports; for TCP the sequence and acknowledgement numbers,
 * flags, window and timestamp value; for UDP and ICMP the checksum field.
 * The VNI is not part of it (the copies differ there) and neither is the
 * TTL nor anything outer.
 *
 * The fingerprints of recent packets (two independent 32-bit hashes, the
 * VNI key, the frame time) sit in a set-associative table: the first hash
 * picks one of BUCKETS buckets, and a bucket holds WAYS entries in one
 * 64-byte cache line (times as float64 in the first 24 bytes, then the two
 * hashes and the VNI keys as uint32). A lookup therefore touches one cache
 * line. (It was a ring with a hash-chained index: five typed arrays, up to
 * five cache misses a packet, and the largest single cost of `vxmon replay`
 * in a profile: 25 % of its time. A miss here costs 110-290 ns.) An entry
 * matches when both hashes are equal and the two frame times are within the
 * window of each other (either order: time is not strictly monotonic across
 * sources or files). A new packet takes an empty way of its bucket, else
 * the way with the oldest time. Nothing is allocated per packet; a new VNI
 * pair allocates its counter row once.
 *
 * How long an entry stays: until WAYS newer packets land in its bucket.
 * 2^15 buckets (2 MiB, 98,304 entries) is a trade: measured on the bench
 * capture, detection ran at 1.62-1.66 M frames/s with 2^17 buckets (8 MiB,
 * out of cache), 1.92-2.06 with 2^15 and 2.14-2.16 with 2^13. With 2^15, a
 * packet is pushed out before a twin that trails it by the whole 5 ms window
 * with a probability of about 1 in 1,500 at 1 M frames/s (5,000 packets in
 * the window, 0.15 per bucket; Poisson, three or more newer ones) and 1 in 90
 * at 3 M frames/s; twins usually trail by far less than the window. A packet
 * whose twin was pushed out is not recognised: the copy is counted as a
 * packet of its own, as without detection (never a false match).
 */
const BUCKET_BITS = 15;
const BUCKETS = 1 << BUCKET_BITS;
const enum Way {
  COUNT = 3,
  /** Bucket b's row: float64 [8b, 8b + 3) times; uint32 [16b + 6, +3) hash A, [16b + 9, +3) hash B, [16b + 12, +3) VNI key. */
  F64_PER_BUCKET = 8,
  U32_PER_BUCKET = 16,
  HASH_A = 6,
  HASH_B = 9,
  VNI_KEY = 12,
}
/** No VNI key reaches this (tunnel type < 2^8, VNI < 2^24): marks an empty way. */
const EMPTY = 0xffffffff;

/**
 * Default window, 5 ms. The two copies of one packet are taken by the two
 * ENIs' hosts: the later copy trails the first by the one-way delay between
 * the instances (tens to hundreds of µs in an Availability Zone, 1-2 ms
 * across zones) plus the mirror path's jitter. A sender does not send an
 * identical packet (same IP ID, sequence, acknowledgement) again that soon:
 * Linux's minimum retransmission timeout is 200 ms, and a retransmission
 * carries a new IP ID anyway. So a few ms catch the twins and nothing else.
 */
export const DEFAULT_DEDUP_WINDOW_SECONDS = 0.005;

/**
 * One VNI pair's duplicates, as `vxmon replay --json` prints them (README "Double mirroring"):
 * the two (tunnel, VNI) whose copies matched, lower key first; `a` equals `b` when one VNI carried both.
 */
export type DuplicatePairFigures = VniPairFigures;

export class MirrorDedup {
  /** Frames recognised as the second (or later) copy of a packet, whatever --dedup says. */
  duplicates = 0;
  /** Duplicates per unordered pair of VNI keys (the first copy's and this one's). */
  private readonly pairCounter: VniPairCounter;

  readonly windowSeconds: number;
  private readonly windowUs: number;
  /** The buckets, 64 bytes each (2 MiB), seen as float64 (times) and as uint32 (hashes, VNI keys). */
  private readonly times: Float64Array;
  private readonly words32: Uint32Array;
  /** Scratch for one fingerprint's words (at most 15). */
  private readonly words = new Uint32Array(16);

  /** `folder`: pairs are counted under the VNIs' folded keys (--max-vnis), as every per-VNI figure. */
  constructor(windowSeconds: number = DEFAULT_DEDUP_WINDOW_SECONDS, folder: VniFolder = new VniFolder()) {
    this.pairCounter = new VniPairCounter(folder, true);
    this.windowSeconds = windowSeconds;
    this.windowUs = windowSeconds * 1e6;
    const table = new ArrayBuffer(BUCKETS * 64);
    this.times = new Float64Array(table);
    this.words32 = new Uint32Array(table);
    for (let b = 0; b < BUCKETS; b++) {
      for (let i = 0; i < Way.COUNT; i++) this.words32[b * Way.U32_PER_BUCKET + Way.VNI_KEY + i] = EMPTY;
    }
  }

  /**
   * Is this decoded frame (view.innerIpVersion != 0) a copy of a packet seen
   * within the window? Counts it under its VNI pair if so; remembers it either
   * way. The frame time comes as the source gives it (seconds, nanoseconds).
   */
  isDuplicate(view: PacketView, tsSec: number, tsNsec: number): boolean {
    // The time is computed here, not passed in: a double argument would be boxed per call.
    const nowUs = tsSec * 1e6 + tsNsec / 1000;
    // UDP without a checksum (0: allowed over IPv4, and over IPv6 for tunnels, RFC 6935) and without
    // an IP ID (0: AWS's own VXLAN, IPv6) leaves only addresses, ports and length: tunnel traffic
    // vxmon does not decode would match itself. Better to miss such a copy than to drop a packet.
    if (view.innerProto === IpProto.UDP && view.l4Offset !== 0 && view.l4Checksum === 0 && view.innerIpId === 0) return false;

    // The fingerprint's words go into a scratch array, then two different 32-bit hashes
    // (MurmurHash3's steps; FNV-1a over words with its own finaliser) run over them in
    // this function: a false match needs both to collide. (Written inline: a helper per
    // word would not be inlined this many times, and its int32 results would be boxed.)
    const w = this.words;
    let n = 0;
    w[n++] = view.innerIpVersion * 0x100 + (view.innerProto & 0xff);
    if (view.innerIpVersion === 4) {
      w[n++] = view.innerSrc4;
      w[n++] = view.innerDst4;
    } else {
      w[n++] = view.innerSrc6a;
      w[n++] = view.innerSrc6b;
      w[n++] = view.innerSrc6c;
      w[n++] = view.innerSrc6d;
      w[n++] = view.innerDst6a;
      w[n++] = view.innerDst6b;
      w[n++] = view.innerDst6c;
      w[n++] = view.innerDst6d;
    }
    w[n++] = view.innerIpId;
    w[n++] = view.innerIpLength * 0x10000 + (view.innerFragmentOffset & 0xffff);
    if (view.l4Offset !== 0) {
      const proto = view.innerProto;
      // Only fields this frame wrote (PacketView's reset contract): ports for TCP and UDP,
      // l4Checksum for UDP and ICMP, icmpType/Code for ICMP; the rest hold an earlier frame's values.
      if (proto === IpProto.TCP || proto === IpProto.UDP) w[n++] = view.srcPort * 0x10000 + view.dstPort;
      if (proto === IpProto.TCP) {
        w[n++] = view.tcpSeq;
        w[n++] = view.tcpAck;
        w[n++] = view.tcpFlags * 0x10000 + view.tcpWindow;
        w[n++] = view.tcpTsVal;
      } else {
        const icmp = proto === IpProto.ICMP || proto === IpProto.ICMPV6 ? (view.icmpType << 8) | view.icmpCode : 0;
        w[n++] = view.l4Checksum * 0x10000 + icmp;
      }
    }
    let a = 0x2f9be6cc;
    let b = 0x811c9dc5;
    for (let i = 0; i < n; i++) {
      const word = w[i] | 0;
      let k = Math.imul(word, 0xcc9e2d51);
      k = (k << 15) | (k >>> 17);
      a ^= Math.imul(k, 0x1b873593);
      a = (a << 13) | (a >>> 19);
      a = (Math.imul(a, 5) + 0xe6546b64) | 0;
      b = Math.imul(b ^ word, 0x01000193);
      b = Math.imul(b ^ (b >>> 15), 0x2c1b3c6d);
    }
    a ^= n;
    a ^= a >>> 16;
    a = Math.imul(a, 0x85ebca6b);
    a ^= a >>> 13;
    a = Math.imul(a, 0xc2b2ae35);
    a = (a ^ (a >>> 16)) >>> 0;
    b ^= b >>> 16;
    b = Math.imul(b, 0x297a2d39);
    b = (b ^ (b >>> 15)) >>> 0;

    const key = view.tunnelType * 0x1000000 + view.vni;
    const bucket = a >>> (32 - BUCKET_BITS);
    const t = this.times;
    const u = this.words32;
    const tb = bucket * Way.F64_PER_BUCKET;
    const ub = bucket * Way.U32_PER_BUCKET;
    const windowUs = this.windowUs;
    let dup = false;
    // The way to write: an empty one, else the oldest.
    let victim = 0;
    let victimTime = Infinity;
    for (let i = 0; i < Way.COUNT; i++) {
      const k = u[ub + Way.VNI_KEY + i];
      if (k === EMPTY) {
        if (victimTime !== -Infinity) {
          victim = i;
          victimTime = -Infinity;
        }
        continue;
      }
      const then = t[tb + i];
      // Either order in time: sources that interleave (several live ones, or files) are not strictly monotonic.
      const dt = nowUs - then;
      if (!dup && u[ub + Way.HASH_A + i] === a && u[ub + Way.HASH_B + i] === b && dt <= windowUs && dt >= -windowUs) {
        this.duplicates++;
        this.pairCounter.add(k, key);
        dup = true;
      }
      if (then < victimTime) {
        victim = i;
        victimTime = then;
      }
    }
    t[tb + victim] = nowUs;
    u[ub + Way.HASH_A + victim] = a;
    u[ub + Way.HASH_B + victim] = b;
    u[ub + Way.VNI_KEY + victim] = key;
    return dup;
  }

  /** Every pair with its duplicates, ordered by the pair's keys. */
  pairs(): DuplicatePairFigures[] {
    return this.pairCounter.figures();
  }
}

