import { describeVniKey, VniFolder } from './vni-key.js';
import { grownU32, grownF64 } from '../typed-array-growth.js';

/** One pair's count, as the reports print it. */
export interface VniPairFigures {
  a: { tunnel: string; vni: number | 'other' };
  b: { tunnel: string; vni: number | 'other' };
  frames: number;
}

/**
 * Counts per pair of VNI keys (tunnelType * 2^24 + vni): the VNIs whose
 * mirrors carry the same packets (double mirroring), or a mirror VNI and the
 * outer tunnel that carried it (nesting). Ordered pairs (`a` first) or, with
 * `unordered`, each pair once with the lower key as `a`.
 *
 * Found through a small open-addressing table in typed arrays (raw keys ->
 * counter row), not a Map: a pair of keys does not fit a small integer, and a
 * Map lookup with such a number would allocate a heap number per count. A
 * pair seen for the first time allocates its row (once per pair), under the
 * VNIs' folded keys (--max-vnis), so the rows stay as bounded as the VNIs.
 */
export class VniPairCounter {
  /**
   * Counter rows: the folded pair's two keys and its count. (Two keys, not one
   * number made of both: a folded "other" key is OTHER_KEY_BASE = 2^30 plus the
   * tunnel type, and two such keys do not fit one exact double as a * 2^31 + b.)
   */
  private readonly rowA: number[] = [];
  private readonly rowB: number[] = [];
  counts = new Float64Array(8);
  /** Raw pairs -> counter row, through slots (open addressing, at most half full). */
  private slots = new Int32Array(16).fill(-1);
  private entryA = new Uint32Array(8);
  private entryB = new Uint32Array(8);
  private entryRow = new Uint32Array(8);
  private entries = 0;

  constructor(
    private readonly folder: VniFolder = new VniFolder(),
    private readonly unordered: boolean = false,
  ) {}

  /** One more for the pair (keyA, keyB). */
  add(keyA: number, keyB: number): void {
    const swap = this.unordered && keyB < keyA;
    const a = swap ? keyB : keyA;
    const b = swap ? keyA : keyB;
    const slots = this.slots;
    const mask = slots.length - 1;
    let i = (Math.imul(a, 0x9e3779b1) ^ Math.imul(b, 0x85ebca6b)) & mask;
    for (;;) {
      const e = slots[i];
      if (e === -1) break;
      if (this.entryA[e] === a && this.entryB[e] === b) {
        this.counts[this.entryRow[e]]++;
        return;
      }
      i = (i + 1) & mask;
    }
    // Two statements: in `this.counts[this.newEntry(...)]++` the array is read
    // before newEntry runs, and a new row that grows it would count in the old one.
    const row = this.newEntry(a, b, i);
    this.counts[row]++;
  }

  private newEntry(a: number, b: number, slot: number): number {
    let fa = this.folder.keyFor(a);
    let fb = this.folder.keyFor(b);
    if (this.unordered && fb < fa) [fa, fb] = [fb, fa];
    let row = 0;
    while (row < this.rowA.length && (this.rowA[row] !== fa || this.rowB[row] !== fb)) row++;
    if (row === this.rowA.length) {
      this.rowA.push(fa);
      this.rowB.push(fb);
      if (row >= this.counts.length) this.counts = grownF64(this.counts, this.counts.length * 2);
    }
    const e = this.entries++;
    if (e >= this.entryA.length) {
      this.entryA = grownU32(this.entryA, e * 2);
      this.entryB = grownU32(this.entryB, e * 2);
      this.entryRow = grownU32(this.entryRow, e * 2);
    }
    this.entryA[e] = a;
    this.entryB[e] = b;
    this.entryRow[e] = row;
    this.slots[slot] = e;
    if (2 * this.entries > this.slots.length) this.rehash(this.slots.length * 2);
    return row;
  }

  private rehash(size: number): void {
    const slots = new Int32Array(size).fill(-1);
    const mask = size - 1;
    for (let e = 0; e < this.entries; e++) {
      let i = (Math.imul(this.entryA[e], 0x9e3779b1) ^ Math.imul(this.entryB[e], 0x85ebca6b)) & mask;
      while (slots[i] !== -1) i = (i + 1) & mask;
      slots[i] = e;
    }
    this.slots = slots;
  }

  /** Every pair with its count, ordered by the pair's keys. */
  figures(): VniPairFigures[] {
    return this.rowA
      .map((a, row) => ({ a, b: this.rowB[row], row }))
      .sort((x, y) => x.a - y.a || x.b - y.b)
      .map(({ a, b, row }) => ({ a: describeVniKey(a), b: describeVniKey(b), frames: this.counts[row] }));
  }
}

