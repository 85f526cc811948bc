/**
 * The bounded session table: per-session state in typed-array columns, found
 * through an open-addressing index (DESIGN.md §3 rule 5, §3a).
 *
 * Layout
 * - A session is a row id (0 .. capacity-1). Every per-session field is one
 *   typed-array column indexed by that id; per-direction fields are
 *   interleaved (`pkts[2 * id + dir]`, dir 0 = the canonical lower endpoint,
 *   1 = the higher). No object exists per session.
 * - The index is a Uint32Array of `indexCapacity` slots (the power of two at
 *   or above 4/3 of the row capacity: load factor 0.375 to 0.75) holding
 *   `id + 1` (0 = empty), linear probing from `hash & indexMask`. A mask, not
 *   `%`: the hash is a uint32, often above 2^31, and `%` on such a number is
 *   a floating-point remainder (a call to fmod) on every lookup. A lookup compares the stored 32-bit hash first and
 *   then every key field, so hash collisions are resolved by full compare.
 *   Removal uses backward-shift deletion: no tombstones, probe chains stay short.
 * - IPv4 addresses live in the row (addrLo / addrHi). IPv6 addresses live in
 *   a side pool of 8 uint32 per IPv6 session (addrLo holds the pool slot), so
 *   IPv4 sessions do not pay 24 bytes each for address room they never use.
 * - Rows are kept on one of LRU_CLASS_COUNT doubly linked lists (prev/next
 *   columns), one per idle-timeout class, in order of last activity. Every
 *   session on a list has the same timeout, so each list's head is the next
 *   to expire in its class, and the oldest idle session overall is the oldest
 *   of the heads.
 * - Columns start small and double (an allocation per growth step, never per
 *   packet) up to `maxSessions` rows; the table never holds more.
 */
import type { FlowKey } from './flow-key.js';
import { grownU8, grownU16, grownU32, grownI32, grownF64 } from '../typed-array-growth.js';

export const NIL = 0xffffffff;
export const LRU_CLASS_COUNT = 6;

/** Bits of the `bits` column. Per-direction bits are `X << dir`. */
export const Bit = {
  SEQ_INIT: 0x01, // << dir: a sequence number was seen from that side
  FIN: 0x04, // << dir: that side sent a FIN
  HOLE: 0x10, // << dir: a gap in that side's sequence space is open
  MID_STREAM: 0x40,
  RST: 0x80,
  RTT_SERVER: 0x100,
  RTT_CLIENT: 0x200,
} as const;

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

  // --- key columns (hash and addresses as int32, the way FlowKey holds them) ---
  hash = new Int32Array(0);
  vniKey = new Uint32Array(0);
  /** The outermost tunnel of the session's first packet (its type * 2^24 + VNI), and how many tunnels it crossed. */
  outerVniKey = new Uint32Array(0);
  tunnelDepth = new Uint8Array(0);
  addrLo = new Int32Array(0); // IPv4 lower address, or IPv6 pool slot
  addrHi = new Int32Array(0); // IPv4 higher address
  ports = new Uint32Array(0); // loPort * 2^16 + hiPort
  proto = new Uint8Array(0);
  ipVersion = new Uint8Array(0);

  // --- bookkeeping ---
  prev = new Uint32Array(0);
  next = new Uint32Array(0);
  lruClass = new Uint8Array(0);
  state = new Uint8Array(0);
  bits = new Uint16Array(0);
  initiator = new Uint8Array(0); // direction (0/1) of the initiator
  initiatorMethod = new Uint8Array(0);
  closeReason = new Uint8Array(0);

  // --- per direction (2 * id + dir) ---
  pkts = new Uint32Array(0);
  ipBytes = new Float64Array(0);
  payloadBytes = new Float64Array(0);
  firstUs = new Float64Array(0); // frame time, integer microseconds since 1970
  lastUs = new Float64Array(0);
  tcpFlagsOr = new Uint8Array(0);
  // Sequence numbers as int32 bits (tcp-state.ts compares them mod 2^32).
  nextSeq = new Int32Array(0); // highest sequence seen + 1 (SYN and FIN count one)
  holeStart = new Int32Array(0);
  holeEnd = new Int32Array(0);

  // --- per session TCP figures ---
  handshakeUs = new Float64Array(0); // time of the SYN, then of the SYN-ACK
  rttServerUs = new Uint32Array(0);
  rttClientUs = new Uint32Array(0);
  retransPkts = new Uint32Array(0);
  retransBytes = new Float64Array(0);
  synRetrans = new Uint8Array(0); // saturates at 255
  outOfOrder = new Uint32Array(0);
  unseenBytes = new Float64Array(0);
  zeroWindows = new Uint32Array(0);

  /** Free rows, chained through the `next` column (a row is either on an LRU list or here). */
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
    this.grow(Math.min(INITIAL_ROWS, maxSessions));
  }

  get full(): boolean {
    return this.live >= this.maxSessions;
  }

  /** Row of the session with this key, or NIL. */
  lookup(k: FlowKey): number {
    const index = this.index;
    const mask = this.indexMask;
    const h = k.hash;
    let i = h & mask;
    for (;;) {
      const e = index[i];
      if (e === 0) return NIL;
      const id = e - 1;
      if (this.hash[id] === h && this.matches(id, k)) return id;
      i = (i + 1) & mask;
    }
  }

  private matches(id: number, k: FlowKey): boolean {
    if (this.vniKey[id] !== k.vniKey || this.ports[id] !== k.loPort * 0x10000 + k.hiPort) return false;
    if (this.proto[id] !== k.proto || this.ipVersion[id] !== k.ipVersion) return false;
    if (k.ipVersion === 4) return this.addrLo[id] === k.loA && this.addrHi[id] === k.hiA;
    const v = this.v6;
    const b = this.addrLo[id] * 8;
    return (
      v[b] === k.loA && v[b + 1] === k.loB && v[b + 2] === k.loC && v[b + 3] === k.loD &&
      v[b + 4] === k.hiA && v[b + 5] === k.hiB && v[b + 6] === k.hiC && v[b + 7] === k.hiD
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
    this.freeHead = this.next[id];
    this.live++;
    this.clearRow(id);
    this.hash[id] = k.hash;
    this.vniKey[id] = k.vniKey;
    this.ports[id] = k.loPort * 0x10000 + k.hiPort;
    this.proto[id] = k.proto;
    this.ipVersion[id] = k.ipVersion;
    if (k.ipVersion === 4) {
      this.addrLo[id] = k.loA;
      this.addrHi[id] = k.hiA;
    } else {
      const slot = this.v6Alloc();
      const v = this.v6;
      const b = slot * 8;
      v[b] = k.loA; v[b + 1] = k.loB; v[b + 2] = k.loC; v[b + 3] = k.loD;
      v[b + 4] = k.hiA; v[b + 5] = k.hiB; v[b + 6] = k.hiC; v[b + 7] = k.hiD;
      this.addrLo[id] = slot;
      this.addrHi[id] = 0;
    }
    this.indexPut(id);
    this.link(id, cls);
    return id;
  }

  /** Forget a row: out of the index, off its LRU list, back on the free stack. */
  remove(id: number): void {
    this.indexDelete(id);
    this.unlink(id);
    if (this.ipVersion[id] === 6) this.v6Free[this.v6FreeTop++] = this.addrLo[id];
    this.next[id] = this.freeHead;
    this.freeHead = id;
    this.live--;
  }

  private clearRow(id: number): void {
    const d0 = 2 * id;
    const d1 = d0 + 1;
    this.state[id] = 0;
    this.bits[id] = 0;
    this.initiator[id] = 0;
    this.initiatorMethod[id] = 0;
    this.closeReason[id] = 0;
    this.pkts[d0] = this.pkts[d1] = 0;
    this.ipBytes[d0] = this.ipBytes[d1] = 0;
    this.payloadBytes[d0] = this.payloadBytes[d1] = 0;
    this.firstUs[d0] = this.firstUs[d1] = 0;
    this.lastUs[d0] = this.lastUs[d1] = 0;
    this.tcpFlagsOr[d0] = this.tcpFlagsOr[d1] = 0;
    this.nextSeq[d0] = this.nextSeq[d1] = 0;
    this.holeStart[d0] = this.holeStart[d1] = 0;
    this.holeEnd[d0] = this.holeEnd[d1] = 0;
    this.handshakeUs[id] = 0;
    this.rttServerUs[id] = 0;
    this.rttClientUs[id] = 0;
    this.retransPkts[id] = 0;
    this.retransBytes[id] = 0;
    this.synRetrans[id] = 0;
    this.outOfOrder[id] = 0;
    this.unseenBytes[id] = 0;
    this.zeroWindows[id] = 0;
  }

  // ------------------------------------------------------------ index

  private indexPut(id: number): void {
    const index = this.index;
    const mask = this.indexMask;
    let i = this.hash[id] & mask;
    while (index[i] !== 0) i = (i + 1) & mask;
    index[i] = id + 1;
  }

  private indexDelete(id: number): void {
    const index = this.index;
    const mask = this.indexMask;
    let hole = this.hash[id] & mask;
    while (index[hole] !== id + 1) hole = (hole + 1) & mask;
    // Backward shift: pull later entries of the probe run into the hole
    // unless their home slot lies cyclically in (hole, j].
    let j = hole;
    for (;;) {
      j = (j + 1) & mask;
      const e = index[j];
      if (e === 0) break;
      const home = this.hash[e - 1] & mask;
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
    const t = this.tail[cls];
    this.lruClass[id] = cls;
    this.prev[id] = t;
    this.next[id] = NIL;
    if (t === NIL) this.head[cls] = id;
    else this.next[t] = id;
    this.tail[cls] = id;
    this.classCount[cls]++;
  }

  unlink(id: number): void {
    const cls = this.lruClass[id];
    const p = this.prev[id];
    const n = this.next[id];
    if (p === NIL) this.head[cls] = n;
    else this.next[p] = n;
    if (n === NIL) this.tail[cls] = p;
    else this.prev[n] = p;
    this.classCount[cls]--;
  }

  /** Move to the tail of class `cls` (most recently active). */
  touch(id: number, cls: number): void {
    if (this.lruClass[id] === cls && this.tail[cls] === id) return;
    this.unlink(id);
    this.link(id, cls);
  }

  /** Last activity of a session in either direction (µs). */
  lastActivityUs(id: number): number {
    const a = this.lastUs[2 * id];
    const b = this.lastUs[2 * id + 1];
    return a > b ? a : b;
  }

  // ------------------------------------------------------------ growth

  private grow(rows: number): void {
    const old = this.capacity;
    if (rows <= old) return;
    const r2 = rows * 2;
    this.hash = grownI32(this.hash, rows);
    this.vniKey = grownU32(this.vniKey, rows);
    this.outerVniKey = grownU32(this.outerVniKey, rows);
    this.tunnelDepth = grownU8(this.tunnelDepth, rows);
    this.addrLo = grownI32(this.addrLo, rows);
    this.addrHi = grownI32(this.addrHi, rows);
    this.ports = grownU32(this.ports, rows);
    this.proto = grownU8(this.proto, rows);
    this.ipVersion = grownU8(this.ipVersion, rows);
    this.prev = grownU32(this.prev, rows);
    this.next = grownU32(this.next, rows);
    this.lruClass = grownU8(this.lruClass, rows);
    this.state = grownU8(this.state, rows);
    this.bits = grownU16(this.bits, rows);
    this.initiator = grownU8(this.initiator, rows);
    this.initiatorMethod = grownU8(this.initiatorMethod, rows);
    this.closeReason = grownU8(this.closeReason, rows);
    this.pkts = grownU32(this.pkts, r2);
    this.ipBytes = grownF64(this.ipBytes, r2);
    this.payloadBytes = grownF64(this.payloadBytes, r2);
    this.firstUs = grownF64(this.firstUs, r2);
    this.lastUs = grownF64(this.lastUs, r2);
    this.tcpFlagsOr = grownU8(this.tcpFlagsOr, r2);
    this.nextSeq = grownI32(this.nextSeq, r2);
    this.holeStart = grownI32(this.holeStart, r2);
    this.holeEnd = grownI32(this.holeEnd, r2);
    this.handshakeUs = grownF64(this.handshakeUs, rows);
    this.rttServerUs = grownU32(this.rttServerUs, rows);
    this.rttClientUs = grownU32(this.rttClientUs, rows);
    this.retransPkts = grownU32(this.retransPkts, rows);
    this.retransBytes = grownF64(this.retransBytes, rows);
    this.synRetrans = grownU8(this.synRetrans, rows);
    this.outOfOrder = grownU32(this.outOfOrder, rows);
    this.unseenBytes = grownF64(this.unseenBytes, rows);
    this.zeroWindows = grownU32(this.zeroWindows, rows);

    // New rows join the free chain so that the lowest id is handed out first
    // (grow runs only when the chain is empty).
    for (let id = rows - 1; id >= old; id--) {
      this.next[id] = this.freeHead;
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
      for (let id = this.head[cls]; id !== NIL; id = this.next[id]) this.indexPut(id);
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

  /** Bytes held by the table's typed arrays (columns, index, IPv6 pool). */
  bytesAllocated(): number {
    let n = 0;
    for (const v of Object.values(this)) {
      if (ArrayBuffer.isView(v)) n += v.byteLength;
    }
    return n;
  }

}
