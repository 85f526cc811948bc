import { TUNNEL_NAMES } from '../decode/packet-view.js';

/**
 * Per-VNI aggregates key their rows by one number: tunnelType * 2^24 + VNI.
 * Beyond the VNI cap (--max-vnis) further VNIs share one "other" row per
 * tunnel type, keyed OTHER_KEY_BASE + tunnelType (above every real key, and
 * below 2^31 so it hashes like one).
 */
export const OTHER_KEY_BASE = 0x40000000;

/** Default --max-vnis: one VNI per mirror session; 256 sessions to one target is already a large fleet. */
export const DEFAULT_MAX_VNIS = 256;

export function vniKey(tunnelType: number, vni: number): number {
  return tunnelType * 0x1000000 + vni;
}

/** What a key means, for labels and reports: `vni` is 'other' for the folded row. */
export function describeVniKey(key: number): { tunnel: string; vni: number | 'other' } {
  if (key >= OTHER_KEY_BASE) return { tunnel: TUNNEL_NAMES[key - OTHER_KEY_BASE] ?? 'unknown', vni: 'other' };
  return { tunnel: TUNNEL_NAMES[Math.floor(key / 0x1000000)] ?? 'unknown', vni: key % 0x1000000 };
}

/** The key of a described row (inverse of describeVniKey). */
export function keyOfDescribed(d: { tunnel: string; vni: number | 'other' }): number {
  const type = TUNNEL_NAMES.indexOf(d.tunnel as (typeof TUNNEL_NAMES)[number]);
  return d.vni === 'other' ? OTHER_KEY_BASE + type : vniKey(type, d.vni);
}

/**
 * The VNI cap: the first `maxVnis` distinct VNIs get rows of their own, the
 * rest fold into their tunnel's "other" row, and how many distinct VNIs were
 * folded is counted (a bitmap per tunnel type: 2 MiB each, allocated on the first
 * fold). Asked only when an aggregate meets a key it has no row for.
 */
export class VniFolder {
  private readonly admitted = new Set<number>();
  private folded: Uint8Array | undefined;
  /** Distinct VNIs folded into "other". */
  foldedVnis = 0;

  constructor(readonly maxVnis: number = Infinity) {}

  keyFor(key: number): number {
    if (key >= OTHER_KEY_BASE || this.admitted.has(key)) return key;
    if (this.admitted.size < this.maxVnis) {
      this.admitted.add(key);
      return key;
    }
    const bits = (this.folded ??= new Uint8Array((TUNNEL_NAMES.length * 0x1000000) / 8));
    const byte = key >>> 3;
    const bit = 1 << (key & 7);
    if ((bits[byte] & bit) === 0) {
      bits[byte] |= bit;
      this.foldedVnis++;
    }
    return OTHER_KEY_BASE + Math.floor(key / 0x1000000);
  }
}
