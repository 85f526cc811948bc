/**
 * Frame outcomes: every frame ends as exactly one of these.
 *
 * The numeric code indexes counter arrays (Arkime's way: one slot per result
 * code, folded into totals at read time). The name becomes a Prometheus label
 * value and a JSON key, so this list is APPEND-ONLY: never reorder, rename or
 * remove an entry; add new reasons at the end.
 *
 * Names are `<layer>_<problem>`; layers inside the tunnel carry `inner_`.
 */
export const OUTCOME_NAMES = [
  'decoded', //                      0  every header parsed (possibly flagged truncated)
  'link_type_unsupported', //        1  capture link type we do not decode
  'eth_too_short', //                2  fewer than 14 bytes of Ethernet header
  'eth_vlan_too_short', //           3  802.1Q/802.1ad tag cut off
  'eth_too_many_vlans', //           4  more than two stacked VLAN tags
  'eth_not_ip', //                   5  outer EtherType is neither IPv4 nor IPv6 (ARP, LLDP...)
  'sll_too_short', //                6  Linux cooked v1 header (16 bytes) cut off
  'sll2_too_short', //               7  Linux cooked v2 header (20 bytes) cut off
  'raw_ip_bad_version', //           8  raw-IP link whose first nibble is not 4 or 6
  'ipv4_too_short', //               9  fewer than 20 bytes of outer IPv4 header
  'ipv4_bad_version', //            10  EtherType says IPv4, version nibble disagrees
  'ipv4_bad_header_length', //      11  IHL < 5 or header longer than captured
  'ipv4_bad_total_length', //       12  total length < header length (includes BIG TCP's 0)
  'ipv4_fragment', //               13  outer IPv4 fragment (we do not reassemble)
  'ipv6_too_short', //              14  fewer than 40 bytes of outer IPv6 header
  'ipv6_bad_version', //            15  EtherType says IPv6, version nibble disagrees
  'ipv6_ext_too_short', //          16  an outer extension header runs past the data
  'ipv6_fragment', //               17  outer IPv6 fragment header (not an atomic fragment)
  'ip_not_udp', //                  18  outer IP carries something other than UDP (TCP, ICMP, GRE...)
  'udp_too_short', //               19  fewer than 8 bytes of outer UDP header
  'udp_bad_length', //              20  UDP length < 8 or beyond the IP payload
  'udp_not_tunnel_port', //         21  destination port is not a configured tunnel port
  'vxlan_too_short', //             22  fewer than 8 bytes of VXLAN header
  'vxlan_i_flag_unset', //          23  RFC 7348: I flag must be 1 for a valid VNI
  'vxlan_reserved_nonzero', //      24  reserved bits set under the `strict` policy
  'inner_eth_too_short', //         25  inner Ethernet header cut off
  'inner_vlan_too_short', //        26  inner VLAN tag cut off
  'inner_eth_too_many_vlans', //    27  more than two inner VLAN tags
  'inner_ipv4_too_short', //        28  inner IPv4 header cut off
  'inner_ipv4_bad_version', //      29  inner EtherType IPv4, version nibble disagrees
  'inner_ipv4_bad_header_length', //30  inner IHL < 5
  'inner_ipv4_bad_total_length', // 31  inner total length < header length
  'inner_ipv6_too_short', //        32  inner IPv6 header cut off
  'inner_ipv6_bad_version', //      33  inner EtherType IPv6, version nibble disagrees
  'inner_ipv6_ext_too_short', //    34  inner extension header cut off
  'inner_tcp_too_short', //         35  fewer than 20 bytes of inner TCP header
  'inner_tcp_bad_data_offset', //   36  TCP data offset < 5, or past the segment's IP length
  'inner_udp_too_short', //         37  fewer than 8 bytes of inner UDP header
  'inner_icmp_too_short', //        38  fewer than 4 bytes of inner ICMP/ICMPv6 header
  'internal_error', //              39  an exception escaped the decoder: a bug, counted not thrown
  'tunnel_source_not_allowed', //   40  outer source outside --allow-source (tunnel-allow.ts)
  'tunnel_vni_not_allowed', //      41  VNI outside --allow-vni (tunnel-allow.ts)
  'geneve_too_short', //            42  fewer than 8 bytes of Geneve header
  'geneve_bad_version', //          43  RFC 8926: unknown Geneve version, MUST be dropped
  'geneve_options_too_short', //    44  Opt Len says more option bytes than were carried
  'geneve_bad_option_length', //    45  an option's length runs past the options area
  'geneve_unsupported_protocol', // 46  Geneve protocol type is not Ethernet, IPv4 or IPv6
  'vxlan_gpe_too_short', //         47  fewer than 8 bytes of VXLAN-GPE header
  'vxlan_gpe_bad_version', //       48  VXLAN-GPE version is not 0
  'vxlan_gpe_i_flag_unset', //      49  VXLAN-GPE I flag clear: the VNI is not valid
  'vxlan_gpe_unsupported_protocol', //50 VXLAN-GPE next protocol is not Ethernet, IPv4 or IPv6 (NSH, MPLS...)
  'inner_tunnel_too_deep', //       51  tunnels nested deeper than --max-tunnel-depth
  'mirror_duplicate', //            52  --dedup: the second copy of a double-mirrored packet, counted once
] as const;

export type OutcomeName = (typeof OUTCOME_NAMES)[number];

/**
 * Numeric codes, so the hot path compares numbers, never strings.
 *
 * A `const enum`: tsc replaces every `Outcome.X` with its number. (As a
 * plain object, each use compiled to a module-binding load, a
 * TDZ check, a map check and a field load; the decoder makes a dozen such
 * comparisons per frame, and the extra bytecode also ate into V8's inlining
 * budget.) Code built by other transpilers (vitest's esbuild) sees an
 * ordinary enum object with the same values. test/unit/decode/outcome.test.ts
 * checks that every member's name matches OUTCOME_NAMES at its code.
 */
export const enum Outcome {
  DECODED = 0,
  LINK_TYPE_UNSUPPORTED = 1,
  ETH_TOO_SHORT = 2,
  ETH_VLAN_TOO_SHORT = 3,
  ETH_TOO_MANY_VLANS = 4,
  ETH_NOT_IP = 5,
  SLL_TOO_SHORT = 6,
  SLL2_TOO_SHORT = 7,
  RAW_IP_BAD_VERSION = 8,
  IPV4_TOO_SHORT = 9,
  IPV4_BAD_VERSION = 10,
  IPV4_BAD_HEADER_LENGTH = 11,
  IPV4_BAD_TOTAL_LENGTH = 12,
  IPV4_FRAGMENT = 13,
  IPV6_TOO_SHORT = 14,
  IPV6_BAD_VERSION = 15,
  IPV6_EXT_TOO_SHORT = 16,
  IPV6_FRAGMENT = 17,
  IP_NOT_UDP = 18,
  UDP_TOO_SHORT = 19,
  UDP_BAD_LENGTH = 20,
  UDP_NOT_TUNNEL_PORT = 21,
  VXLAN_TOO_SHORT = 22,
  VXLAN_I_FLAG_UNSET = 23,
  VXLAN_RESERVED_NONZERO = 24,
  INNER_ETH_TOO_SHORT = 25,
  INNER_VLAN_TOO_SHORT = 26,
  INNER_ETH_TOO_MANY_VLANS = 27,
  INNER_IPV4_TOO_SHORT = 28,
  INNER_IPV4_BAD_VERSION = 29,
  INNER_IPV4_BAD_HEADER_LENGTH = 30,
  INNER_IPV4_BAD_TOTAL_LENGTH = 31,
  INNER_IPV6_TOO_SHORT = 32,
  INNER_IPV6_BAD_VERSION = 33,
  INNER_IPV6_EXT_TOO_SHORT = 34,
  INNER_TCP_TOO_SHORT = 35,
  INNER_TCP_BAD_DATA_OFFSET = 36,
  INNER_UDP_TOO_SHORT = 37,
  INNER_ICMP_TOO_SHORT = 38,
  INTERNAL_ERROR = 39,
  TUNNEL_SOURCE_NOT_ALLOWED = 40,
  TUNNEL_VNI_NOT_ALLOWED = 41,
  GENEVE_TOO_SHORT = 42,
  GENEVE_BAD_VERSION = 43,
  GENEVE_OPTIONS_TOO_SHORT = 44,
  GENEVE_BAD_OPTION_LENGTH = 45,
  GENEVE_UNSUPPORTED_PROTOCOL = 46,
  VXLAN_GPE_TOO_SHORT = 47,
  VXLAN_GPE_BAD_VERSION = 48,
  VXLAN_GPE_I_FLAG_UNSET = 49,
  VXLAN_GPE_UNSUPPORTED_PROTOCOL = 50,
  INNER_TUNNEL_TOO_DEEP = 51,
  MIRROR_DUPLICATE = 52,
}

export type OutcomeCode = Outcome;

export const OUTCOME_COUNT = OUTCOME_NAMES.length;
