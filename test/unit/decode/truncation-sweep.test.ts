/**
 * Every prefix of every valid fixture (capturedLength 0..n, wireLength n)
 * gives exactly the outcome in its table and never throws (smoltcp and
 * etherparse test their parsers this way; DESIGN.md §7).
 *
 * The tables come from the offsets annotated in fixtures.ts: a layer whose
 * header spans [a, b) fails with its `too_short` reason for every prefix
 * length in [a, b - 1]. `attributedFrom` is where the VXLAN header ends:
 * from that length on the frame belongs to VNI 16398363.
 */
import { describe, expect, it } from 'vitest';
import { LinkType } from '../../../src/capture/frame-source.js';
import { decodeFrame } from '../../../src/decode/decoder.js';
import { makeDecoderConfig } from '../../../src/decode/decoder-config.js';
import { OUTCOME_NAMES, Outcome } from '../../../src/decode/outcome.js';
import { PacketView, Tunnel } from '../../../src/decode/packet-view.js';
import * as F from './fixtures.js';
import type { ViewFields } from './view-helpers.js';

const O = Outcome;
type Row = [from: number, to: number, outcome: number];

interface Case {
  name: string;
  frame: Buffer;
  linkType: number;
  table: Row[];
  attributedFrom: number;
  /** Fields every decoded prefix must show (they come from length fields, not from the bytes present). */
  decoded: Partial<ViewFields>;
  /** Extra per-prefix checks. */
  check?: (n: number, view: PacketView) => void;
}

/** Rows shared by the AWS-style Ethernet fixtures up to the inner Ethernet header. */
const ETH_OUTER: Row[] = [
  [0, 13, O.ETH_TOO_SHORT], // outer Ethernet 0..13
  [14, 33, O.IPV4_TOO_SHORT], // outer IPv4 14..33
  [34, 41, O.UDP_TOO_SHORT], // UDP 34..41
  [42, 49, O.VXLAN_TOO_SHORT], // VXLAN 42..49
  [50, 63, O.INNER_ETH_TOO_SHORT], // inner Ethernet 50..63
];

const cases: Case[] = [
  {
    name: 'AWS_TCP_SYN',
    frame: F.AWS_TCP_SYN,
    linkType: LinkType.ETHERNET,
    table: [...ETH_OUTER, [64, 83, O.INNER_IPV4_TOO_SHORT], [84, 103, O.INNER_TCP_TOO_SHORT], [104, 124, O.DECODED]],
    attributedFrom: 50,
    decoded: { innerIpLength: 60, tcpHeaderLength: 40, payloadOffset: 124, payloadLength: 0, srcPort: 50000, tcpSeq: 0x0a1b2c3d },
    check: (n, v) => {
      if (n < 104) return;
      // options: MSS 104..107, SACK-permitted 108..109, timestamps 110..119, NOP 120, window scale 121..123
      expect(v.tcpMss).toBe(n >= 108 ? 1460 : 0);
      expect(v.tcpSackPermitted).toBe(n >= 110);
      expect(v.tcpHasTimestamp).toBe(n >= 120);
      expect(v.tcpTsVal).toBe(n >= 120 ? 0x006b4f1e : 0);
      expect(v.tcpWindowScale).toBe(n >= 124 ? 7 : -1);
    },
  },
  {
    name: 'OUTER_QINQ_UDP',
    frame: F.OUTER_QINQ_UDP,
    linkType: LinkType.ETHERNET,
    table: [
      [0, 13, O.ETH_TOO_SHORT],
      [14, 17, O.ETH_VLAN_TOO_SHORT], // S-tag 14..17
      [18, 21, O.ETH_VLAN_TOO_SHORT], // C-tag 18..21
      [22, 41, O.IPV4_TOO_SHORT],
      [42, 49, O.UDP_TOO_SHORT],
      [50, 57, O.VXLAN_TOO_SHORT],
      [58, 71, O.INNER_ETH_TOO_SHORT],
      [72, 91, O.INNER_IPV4_TOO_SHORT],
      [92, 99, O.INNER_UDP_TOO_SHORT],
      [100, 104, O.DECODED],
    ],
    attributedFrom: 58,
    decoded: { outerVlanCount: 2, outerVlanId: 100, innerIpLength: 32, payloadOffset: 100, payloadLength: 4, dstPort: 53 },
    check: (n, v) => {
      if (n >= 18) expect(v.outerVlanId).toBe(100);
    },
  },
  {
    name: 'INNER_VLAN_UDP',
    frame: F.INNER_VLAN_UDP,
    linkType: LinkType.ETHERNET,
    table: [
      ...ETH_OUTER,
      [64, 67, O.INNER_VLAN_TOO_SHORT], // tag TCI + EtherType 64..67
      [68, 87, O.INNER_IPV4_TOO_SHORT],
      [88, 95, O.INNER_UDP_TOO_SHORT],
      [96, 100, O.DECODED],
    ],
    attributedFrom: 50,
    decoded: { innerVlanCount: 1, innerL3Offset: 68, payloadLength: 4, dstPort: 8080 },
  },
  {
    name: 'INNER_IPV6_HBH_FRAG',
    frame: F.INNER_IPV6_HBH_FRAG,
    linkType: LinkType.ETHERNET,
    table: [
      ...ETH_OUTER,
      [64, 103, O.INNER_IPV6_TOO_SHORT],
      [104, 111, O.INNER_IPV6_EXT_TOO_SHORT], // hop-by-hop
      [112, 119, O.INNER_IPV6_EXT_TOO_SHORT], // fragment header
      [120, 127, O.INNER_UDP_TOO_SHORT],
      [128, 136, O.DECODED],
    ],
    attributedFrom: 50,
    decoded: { innerIpLength: 72, innerIpHeaderLength: 56, innerFragment: true, innerIpId: 0xdeadbeef, payloadLength: 8 },
  },
  {
    name: 'INNER_IPV4_FIRST_FRAGMENT',
    frame: F.INNER_IPV4_FIRST_FRAGMENT,
    linkType: LinkType.ETHERNET,
    table: [...ETH_OUTER, [64, 83, O.INNER_IPV4_TOO_SHORT], [84, 91, O.INNER_UDP_TOO_SHORT], [92, 100, O.DECODED]],
    attributedFrom: 50,
    decoded: { innerFragment: true, innerFragmentOffset: 0, l4Offset: 84, payloadLength: 8 },
  },
  {
    name: 'INNER_IPV4_LAST_FRAGMENT',
    frame: F.INNER_IPV4_LAST_FRAGMENT,
    linkType: LinkType.ETHERNET,
    table: [...ETH_OUTER, [64, 83, O.INNER_IPV4_TOO_SHORT], [84, 96, O.DECODED]],
    attributedFrom: 50,
    decoded: { innerFragmentOffset: 1480, l4Offset: 0, payloadOffset: 84, payloadLength: 12 },
  },
  {
    name: 'AWS_PACKETLENGTH_CUT',
    frame: F.AWS_PACKETLENGTH_CUT,
    linkType: LinkType.ETHERNET,
    table: [...ETH_OUTER, [64, 83, O.INNER_IPV4_TOO_SHORT], [84, 103, O.INNER_TCP_TOO_SHORT], [104, 150, O.DECODED]],
    attributedFrom: 50,
    decoded: { truncated: true, innerIpLength: 1500, tcpHeaderLength: 32, payloadOffset: 116, payloadLength: 1448 },
    check: (n, v) => {
      // NOP NOP at 104..105, timestamps 106..115
      if (n >= 104) expect(v.tcpHasTimestamp).toBe(n >= 116);
      // the inner IP says 1500 bytes: truncated at every length, even the whole frame
      expect(v.truncated).toBe(true);
    },
  },
  {
    name: 'INNER_PADDED_WITH_FCS',
    frame: F.INNER_PADDED_WITH_FCS,
    linkType: LinkType.ETHERNET,
    table: [...ETH_OUTER, [64, 83, O.INNER_IPV4_TOO_SHORT], [84, 103, O.INNER_TCP_TOO_SHORT], [104, 114, O.DECODED]],
    attributedFrom: 50,
    decoded: { innerIpLength: 40, payloadOffset: 104, payloadLength: 0 },
  },
  {
    name: 'INNER_ARP',
    frame: F.INNER_ARP,
    linkType: LinkType.ETHERNET,
    table: [...ETH_OUTER, [64, 92, O.DECODED]],
    attributedFrom: 50,
    decoded: { innerEtherType: 0x0806, innerIpVersion: 0 },
  },
  {
    name: 'INNER_ICMP_ECHO',
    frame: F.INNER_ICMP_ECHO,
    linkType: LinkType.ETHERNET,
    table: [...ETH_OUTER, [64, 83, O.INNER_IPV4_TOO_SHORT], [84, 87, O.INNER_ICMP_TOO_SHORT], [88, 96, O.DECODED]],
    attributedFrom: 50,
    decoded: { icmpType: 8, icmpCode: 0, payloadLength: 4 }, // the data 'ping' after the 8-byte echo header
  },
  {
    name: 'INNER_ICMPV6_ECHO',
    frame: F.INNER_ICMPV6_ECHO,
    linkType: LinkType.ETHERNET,
    table: [...ETH_OUTER, [64, 103, O.INNER_IPV6_TOO_SHORT], [104, 107, O.INNER_ICMP_TOO_SHORT], [108, 112, O.DECODED]],
    attributedFrom: 50,
    decoded: { icmpType: 128, payloadLength: 0 }, // an echo of 8 bytes, no data
  },
  {
    name: 'AWS_TCP_SYN_SLL (113)',
    frame: F.AWS_TCP_SYN_SLL,
    linkType: LinkType.LINUX_SLL,
    table: [
      [0, 15, O.SLL_TOO_SHORT],
      [16, 35, O.IPV4_TOO_SHORT],
      [36, 43, O.UDP_TOO_SHORT],
      [44, 51, O.VXLAN_TOO_SHORT],
      [52, 65, O.INNER_ETH_TOO_SHORT],
      [66, 85, O.INNER_IPV4_TOO_SHORT],
      [86, 105, O.INNER_TCP_TOO_SHORT],
      [106, 126, O.DECODED],
    ],
    attributedFrom: 52,
    decoded: { innerIpLength: 60, l4Offset: 86 },
  },
  {
    name: 'AWS_TCP_SYN_SLL2 (276)',
    frame: F.AWS_TCP_SYN_SLL2,
    linkType: LinkType.LINUX_SLL2,
    table: [
      [0, 19, O.SLL2_TOO_SHORT],
      [20, 39, O.IPV4_TOO_SHORT],
      [40, 47, O.UDP_TOO_SHORT],
      [48, 55, O.VXLAN_TOO_SHORT],
      [56, 69, O.INNER_ETH_TOO_SHORT],
      [70, 89, O.INNER_IPV4_TOO_SHORT],
      [90, 109, O.INNER_TCP_TOO_SHORT],
      [110, 130, O.DECODED],
    ],
    attributedFrom: 56,
    decoded: { innerIpLength: 60, l4Offset: 90 },
  },
  {
    name: 'AWS_TCP_SYN_RAW_IPV4 (228)',
    frame: F.AWS_TCP_SYN_RAW_IPV4,
    linkType: LinkType.IPV4,
    table: [
      [0, 19, O.IPV4_TOO_SHORT],
      [20, 27, O.UDP_TOO_SHORT],
      [28, 35, O.VXLAN_TOO_SHORT],
      [36, 49, O.INNER_ETH_TOO_SHORT],
      [50, 69, O.INNER_IPV4_TOO_SHORT],
      [70, 89, O.INNER_TCP_TOO_SHORT],
      [90, 110, O.DECODED],
    ],
    attributedFrom: 36,
    decoded: { innerIpLength: 60, l4Offset: 70 },
  },
  {
    name: 'AWS_TCP_SYN_RAW_IPV4 (101)',
    frame: F.AWS_TCP_SYN_RAW_IPV4,
    linkType: LinkType.RAW,
    table: [
      [0, 0, O.RAW_IP_BAD_VERSION], // no version nibble at all
      [1, 19, O.IPV4_TOO_SHORT],
      [20, 27, O.UDP_TOO_SHORT],
      [28, 35, O.VXLAN_TOO_SHORT],
      [36, 49, O.INNER_ETH_TOO_SHORT],
      [50, 69, O.INNER_IPV4_TOO_SHORT],
      [70, 89, O.INNER_TCP_TOO_SHORT],
      [90, 110, O.DECODED],
    ],
    attributedFrom: 36,
    decoded: { innerIpLength: 60, l4Offset: 70 },
  },
  {
    name: 'RAW_IPV6_CARRIER (229)',
    frame: F.RAW_IPV6_CARRIER,
    linkType: LinkType.IPV6,
    table: [
      [0, 39, O.IPV6_TOO_SHORT],
      [40, 47, O.UDP_TOO_SHORT],
      [48, 55, O.VXLAN_TOO_SHORT],
      [56, 69, O.INNER_ETH_TOO_SHORT],
      [70, 89, O.INNER_IPV4_TOO_SHORT],
      [90, 97, O.INNER_UDP_TOO_SHORT],
      [98, 102, O.DECODED],
    ],
    attributedFrom: 56,
    decoded: { outerIpVersion: 6, outerIpLength: 102, innerIpLength: 32, payloadLength: 4 },
  },
];

const config = makeDecoderConfig();

describe('truncation sweep: every prefix of every fixture', () => {
  for (const c of cases) {
    it(c.name, () => {
      const n = c.frame.length;
      // the table itself must cover 0..n without gaps or overlaps
      expect(c.table[0][0]).toBe(0);
      expect(c.table[c.table.length - 1][1]).toBe(n);
      for (let i = 1; i < c.table.length; i++) expect(c.table[i][0]).toBe(c.table[i - 1][1] + 1);

      const view = new PacketView();
      for (const [from, to, expected] of c.table) {
        for (let len = from; len <= to; len++) {
          // a fresh copy of exactly `len` bytes, so nothing past the prefix exists to be read
          const prefix = Buffer.from(c.frame.subarray(0, len));
          let outcome = -1;
          expect(() => {
            outcome = decodeFrame(prefix, 0, len, n, c.linkType, view, config);
          }, `${c.name} prefix ${len}`).not.toThrow();
          expect(OUTCOME_NAMES[outcome], `${c.name} prefix ${len}`).toBe(OUTCOME_NAMES[expected]);
          expect(view.tunnelType, `${c.name} prefix ${len}: attribution`).toBe(
            len >= c.attributedFrom ? Tunnel.VXLAN : Tunnel.NONE,
          );
          if (len >= c.attributedFrom) expect(view.vni).toBe(16398363);
          if (len < n) expect(view.truncated, `${c.name} prefix ${len}`).toBe(true);
          if (outcome === Outcome.DECODED) {
            for (const [k, v] of Object.entries(c.decoded)) {
              expect((view as unknown as Record<string, unknown>)[k], `${c.name} prefix ${len}: ${k}`).toBe(v);
            }
          }
          c.check?.(len, view);
        }
      }
    });
  }

  it('the same prefixes inside a larger buffer (bytes after the prefix present) give the same outcomes', () => {
    for (const c of cases) {
      const view = new PacketView();
      const n = c.frame.length;
      for (const [from, to, expected] of c.table) {
        for (let len = from; len <= to; len++) {
          expect(decodeFrame(c.frame, 0, len, n, c.linkType, view, config), `${c.name} prefix ${len}`).toBe(expected);
        }
      }
    }
  });
});
