import { describe, expect, it } from 'vitest';
import { VniFolder, vniKey } from '../../../src/aggregate/vni-key.js';
import { VniPairCounter } from '../../../src/aggregate/vni-pair-counter.js';

const VXLAN = 1;
const GENEVE = 2;

describe('VniPairCounter', () => {
  it('keeps every count while its rows grow: 300 pairs counted once each add up to 300', () => {
    // The rows start at 8 and double: the first count of pairs 9, 17, 33, 65, 129 and 257 lands on a growth.
    const c = new VniPairCounter(new VniFolder(), true);
    for (let v = 1; v <= 300; v++) c.add(vniKey(VXLAN, v), vniKey(VXLAN, v + 1000));
    const figures = c.figures();
    expect(figures).toHaveLength(300);
    expect(figures.filter((f) => f.frames !== 1)).toEqual([]);
    expect(figures[8]).toEqual({ a: { tunnel: 'vxlan', vni: 9 }, b: { tunnel: 'vxlan', vni: 1009 }, frames: 1 });
  });

  it('unordered: (a, b) and (b, a) are one pair, lower key first', () => {
    const c = new VniPairCounter(new VniFolder(), true);
    c.add(vniKey(VXLAN, 20), vniKey(VXLAN, 10));
    c.add(vniKey(VXLAN, 10), vniKey(VXLAN, 20));
    c.add(vniKey(VXLAN, 10), vniKey(VXLAN, 10));
    expect(c.figures()).toEqual([
      { a: { tunnel: 'vxlan', vni: 10 }, b: { tunnel: 'vxlan', vni: 10 }, frames: 1 },
      { a: { tunnel: 'vxlan', vni: 10 }, b: { tunnel: 'vxlan', vni: 20 }, frames: 2 },
    ]);
  });

  it('ordered: a VNI and its outer tunnel, pairs of folded "other" rows described as such', () => {
    // --max-vnis 2: VNIs 100 and 7 get rows, VXLAN 200 and Geneve 8 fold into their tunnel's "other".
    const c = new VniPairCounter(new VniFolder(2));
    c.add(vniKey(VXLAN, 100), vniKey(GENEVE, 7)); // admits both
    c.add(vniKey(VXLAN, 200), vniKey(GENEVE, 7)); // vxlan other <- geneve 7
    c.add(vniKey(VXLAN, 300), vniKey(GENEVE, 7)); // another raw pair, the same folded row
    c.add(vniKey(VXLAN, 200), vniKey(GENEVE, 8)); // vxlan other <- geneve other
    c.add(vniKey(GENEVE, 7), vniKey(VXLAN, 100)); // ordered: not the first pair
    expect(c.figures()).toEqual([
      { a: { tunnel: 'vxlan', vni: 100 }, b: { tunnel: 'geneve', vni: 7 }, frames: 1 },
      { a: { tunnel: 'geneve', vni: 7 }, b: { tunnel: 'vxlan', vni: 100 }, frames: 1 },
      { a: { tunnel: 'vxlan', vni: 'other' }, b: { tunnel: 'geneve', vni: 7 }, frames: 2 },
      { a: { tunnel: 'vxlan', vni: 'other' }, b: { tunnel: 'geneve', vni: 'other' }, frames: 1 },
    ]);
  });
});
