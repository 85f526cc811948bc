/**
 * Gaps in one direction's sequence space: bytes below the highest sequence
 * the mirror has seen from that side that it has not seen (RFC 9293 §3.4 for
 * sequence space; comparisons mod 2^32 as in seq.ts).
 *
 * Why a list: when the mirror loses several segments of one window, each
 * leaves its own gap. With one gap per direction, a second gap went
 * unrecorded, so the receiver's ACK over it counted no unseen bytes, and
 * the segment that later filled it counted as a retransmission; a segment
 * filling the middle of a gap threw away the gap's upper part the same way.
 *
 * The lowest gap lives in the session's row (RowI32.HOLE_START/HOLE_END,
 * Bit.HOLE), which is all nearly every session ever needs. Further gaps
 * (Bit.MORE_HOLES) live in ExtraHoles: fixed slots of one pool, found
 * through a Map keyed by session and direction. A slot is taken when a
 * direction gets its second gap and given back when it is down to one or
 * the session ends; the pool and the Map grow by doubling. So a packet
 * allocates nothing, and a session without several gaps costs no memory.
 *
 * At most MAX_HOLES gaps are kept per direction. A gap opened beyond that is
 * not recorded, as with one gap before: its bytes then count neither as
 * unseen nor as out of order (a segment filling it counts as a retransmission).
 *
 * The functions below work on a scratch list (start, end pairs, lowest
 * first) that loadHoles fills from the row and ExtraHoles and storeHoles
 * writes back; they run only for packets that open, fill or acknowledge a
 * gap, never for the in-order packet.
 */
import { seqGE, seqGT, seqLE } from './seq.js';
import { Bit, RowI32, type SessionTable } from './session-table.js';
import { grownI32, grownU8 } from '../typed-array-growth.js';

/** Gaps kept per direction, the row's one included. */
export const MAX_HOLES = 8;
const EXTRA_PAIRS = MAX_HOLES - 1;
const SLOT_INTS = 2 * EXTRA_PAIRS;

/** The scratch list: pairs (start, end) as int32 bits. One, as the hot path is single-threaded. */
export const holeScratch = new Int32Array(2 * MAX_HOLES + 2);

/**
 * What the last fillHoles or ackHoles found besides the new count they return:
 * whether the range filled lay wholly inside one gap (fillHoles), and the gap
 * bytes acknowledged (ackHoles). One reused object: nothing allocated per packet.
 */
export const holeResult = { inside: false, unseen: 0 };

/** The second and later gaps of each (session, direction) that has them. */
export class ExtraHoles {
  private pool = new Int32Array(16 * SLOT_INTS);
  private counts = new Uint8Array(16);
  private readonly freeSlots: number[] = [];
  private nextSlot = 0;
  private readonly index = new Map<number, number>();

  /** Slots in use (for tests and memory accounting). */
  get inUse(): number {
    return this.index.size;
  }

  /** Copy the extra gaps of (id, dir) to `into` from pair `at` on; returns how many. */
  load(id: number, dir: number, into: Int32Array, at: number): number {
    const slot = this.index.get(id * 2 + dir);
    if (slot === undefined) return 0;
    const n = this.counts[slot];
    const base = slot * SLOT_INTS;
    for (let i = 0; i < 2 * n; i++) into[2 * at + i] = this.pool[base + i];
    return n;
  }

  /** Keep `n` pairs of `from`, starting at pair `at`, as the extra gaps of (id, dir) (n = 0: none). */
  store(id: number, dir: number, from: Int32Array, at: number, n: number): void {
    const key = id * 2 + dir;
    let slot = this.index.get(key);
    if (n === 0) {
      if (slot !== undefined) {
        this.index.delete(key);
        this.freeSlots.push(slot);
      }
      return;
    }
    if (slot === undefined) {
      slot = this.freeSlots.length > 0 ? (this.freeSlots.pop() as number) : this.newSlot();
      this.index.set(key, slot);
    }
    this.counts[slot] = n;
    const base = slot * SLOT_INTS;
    for (let i = 0; i < 2 * n; i++) this.pool[base + i] = from[2 * at + i];
  }

  /** The session is gone: give back both directions' slots. */
  release(id: number): void {
    this.store(id, 0, holeScratch, 0, 0);
    this.store(id, 1, holeScratch, 0, 0);
  }

  private newSlot(): number {
    const slot = this.nextSlot++;
    if (slot >= this.counts.length) {
      this.pool = grownI32(this.pool, this.pool.length * 2);
      this.counts = grownU8(this.counts, this.counts.length * 2);
    }
    return slot;
  }
}

/** Fill holeScratch with the gaps of (id, dir), lowest first; returns how many. */
export function loadHoles(t: SessionTable, id: number, dir: number, bits: number): number {
  if ((bits & (Bit.HOLE << dir)) === 0) return 0;
  const w = id * RowI32.STRIDE;
  holeScratch[0] = t.i32[w + RowI32.HOLE_START + dir];
  holeScratch[1] = t.i32[w + RowI32.HOLE_END + dir];
  if ((bits & (Bit.MORE_HOLES << dir)) === 0) return 1;
  return 1 + t.extraHoles.load(id, dir, holeScratch, 1);
}

/** Write the `n` gaps in holeScratch back as those of (id, dir); returns `bits` with HOLE and MORE_HOLES updated. */
export function storeHoles(t: SessionTable, id: number, dir: number, bits: number, n: number): number {
  const w = id * RowI32.STRIDE;
  // ExtraHoles is asked only when the direction has, or had, more than one gap.
  if (n > 1 || (bits & (Bit.MORE_HOLES << dir)) !== 0) t.extraHoles.store(id, dir, holeScratch, 1, n > 1 ? n - 1 : 0);
  bits &= ~((Bit.HOLE | Bit.MORE_HOLES) << dir);
  if (n > 0) {
    t.i32[w + RowI32.HOLE_START + dir] = holeScratch[0];
    t.i32[w + RowI32.HOLE_END + dir] = holeScratch[1];
    bits |= Bit.HOLE << dir;
  }
  if (n > 1) bits |= Bit.MORE_HOLES << dir;
  return bits;
}

/** Record the gap [start, end) above every gap in the list; returns the new count (unchanged when full). */
export function addHole(n: number, start: number, end: number): number {
  if (n >= MAX_HOLES) return n;
  holeScratch[2 * n] = start;
  holeScratch[2 * n + 1] = end;
  return n + 1;
}

/**
 * The bytes [from, to) were seen: take them out of the gaps. Sets
 * holeResult.inside (they lay wholly inside one gap). A range inside a gap
 * splits it in two, unless the list is full: then the upper part is dropped.
 * Returns the new count.
 */
export function fillHoles(n: number, from: number, to: number): number {
  const s = holeScratch;
  let inside = false;
  let i = 0;
  while (i < n) {
    const hs = s[2 * i];
    const he = s[2 * i + 1];
    if (seqLE(to, hs) || seqGE(from, he)) {
      i++;
      continue;
    }
    if (seqGE(from, hs) && seqLE(to, he)) inside = true;
    if (seqLE(from, hs) && seqGE(to, he)) {
      // The whole gap: remove it.
      s.copyWithin(2 * i, 2 * i + 2, 2 * n);
      n--;
      continue;
    }
    if (seqLE(from, hs)) {
      s[2 * i] = to; // its lower part
    } else if (seqGE(to, he)) {
      s[2 * i + 1] = from; // its upper part
    } else {
      // Its middle: [hs, from) and [to, he) stay.
      s[2 * i + 1] = from;
      if (n < MAX_HOLES) {
        s.copyWithin(2 * i + 4, 2 * i + 2, 2 * n);
        s[2 * i + 2] = to;
        s[2 * i + 3] = he;
        n++;
      }
      i++;
    }
    i++;
  }
  holeResult.inside = inside;
  return n;
}

/**
 * The other side acknowledged up to `ack`: the gap bytes below it were never
 * seen. Sets holeResult.unseen to them; the gaps shrink. Returns the new count.
 */
export function ackHoles(n: number, ack: number): number {
  const s = holeScratch;
  let unseen = 0;
  let gone = 0;
  while (gone < n) {
    const hs = s[2 * gone];
    const he = s[2 * gone + 1];
    if (seqGE(ack, he)) {
      unseen += (he - hs) >>> 0;
      gone++;
    } else {
      if (seqGT(ack, hs)) {
        unseen += (ack - hs) >>> 0;
        s[2 * gone] = ack;
      }
      break;
    }
  }
  if (gone > 0) s.copyWithin(0, 2 * gone, 2 * n);
  holeResult.unseen = unseen;
  return n - gone;
}
