/**
 * The bounded session table: per-session state in typed arrays, found
 * through an open-addressing index (DESIGN.md §3 rule 5, §3a).
 *
 * Layout
 * - A session is a row id (0 .. capacity-1). No object exists per session.
 * - Hot row: every field most packets read or write lives in one 128-byte
 *   row of one ArrayBuffer (`ROW_BYTES * id`), seen through five views (f64,
 *   i32, u32, u16, u8) with the field offsets of RowF64 / RowI32 / RowU16 /
 *   RowU8 below. A row is two aligned cache lines, and the first holds all a
 *   lookup and the idle check need (see the line A / line B note below). With
 *   one typed-array column per field (the first layout), a packet touched
 *   about twenty lines. (End to end the change gained less than that count
 *   suggests, about 6 % of the session cost on the bench capture: the two
 *   waits that stay serial, index slot then row, are most of what misses
 *   cost; bench/README.md has the figures.)
 *   Per-direction fields sit side by side (`X + dir`, dir 0 = the canonical
 *   lower endpoint, 1 = the higher).
 * - Cold columns: fields that only a side's first packet, a handshake RTT, a
 *   retransmission, a gap or a close touch (first-packet times, RTTs,
 *   retransmission / out-of-order / unseen / zero-window counts, the outer
 *   tunnel) stay one typed-array column each, outside the row, so the row
 *   stays 128 bytes and memory per session stays what the columns took.
 * - The index is a Uint32Array of `indexCapacity` slots (the power of two at
 *   or above 4/3 of the row capacity: load factor 0.375 to 0.75), linear
 *   probing from `hash & indexMask`. An entry holds `id + 1` in its low bits
 *   (0 = empty) and, in the bits maxSessions leaves free, the top bits of the
 *   session's hash as a tag, so a probe passes over other sessions' entries
 *   without reading their rows. A mask, not `%`: the hash is a uint32, often
 *   above 2^31, and `%` on such a number is a floating-point remainder (a
 *   call to fmod) on every lookup. A lookup then compares the row's stored
 *   32-bit hash and every key field, so hash collisions are resolved by full
 *   compare. Removal uses backward-shift deletion: no tombstones, probe
 *   chains stay short.
 * - IPv4 addresses live in the row (ADDR_LO / ADDR_HI). IPv6 addresses live in
 *   a side pool of 8 uint32 per IPv6 session (ADDR_LO holds the pool slot), so
 *   IPv4 sessions do not pay 24 bytes each for address room they never use.
 * - Rows are kept on one of LRU_CLASS_COUNT doubly linked lists (the row's
 *   PREV / NEXT), one per idle-timeout class, in order of last activity.
 *   Every session on a list has the same timeout, so each list's head is the
 *   next to expire in its class, and the oldest idle session overall is the
 *   oldest of the heads. The links are in the row's first line, which the
 *   lookup has just loaded: moving a session to its list's tail then waits
 *   for nothing (its neighbours' links are only written, and a store that
 *   misses the cache does not hold the CPU up).
 * - Arrays start small and double (an allocation per growth step, never per
 *   packet) up to `maxSessions` rows; the table never holds more.
 */
import type { FlowKey } from './flow-key.js';
import { grownU8, grownU32, grownI32, grownF64 } from '../typed-array-growth.js';
import { ExtraHoles } from './sequence-holes.js';

export const NIL = 0xffffffff;
export const LRU_CLASS_COUNT = 6;

/** Bits of the row's BITS field. Per-direction bits are `X << dir`. */
export const enum Bit {
  SEQ_INIT = 0x01, // << dir: a sequence number was seen from that side
  FIN = 0x04, // << dir: that side sent a FIN
  HOLE = 0x10, // << dir: a gap in that side's sequence space is open (the lowest in HOLE_START/HOLE_END)
  MID_STREAM = 0x40,
  RST = 0x80,
  RTT_SERVER = 0x100,
  RTT_CLIENT = 0x200,
  MORE_HOLES = 0x400, // << dir: that side has further gaps, in SessionTable.extraHoles (sequence-holes.ts)
}

/** Bytes per hot row: two cache lines. */
export const ROW_BYTES = 128;

// Hot-row field offsets, in elements of the view that reads them, from the
// row's first element of that view (`id * Row*.STRIDE`); `+ dir` for the
// per-direction pairs. Const enums: tsc writes each offset as a literal, so
// an access is one multiply-add, no property load.
//
// Line A (bytes 0-63) holds everything a lookup compares and what every
// packet then reads before it can go on: the key, the times the idle check
// needs, state and class, the LRU links. A packet whose session is not in
// the cache therefore waits for the index slot, then for line A; line B
// (bytes 64-127: byte counts, sequence tracking) is loaded alongside. With a
// capture streaming through the caches, each of those waits is a trip to
// memory (about 100-300 ns on the VM we measured), so what matters is how
// many of them are serial, more than how many instructions run.

/** Float64 fields (µs times are integer µs since 1970; byte counts exceed 2^32). */
export const enum RowF64 {
  LAST_US = 0, // + dir: frame time of that side's latest packet (line A)
  IP_BYTES = 8, // + dir (line B)
  PAYLOAD_BYTES = 10, // + dir
  HANDSHAKE_US = 12, // time of the SYN, then of the SYN-ACK
  STRIDE = 16,
}

/**
 * 32-bit fields. HASH, ADDR_*, NEXT_SEQ, HOLE_* are read through the
 * Int32Array (int32 bits, as FlowKey holds them); VNI_KEY, PORTS, PREV, NEXT,
 * PKTS through the Uint32Array.
 */
export const enum RowI32 {
  HASH = 4, // line A
  VNI_KEY = 5,
  PORTS = 6, // loPort * 2^16 + hiPort
  ADDR_LO = 7, // IPv4 lower address, or IPv6 pool slot
  ADDR_HI = 8, // IPv4 higher address
  PREV = 9, // LRU list links (NIL at the ends); NEXT also chains free rows
  NEXT = 10,
  PKTS = 11, // + dir
  // Sequence numbers as int32 bits (tcp-state.ts compares them mod 2^32). Line B.
  NEXT_SEQ = 26, // + dir: highest sequence seen + 1 (SYN and FIN count one)
  HOLE_START = 28, // + dir
  HOLE_END = 30, // + dir
  STRIDE = 32,
}

export const enum RowU16 {
  BITS = 26, // Bit.* (line A)
  STRIDE = 64,
}

/** Byte fields, all in line A. */
export const enum RowU8 {
  PROTO = 54,
  IP_VERSION = 55,
  LRU_CLASS = 56,
  STATE = 57, // TcpState.*
  TCP_FLAGS = 58, // + dir: OR of that side's TCP flags
  INITIATOR = 60, // direction (0/1) of the initiator
  INITIATOR_METHOD = 61,
  CLOSE_REASON = 62,
  SYN_RETRANS = 63, // saturates at 255
  STRIDE = 128,
}

const INITIAL_ROWS = 1024;

export class SessionTable {
  readonly maxSessions: number;
  /** Rows allocated (≤ maxSessions). */
  capacity = 0;
  /** Rows in use. */
  live = 0;

  index = new Uint32Array(0);
  indexCapacity = 0;
  /** indexCapacity - 1 (a power of two minus one). */
  indexMask = 0;
  /** Index entries: the low bits hold id + 1 (idMask), the bits above it the top bits of the session's hash (tagMask). */
  private readonly idMask: number;
  private readonly tagMask: number;

  // --- the hot rows: one buffer, five views ---
  f64 = new Float64Array(0);
  i32 = new Int32Array(0);
  u32 = new Uint32Array(0);
  u16 = new Uint16Array(0);
  u8 = new Uint8Array(0);

  // --- cold columns (indexed by id) ---
  /** The outermost tunnel of the session's first packet (its type * 2^24 + VNI), and how many tunnels it crossed. */
  outerVniKey = new Uint32Array(0);
  tunnelDepth = new Uint8Array(0);
  /** Frame time of each side's first packet (2 * id + dir): written once per side, read at close. */
  firstUs = new Float64Array(0);
  rttServerUs = new Uint32Array(0);
  rttClientUs = new Uint32Array(0);
  retransPkts = new Uint32Array(0);
  retransBytes = new Float64Array(0);
  outOfOrder = new Uint32Array(0);
  unseenBytes = new Float64Array(0);
  zeroWindows = new Uint32Array(0);

  /** Second and later sequence gaps of a direction (sequence-holes.ts); empty for nearly every session. */
  readonly extraHoles = new ExtraHoles();

  /** Free rows, chained through NEXT (a row is either on an LRU list or here). */
  private freeHead = NIL;

  // --- IPv6 address pool: 8 int32 per slot (lo a..d, hi a..d) ---
  v6 = new Int32Array(0);
  private v6Free = new Uint32Array(0);
  private v6FreeTop = 0;
  private v6Capacity = 0;

  // --- LRU lists, one per class ---
  readonly head = new Uint32Array(LRU_CLASS_COUNT).fill(NIL);
  readonly tail = new Uint32Array(LRU_CLASS_COUNT).fill(NIL);
  readonly classCount = new Uint32Array(LRU_CLASS_COUNT);

  constructor(maxSessions: number) {
    if (!Number.isInteger(maxSessions) || maxSessions < 1 || maxSessions > 0x7fffffff) {
      throw new RangeError(`maxSessions must be an integer from 1 to 2^31-1, got ${maxSessions}`);
    }
    this.maxSessions = maxSessions;
    // id + 1 runs to maxSessions: the bits above it are free for a tag (12 at
    // the default 1 M sessions, 1 when maxSessions needs 31 bits).
    let idBits = 1;
    while (2 ** idBits <= maxSessions) idBits++;
    this.idMask = 2 ** idBits - 1;
    this.tagMask = (0xffffffff - this.idMask) | 0;
    this.grow(Math.min(INITIAL_ROWS, maxSessions));
  }

  get full(): boolean {
    return this.live >= this.maxSessions;
  }

  /**
   * Row of the session with this key, or NIL. An index entry whose tag
   * differs from the key's cannot be this session, and is passed over without
   * reading its row: a probe that meets another session's entry would
   * otherwise cost a cache miss on that session's row.
   */
  lookup(k: FlowKey): number {
    const index = this.index;
    const mask = this.indexMask;
    const tagMask = this.tagMask;
    const i32 = this.i32;
    const h = k.hash;
    const tag = h & tagMask;
    let i = h & mask;
    for (;;) {
      const e = index[i];
      if (e === 0) return NIL;
      if ((e & tagMask) === tag) {
        const id = (e & this.idMask) - 1;
        if (i32[id * RowI32.STRIDE + RowI32.HASH] === h && this.matches(id, k)) return id;
      }
      i = (i + 1) & mask;
    }
  }

  private matches(id: number, k: FlowKey): boolean {
    const w = id * RowI32.STRIDE;
    const i32 = this.i32;
    const u32 = this.u32;
    if (u32[w + RowI32.VNI_KEY] !== k.vniKey || u32[w + RowI32.PORTS] !== k.loPort * 0x10000 + k.hiPort) return false;
    const b = id * RowU8.STRIDE;
    if (this.u8[b + RowU8.PROTO] !== k.proto || this.u8[b + RowU8.IP_VERSION] !== k.ipVersion) return false;
    if (k.ipVersion === 4) return i32[w + RowI32.ADDR_LO] === k.loA && i32[w + RowI32.ADDR_HI] === k.hiA;
    const v = this.v6;
    const s = i32[w + RowI32.ADDR_LO] * 8;
    return (
      v[s] === k.loA && v[s + 1] === k.loB && v[s + 2] === k.loC && v[s + 3] === k.loD &&
      v[s + 4] === k.hiA && v[s + 5] === k.hiB && v[s + 6] === k.hiC && v[s + 7] === k.hiD
    );
  }

  /**
   * A new zeroed row for this key, linked at the tail of LRU class `cls`.
   * The caller makes room first (the table must not be full).
   */
  insert(k: FlowKey, cls: number): number {
    if (this.live >= this.maxSessions) throw new RangeError('session table full: evict before insert');
    if (this.freeHead === NIL) this.grow(Math.min(this.capacity * 2, this.maxSessions));
    const id = this.freeHead;
    this.freeHead = this.u32[id * RowI32.STRIDE + RowI32.NEXT];
    this.live++;
    this.clearRow(id);
    const w = id * RowI32.STRIDE;
    const b = id * RowU8.STRIDE;
    this.i32[w + RowI32.HASH] = k.hash;
    this.u32[w + RowI32.VNI_KEY] = k.vniKey;
    this.u32[w + RowI32.PORTS] = k.loPort * 0x10000 + k.hiPort;
    this.u8[b + RowU8.PROTO] = k.proto;
    this.u8[b + RowU8.IP_VERSION] = k.ipVersion;
    if (k.ipVersion === 4) {
      this.i32[w + RowI32.ADDR_LO] = k.loA;
      this.i32[w + RowI32.ADDR_HI] = k.hiA;
    } else {
      const slot = this.v6Alloc();
      const v = this.v6;
      const s = slot * 8;
      v[s] = k.loA; v[s + 1] = k.loB; v[s + 2] = k.loC; v[s + 3] = k.loD;
      v[s + 4] = k.hiA; v[s + 5] = k.hiB; v[s + 6] = k.hiC; v[s + 7] = k.hiD;
      this.i32[w + RowI32.ADDR_LO] = slot;
      this.i32[w + RowI32.ADDR_HI] = 0;
    }
    this.indexPut(id);
    this.link(id, cls);
    return id;
  }

  /** Forget a row: out of the index, off its LRU list, back on the free stack. */
  remove(id: number): void {
    if ((this.u16[id * RowU16.STRIDE + RowU16.BITS] & (Bit.MORE_HOLES | (Bit.MORE_HOLES << 1))) !== 0) this.extraHoles.release(id);
    this.indexDelete(id);
    this.unlink(id);
    if (this.u8[id * RowU8.STRIDE + RowU8.IP_VERSION] === 6) this.v6Free[this.v6FreeTop++] = this.i32[id * RowI32.STRIDE + RowI32.ADDR_LO];
    this.u32[id * RowI32.STRIDE + RowI32.NEXT] = this.freeHead;
    this.freeHead = id;
    this.live--;
  }

  private clearRow(id: number): void {
    // Sixteen float64 zeros clear all 128 bytes of the row.
    const f64 = this.f64;
    const r = id * RowF64.STRIDE;
    for (let i = 0; i < RowF64.STRIDE; i++) f64[r + i] = 0;
    this.outerVniKey[id] = 0;
    this.tunnelDepth[id] = 0;
    this.firstUs[2 * id] = this.firstUs[2 * id + 1] = 0;
    this.rttServerUs[id] = 0;
    this.rttClientUs[id] = 0;
    this.retransPkts[id] = 0;
    this.retransBytes[id] = 0;
    this.outOfOrder[id] = 0;
    this.unseenBytes[id] = 0;
    this.zeroWindows[id] = 0;
  }

  // ------------------------------------------------------------ row fields used off the per-packet path

  hashOf(id: number): number {
    return this.i32[id * RowI32.STRIDE + RowI32.HASH];
  }

  vniKeyOf(id: number): number {
    return this.u32[id * RowI32.STRIDE + RowI32.VNI_KEY];
  }

  portsOf(id: number): number {
    return this.u32[id * RowI32.STRIDE + RowI32.PORTS];
  }

  protoOf(id: number): number {
    return this.u8[id * RowU8.STRIDE + RowU8.PROTO];
  }

  ipVersionOf(id: number): number {
    return this.u8[id * RowU8.STRIDE + RowU8.IP_VERSION];
  }

  stateOf(id: number): number {
    return this.u8[id * RowU8.STRIDE + RowU8.STATE];
  }

  lruClassOf(id: number): number {
    return this.u8[id * RowU8.STRIDE + RowU8.LRU_CLASS];
  }

  // ------------------------------------------------------------ index

  private indexPut(id: number): void {
    const index = this.index;
    const mask = this.indexMask;
    const h = this.hashOf(id);
    let i = h & mask;
    while (index[i] !== 0) i = (i + 1) & mask;
    index[i] = (h & this.tagMask) | (id + 1);
  }

  private indexDelete(id: number): void {
    const index = this.index;
    const mask = this.indexMask;
    const idMask = this.idMask;
    let hole = this.hashOf(id) & mask;
    while ((index[hole] & idMask) !== id + 1) hole = (hole + 1) & mask;
    // Backward shift: pull later entries of the probe run into the hole
    // unless their home slot lies cyclically in (hole, j].
    let j = hole;
    for (;;) {
      j = (j + 1) & mask;
      const e = index[j];
      if (e === 0) break;
      const home = this.hashOf((e & idMask) - 1) & mask;
      const stays = hole < j ? home > hole && home <= j : home > hole || home <= j;
      if (!stays) {
        index[hole] = e;
        hole = j;
      }
    }
    index[hole] = 0;
  }

  // ------------------------------------------------------------ LRU lists

  link(id: number, cls: number): void {
    const u32 = this.u32;
    const w = id * RowI32.STRIDE;
    const t = this.tail[cls];
    this.u8[id * RowU8.STRIDE + RowU8.LRU_CLASS] = cls;
    u32[w + RowI32.PREV] = t;
    u32[w + RowI32.NEXT] = NIL;
    if (t === NIL) this.head[cls] = id;
    else u32[t * RowI32.STRIDE + RowI32.NEXT] = id;
    this.tail[cls] = id;
    this.classCount[cls]++;
  }

  unlink(id: number): void {
    const u32 = this.u32;
    const w = id * RowI32.STRIDE;
    const cls = this.u8[id * RowU8.STRIDE + RowU8.LRU_CLASS];
    const p = u32[w + RowI32.PREV];
    const n = u32[w + RowI32.NEXT];
    if (p === NIL) this.head[cls] = n;
    else u32[p * RowI32.STRIDE + RowI32.NEXT] = n;
    if (n === NIL) this.tail[cls] = p;
    else u32[n * RowI32.STRIDE + RowI32.PREV] = p;
    this.classCount[cls]--;
  }

  /** The session after `id` on its LRU list (NIL at the tail). */
  nextOf(id: number): number {
    return this.u32[id * RowI32.STRIDE + RowI32.NEXT];
  }

  /** True when `id` is already the most recently active session of class `cls` (touch has nothing to do). */
  isTail(id: number, cls: number): boolean {
    return this.tail[cls] === id && this.u8[id * RowU8.STRIDE + RowU8.LRU_CLASS] === cls;
  }

  /** Move to the tail of class `cls` (most recently active). */
  touch(id: number, cls: number): void {
    if (!this.isTail(id, cls)) this.moveToTail(id, cls);
  }

  /**
   * unlink + link in one function: the tracker calls this for every packet
   * whose session is not already at its list's tail, and as one small
   * function it is one call, where unlink and link were two (the per-packet
   * code had no inlining budget left for them).
   */
  moveToTail(id: number, cls: number): void {
    const u32 = this.u32;
    const w = id * RowI32.STRIDE;
    const c = id * RowU8.STRIDE + RowU8.LRU_CLASS;
    const old = this.u8[c];
    const p = u32[w + RowI32.PREV];
    const n = u32[w + RowI32.NEXT];
    if (p === NIL) this.head[old] = n;
    else u32[p * RowI32.STRIDE + RowI32.NEXT] = n;
    if (n === NIL) this.tail[old] = p;
    else u32[n * RowI32.STRIDE + RowI32.PREV] = p;
    this.classCount[old]--;
    const t = this.tail[cls];
    this.u8[c] = cls;
    u32[w + RowI32.PREV] = t;
    u32[w + RowI32.NEXT] = NIL;
    if (t === NIL) this.head[cls] = id;
    else u32[t * RowI32.STRIDE + RowI32.NEXT] = id;
    this.tail[cls] = id;
    this.classCount[cls]++;
  }

  /** Last activity of a session in either direction (µs). */
  lastActivityUs(id: number): number {
    const f = id * RowF64.STRIDE + RowF64.LAST_US;
    const a = this.f64[f];
    const b = this.f64[f + 1];
    return a > b ? a : b;
  }

  // ------------------------------------------------------------ growth

  private grow(rows: number): void {
    const old = this.capacity;
    if (rows <= old) return;
    const buf = new ArrayBuffer(rows * ROW_BYTES);
    new Uint8Array(buf).set(this.u8);
    this.f64 = new Float64Array(buf);
    this.i32 = new Int32Array(buf);
    this.u32 = new Uint32Array(buf);
    this.u16 = new Uint16Array(buf);
    this.u8 = new Uint8Array(buf);
    this.outerVniKey = grownU32(this.outerVniKey, rows);
    this.tunnelDepth = grownU8(this.tunnelDepth, rows);
    this.firstUs = grownF64(this.firstUs, rows * 2);
    this.rttServerUs = grownU32(this.rttServerUs, rows);
    this.rttClientUs = grownU32(this.rttClientUs, rows);
    this.retransPkts = grownU32(this.retransPkts, rows);
    this.retransBytes = grownF64(this.retransBytes, rows);
    this.outOfOrder = grownU32(this.outOfOrder, rows);
    this.unseenBytes = grownF64(this.unseenBytes, rows);
    this.zeroWindows = grownU32(this.zeroWindows, rows);

    // New rows join the free chain so that the lowest id is handed out first
    // (grow runs only when the chain is empty).
    for (let id = rows - 1; id >= old; id--) {
      this.u32[id * RowI32.STRIDE + RowI32.NEXT] = this.freeHead;
      this.freeHead = id;
    }
    this.capacity = rows;

    // Index: the power of two at or above 4/3 of the rows (load factor ≤ 0.75), rebuilt.
    let slots = 1;
    while (slots < Math.ceil((rows * 4) / 3) + 1) slots *= 2;
    this.indexCapacity = slots;
    this.indexMask = slots - 1;
    this.index = new Uint32Array(slots);
    for (let cls = 0; cls < LRU_CLASS_COUNT; cls++) {
      for (let id = this.head[cls]; id !== NIL; id = this.nextOf(id)) this.indexPut(id);
    }
  }

  private v6Alloc(): number {
    if (this.v6FreeTop === 0) {
      const old = this.v6Capacity;
      const cap = old === 0 ? 64 : old * 2;
      this.v6 = grownI32(this.v6, cap * 8);
      const free = new Uint32Array(cap);
      let top = 0;
      for (let s = cap - 1; s >= old; s--) free[top++] = s;
      this.v6Free = free;
      this.v6FreeTop = top;
      this.v6Capacity = cap;
    }
    return this.v6Free[--this.v6FreeTop];
  }

  /** Bytes held by the table's typed arrays (rows, columns, index, IPv6 pool); the row views share one buffer, counted once. */
  bytesAllocated(): number {
    const seen = new Set<ArrayBufferLike>();
    let n = 0;
    for (const v of Object.values(this)) {
      if (ArrayBuffer.isView(v) && !seen.has(v.buffer)) {
        seen.add(v.buffer);
        n += v.buffer.byteLength;
      }
    }
    return n;
  }
}
