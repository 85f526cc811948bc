import { describe, expect, it } from 'vitest';
import { FlowKey } from '../../../src/session/flow-key.js';
import { NIL, SessionTable } from '../../../src/session/session-table.js';

/** A v4 key with a chosen hash (to force collisions). */
function k(lo: number, hash: number, v6 = false): FlowKey {
  const key = new FlowKey();
  key.vniKey = 2 ** 24 + 7;
  key.ipVersion = v6 ? 6 : 4;
  key.proto = 6;
  key.loA = lo;
  key.hiA = 0xffffffff | 0; // FlowKey holds address bits as int32
  key.loD = v6 ? lo : 0;
  key.loPort = 1;
  key.hiPort = 2;
  key.hash = hash | 0; // FlowKey holds the hash, like addresses, as int32 bits
  return key;
}

describe('SessionTable', () => {
  it('resolves colliding hashes by full compare and survives removal from the middle of a probe run', () => {
    const t = new SessionTable(100);
    const ids = [1, 2, 3, 4, 5].map((lo) => t.insert(k(lo, 42), 0));
    ids.forEach((id, i) => expect(t.lookup(k(i + 1, 42))).toBe(id));
    expect(t.lookup(k(9, 42))).toBe(NIL);
    t.remove(ids[1]); // backward shift must keep 3, 4, 5 reachable
    expect(t.lookup(k(2, 42))).toBe(NIL);
    expect(t.lookup(k(3, 42))).toBe(ids[2]);
    expect(t.lookup(k(5, 42))).toBe(ids[4]);
    expect(t.live).toBe(4);
  });

  it('finds sessions whose hashes share the home slot but not the top bits (the index tag), before and after removals', () => {
    for (const max of [100, 1_000_000, 0x7fffffff]) {
      const t = new SessionTable(max);
      // Same low bits (one probe run), top bits all different, one pair equal in every bit.
      const hashes = [0x00000005, 0x80000005, 0x40000005, 0xfff00005, 0x00100005, 0x80000005];
      const ids = hashes.map((h, i) => t.insert(k(i + 1, h), 0));
      hashes.forEach((h, i) => expect(t.lookup(k(i + 1, h))).toBe(ids[i]));
      expect(t.lookup(k(9, 0x80000005))).toBe(NIL);
      t.remove(ids[0]);
      t.remove(ids[3]);
      hashes.forEach((h, i) => expect(t.lookup(k(i + 1, h))).toBe(i === 0 || i === 3 ? NIL : ids[i]));
    }
  });

  it('keeps IPv6 addresses in the side pool and compares all of them', () => {
    const t = new SessionTable(10);
    const a = t.insert(k(1, 7, true), 0);
    const b = t.insert(k(2, 7, true), 0);
    expect(t.lookup(k(1, 7, true))).toBe(a);
    expect(t.lookup(k(2, 7, true))).toBe(b);
    expect(t.lookup(k(3, 7, true))).toBe(NIL);
    t.remove(a);
    const c = t.insert(k(3, 7, true), 0); // reuses row and pool slot
    expect(t.lookup(k(3, 7, true))).toBe(c);
  });

  it('grows by doubling up to maxSessions and refuses to insert past it', () => {
    const t = new SessionTable(3000);
    for (let i = 0; i < 3000; i++) t.insert(k(i, (i * 2654435761) >>> 0), i % 3);
    expect(t.capacity).toBe(3000);
    expect(t.full).toBe(true);
    for (let i = 0; i < 3000; i += 97) expect(t.lookup(k(i, (i * 2654435761) >>> 0))).not.toBe(NIL);
    expect(() => t.insert(k(5000, 1), 0)).toThrow(RangeError);
  });

  it('keeps each LRU list in order of activity (touch moves to the tail)', () => {
    const t = new SessionTable(10);
    const [x, y, z] = [1, 2, 3].map((lo) => t.insert(k(lo, lo), 0));
    expect(t.head[0]).toBe(x);
    t.touch(x, 0);
    expect(t.head[0]).toBe(y);
    expect(t.tail[0]).toBe(x);
    t.touch(y, 1); // class change
    expect(t.head[0]).toBe(z);
    expect(t.head[1]).toBe(y);
    expect([t.classCount[0], t.classCount[1]]).toEqual([2, 1]);
  });
});
