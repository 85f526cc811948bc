/**
 * Whole-view assertions: a test states the fields a layer should set, and
 * every other field must still hold its reset value. VIEW_DEFAULTS is
 * written out here by hand (from the PacketView documentation), not taken
 * from the class, so it also pins down what reset() promises.
 */
import { expect } from 'vitest';
import type { PacketView } from '../../../src/decode/packet-view.js';

export type ViewFields = { [K in keyof PacketView as PacketView[K] extends (...a: never[]) => unknown ? never : K]: PacketView[K] };

export const VIEW_DEFAULTS: ViewFields = {
  linkType: 0,
  frameOffset: 0,
  capturedLength: 0,
  wireLength: 0,
  truncated: false,
  outerVlanCount: 0,
  outerVlanId: 0,
  outerEtherType: 0,
  outerL3Offset: 0,
  outerIpVersion: 0,
  outerIpLength: 0,
  outerSrc4: 0,
  outerDst4: 0,
  outerL4Offset: 0,
  outerSrcPort: 0,
  outerDstPort: 0,
  outerUdpLength: 0,
  tunnelType: 0,
  tunnelOffset: 0,
  vxlanFlags: 0,
  reservedNonZero: false,
  vni: 0,
  tunnelPayload: 0,
  tunnelDepth: 0,
  outerTunnelType: 0,
  outerVni: 0,
  geneveFlags: 0,
  geneveOptionsLength: 0,
  geneveOptionCount: 0,
  innerL2Offset: 0,
  innerL2Length: 0,
  innerVlanCount: 0,
  innerEtherType: 0,
  innerL3Offset: 0,
  innerIpVersion: 0,
  innerIpLength: 0,
  innerIpHeaderLength: 0,
  innerProto: -1,
  innerSrc4: 0,
  innerDst4: 0,
  innerSrc6a: 0,
  innerSrc6b: 0,
  innerSrc6c: 0,
  innerSrc6d: 0,
  innerDst6a: 0,
  innerDst6b: 0,
  innerDst6c: 0,
  innerDst6d: 0,
  innerIpId: 0,
  innerFragment: false,
  innerFragmentOffset: 0,
  l4Offset: 0,
  srcPort: 0,
  dstPort: 0,
  tcpSeq: 0,
  tcpAck: 0,
  tcpFlags: 0,
  tcpWindow: 0,
  tcpHeaderLength: 0,
  tcpMss: 0,
  tcpWindowScale: -1,
  tcpSackPermitted: false,
  tcpHasTimestamp: false,
  tcpTsVal: 0,
  tcpTsEcr: 0,
  icmpType: -1,
  icmpCode: -1,
  icmpId: 0,
  l4Checksum: 0,
  payloadOffset: 0,
  payloadLength: 0,
};

/** The view's data fields as a plain object. */
export function viewFields(view: PacketView): ViewFields {
  return { ...view } as ViewFields;
}

/** Every field equals `expected` where given, else its reset value. */
export function expectView(view: PacketView, expected: Partial<ViewFields>): void {
  expect(viewFields(view)).toEqual({ ...VIEW_DEFAULTS, ...expected });
}

/**
 * The fields that hold this frame's values after decodeFrame returned
 * `outcome`, by PacketView's reset contract (packet-view.ts): the frame
 * fields and markers always, each layer group when its marker says the frame
 * reached it. Fields outside this list may still hold an earlier frame's values.
 */
export function contractFields(view: PacketView, outcome: number): (keyof ViewFields)[] {
  const f: (keyof ViewFields)[] = [
    'linkType', 'frameOffset', 'capturedLength', 'wireLength', 'truncated',
    'outerIpVersion', 'tunnelType', 'vni', 'innerIpVersion', 'l4Offset',
  ];
  if (view.outerIpVersion !== 0) {
    f.push('outerVlanCount', 'outerVlanId', 'outerEtherType', 'outerL3Offset', 'outerIpLength', 'outerL4Offset');
    if (view.outerIpVersion === 4) f.push('outerSrc4', 'outerDst4');
  }
  if (view.tunnelType !== 0) {
    f.push('outerSrcPort', 'outerDstPort', 'outerUdpLength', 'tunnelOffset', 'tunnelPayload', 'tunnelDepth');
    f.push('outerTunnelType', 'outerVni', 'innerL2Offset', 'innerL2Length');
    if (view.tunnelType === 2) f.push('geneveFlags', 'geneveOptionsLength', 'geneveOptionCount');
    else f.push('vxlanFlags', 'reservedNonZero');
    if (view.innerIpVersion !== 0 || outcome === 0) f.push('innerVlanCount', 'innerEtherType', 'innerL3Offset');
  }
  if (view.innerIpVersion !== 0) {
    f.push('innerIpLength', 'innerIpHeaderLength', 'innerProto', 'innerIpId', 'innerFragment', 'innerFragmentOffset');
    if (view.innerIpVersion === 4) f.push('innerSrc4', 'innerDst4');
    else f.push('innerSrc6a', 'innerSrc6b', 'innerSrc6c', 'innerSrc6d', 'innerDst6a', 'innerDst6b', 'innerDst6c', 'innerDst6d');
    if (outcome === 0) f.push('payloadOffset', 'payloadLength');
  }
  if (view.l4Offset !== 0) {
    const p = view.innerProto;
    if (p === 6 || p === 17) f.push('srcPort', 'dstPort');
    if (p === 6) {
      f.push('tcpSeq', 'tcpAck', 'tcpFlags', 'tcpWindow', 'tcpHeaderLength', 'tcpMss', 'tcpWindowScale');
      f.push('tcpSackPermitted', 'tcpHasTimestamp', 'tcpTsVal', 'tcpTsEcr');
    }
    if (p === 1 || p === 58) f.push('icmpType', 'icmpCode', 'icmpId');
    if (p === 1 || p === 58 || p === 17) f.push('l4Checksum');
  }
  return f;
}
