import { describe, expect, it } from 'vitest';
import { PacketView } from '../../../src/decode/packet-view.js';
import { VIEW_DEFAULTS, viewFields } from './view-helpers.js';

describe('PacketView', () => {
  it('starts with exactly the documented fields and reset values', () => {
    // Also guards the helpers: a field added to the view without a default here fails this test.
    expect(viewFields(new PacketView())).toEqual(VIEW_DEFAULTS);
    expect(Object.keys(new PacketView()).sort()).toEqual(Object.keys(VIEW_DEFAULTS).sort());
  });

  it('reset() records the frame and flags capture truncation', () => {
    const v = new PacketView();
    v.vni = 7;
    v.tcpWindowScale = 3;
    v.reset(1, 16, 60, 1514);
    expect(viewFields(v)).toEqual({
      ...VIEW_DEFAULTS,
      linkType: 1,
      frameOffset: 16,
      capturedLength: 60,
      wireLength: 1514,
      truncated: true,
    });
    v.reset(1, 0, 60, 60);
    expect(v.truncated).toBe(false);
  });

  it('keeps one property order however it was filled', () => {
    const a = new PacketView();
    const b = new PacketView();
    b.innerSrc6d = 1;
    b.reset(113, 0, 0, 0);
    expect(Object.keys(b)).toEqual(Object.keys(a));
  });
});
