import { IpProto, type PacketView } from '../decode/packet-view.js';
import { describeVniKey, VniFolder } from './vni-key.js';

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
 * The fingerprints of the last RING_SIZE packets sit in a ring of typed
 * arrays (two independent 32-bit hashes, the VNI key, the frame time),
 * written in arrival order, with a hash index over it: `heads[bucket]` is
 * the sequence number of the newest ring entry of that bucket and
 * `prev[slot]` chains to the next older one. An entry is live while the ring
 * has not written over it (sequence > written - RING_SIZE); it matches when
 * both hashes are equal and the two frame times are within the window of
 * each other (either order: time is not strictly monotonic across sources or
 * files). With twice as many buckets as ring entries a chain holds half an
 * entry on average, so the walk does not stop early on time. Nothing is
 * allocated per packet; a new VNI pair allocates its counter row once.
 *
 * RING_SIZE bounds how many packets the window can hold: 2^17 entries are
 * 5 ms at 26 M frames/s, far beyond what one core decodes. A packet whose
 * twin was pushed out of the ring is not recognised (never a false match).
 */
const RING_BITS = 17;
const RING_SIZE = 1 << RING_BITS;
const BUCKET_BITS = RING_BITS + 1; // at most half the buckets in use: short chains

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

/** One VNI pair's duplicates, as `vxmon replay --json` prints them (README "Double mirroring"). */
export interface DuplicatePairFigures {
  /** The two (tunnel, VNI) whose copies matched, lower key first; `a` equals `b` when one VNI carried both copies. */
  a: { tunnel: string; vni: number | 'other' };
  b: { tunnel: string; vni: number | 'other' };
  frames: number;
}

export class MirrorDedup {
  /** Frames recognised as the second (or later) copy of a packet, whatever --dedup says. */
  duplicates = 0;
  /** VNI-pair keys (lower vniKey * 2^26 + higher) and their duplicate counts, one row per pair. */
  readonly pairKeys: number[] = [];
  pairCounts = new Float64Array(8);

  readonly windowSeconds: number;
  private readonly windowUs: number;
  private readonly fpA = new Uint32Array(RING_SIZE);
  private readonly fpB = new Uint32Array(RING_SIZE);
  private readonly vniKey = new Uint32Array(RING_SIZE);
  private readonly timeUs = new Float64Array(RING_SIZE);
  private readonly prev = new Float64Array(RING_SIZE);
  private readonly heads = new Float64Array(1 << BUCKET_BITS).fill(-1);
  /** Scratch for one fingerprint's words (at most 15). */
  private readonly words = new Uint32Array(16);
  /** Ring entries written so far (the next entry's sequence number). */
  private written = 0;
  /** Raw VNI-key pairs (lower, higher) -> counter row, through pairSlots (open addressing, at most half full). */
  private pairSlots = new Int32Array(16).fill(-1);
  private entryLo = new Uint32Array(8);
  private entryHi = new Uint32Array(8);
  private entryRow = new Uint32Array(8);
  private entries = 0;

  /** `folder`: pairs are counted under the VNIs' folded keys (--max-vnis), as every per-VNI figure. */
  constructor(
    windowSeconds: number = DEFAULT_DEDUP_WINDOW_SECONDS,
    private readonly folder: VniFolder = new VniFolder(),
  ) {
    this.windowSeconds = windowSeconds;
    this.windowUs = windowSeconds * 1e6;
  }

  /**
   * Is this decoded frame (view.innerIpVersion != 0) a copy of a packet seen
   * within the window? Counts it under its VNI pair if so; remembers it either
   * way. The frame time comes as the source gives it (seconds, nanoseconds).
   */
  isDuplicate(view: PacketView, tsSec: number, tsNsec: number): boolean {
    // The time is computed here, not passed in: a double argument would be boxed per call.
    const nowUs = tsSec * 1e6 + tsNsec / 1000;
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
    const oldest = this.written - RING_SIZE; // sequences at or below this were written over
    const windowUs = this.windowUs;
    let dup = false;
    for (let seq = this.heads[bucket]; seq > oldest && seq >= 0; ) {
      const slot = seq & (RING_SIZE - 1);
      // Either order in time: sources that interleave (several live ones, or files) are not strictly monotonic.
      const dt = nowUs - this.timeUs[slot];
      if (this.fpA[slot] === a && this.fpB[slot] === b && dt <= windowUs && dt >= -windowUs) {
        this.countPair(this.vniKey[slot], key);
        dup = true;
        break;
      }
      seq = this.prev[slot];
    }

    const seq = this.written++;
    const slot = seq & (RING_SIZE - 1);
    this.fpA[slot] = a;
    this.fpB[slot] = b;
    this.vniKey[slot] = key;
    this.timeUs[slot] = nowUs;
    this.prev[slot] = this.heads[bucket];
    this.heads[bucket] = seq;
    return dup;
  }

  /**
   * One more duplicate for the unordered pair of VNI keys. Pairs are found
   * through a small open-addressing table in typed arrays (raw keys -> counter
   * row), not a Map: a pair key does not fit a small integer, and a Map
   * lookup with it would allocate a heap number per duplicate.
   */
  private countPair(first: number, second: number): void {
    this.duplicates++;
    const lo = first < second ? first : second;
    const hi = first < second ? second : first;
    const slots = this.pairSlots;
    const mask = slots.length - 1;
    let i = (Math.imul(lo, 0x9e3779b1) ^ Math.imul(hi, 0x85ebca6b)) & mask;
    for (;;) {
      const e = slots[i];
      if (e === -1) break;
      if (this.entryLo[e] === lo && this.entryHi[e] === hi) {
        this.pairCounts[this.entryRow[e]]++;
        return;
      }
      i = (i + 1) & mask;
    }
    this.pairCounts[this.newEntry(lo, hi, i)]++;
  }

  /** A raw pair seen for the first time (allocates; once per pair): its counter row, under the folded keys (--max-vnis). */
  private newEntry(lo: number, hi: number, slot: number): number {
    const a = this.folder.keyFor(lo);
    const b = this.folder.keyFor(hi);
    const folded = a < b ? a * 0x4000000 + b : b * 0x4000000 + a;
    let row = this.pairKeys.indexOf(folded);
    if (row === -1) {
      row = this.pairKeys.length;
      this.pairKeys.push(folded);
      if (row >= this.pairCounts.length) this.pairCounts = grownF64(this.pairCounts, this.pairCounts.length * 2);
    }
    const e = this.entries++;
    if (e >= this.entryLo.length) {
      this.entryLo = grownU32(this.entryLo, e * 2);
      this.entryHi = grownU32(this.entryHi, e * 2);
      this.entryRow = grownU32(this.entryRow, e * 2);
    }
    this.entryLo[e] = lo;
    this.entryHi[e] = hi;
    this.entryRow[e] = row;
    this.pairSlots[slot] = e;
    if (2 * this.entries > this.pairSlots.length) this.rehashPairs(this.pairSlots.length * 2);
    return row;
  }

  private rehashPairs(size: number): void {
    const slots = new Int32Array(size).fill(-1);
    const mask = size - 1;
    for (let e = 0; e < this.entries; e++) {
      let i = (Math.imul(this.entryLo[e], 0x9e3779b1) ^ Math.imul(this.entryHi[e], 0x85ebca6b)) & mask;
      while (slots[i] !== -1) i = (i + 1) & mask;
      slots[i] = e;
    }
    this.pairSlots = slots;
  }

  /** Every pair with its duplicates, ordered by the pair's keys. */
  pairs(): DuplicatePairFigures[] {
    return this.pairKeys
      .map((key, row) => ({ key, row }))
      .sort((x, y) => x.key - y.key)
      .map(({ key, row }) => ({
        a: describeVniKey(Math.floor(key / 0x4000000)),
        b: describeVniKey(key % 0x4000000),
        frames: this.pairCounts[row],
      }));
  }
}

function grownU32(a: Uint32Array, n: number): Uint32Array<ArrayBuffer> {
  const b = new Uint32Array(n);
  b.set(a);
  return b;
}

function grownF64(a: Float64Array, n: number): Float64Array<ArrayBuffer> {
  const b = new Float64Array(n);
  b.set(a);
  return b;
}
