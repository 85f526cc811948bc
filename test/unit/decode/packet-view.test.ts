import { describe, expect, it } from 'vitest';
import { PacketView } from '../../../src/decode/packet-view.js';
import { VIEW_DEFAULTS, viewFields } from './view-helpers.js';

describe('PacketView', () => {
  it('starts with exactly the documented fields and reset values', () => {
    // Also guards the helpers: a field added to the view without a default here fails this test.
    expect(viewFields(new PacketView())).toEqual(VIEW_DEFAULTS);
    expect(Object.keys(new PacketView()).sort()).toEqual(Object.keys(VIEW_DEFAULTS).sort());
  });

  // The reset contract (packet-view.ts): reset() writes the frame fields and
  // the layer markers only; a layer's other fields are that layer's to write.
  // (This test used to expect every field back at its initial value.)
  it('reset() records the frame, flags capture truncation and clears the layer markers', () => {
    const v = new PacketView();
    v.outerIpVersion = 4;
    v.tunnelType = 1;
    v.vni = 7;
    v.innerIpVersion = 6;
    v.l4Offset = 84;
    v.tcpWindowScale = 3;
    v.reset(1, 16, 60, 1514);
    expect(viewFields(v)).toEqual({
      ...VIEW_DEFAULTS,
      linkType: 1,
      frameOffset: 16,
      capturedLength: 60,
      wireLength: 1514,
      truncated: true,
      tcpWindowScale: 3, // not a marker: meaningful only when l4Offset != 0 and the protocol is TCP
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
