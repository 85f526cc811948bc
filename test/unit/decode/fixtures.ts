/**
 * Whole frames written by hand, header by header, for decoder.test.ts, the
 * truncation sweep, the property tests and the allocation check.
 *
 * Every length field was worked out by hand from the layout and is spelled
 * out beside it. The frames imitate AWS VPC Traffic Mirroring: outer
 * Ethernet / IPv4 10.0.1.25 -> 10.0.2.200 / UDP 54321 -> 4789 (checksum 0) /
 * VXLAN flags 0x08, VNI 16398363 (0xfa381b) / the mirrored frame.
 * IP and TCP checksums are left as 00 00: the decoder never checks them.
 *
 * Offsets quoted in the comments are from the start of the frame.
 */
import { fill, hex } from './hex.js';

// Shared, length-free pieces.
const OUTER_MACS = '02 4a 3c 11 22 33  02 9f 8e 44 55 66'; // dst (mirror target ENI), src
const INNER_MACS = '0e 11 22 33 44 55  0e 66 77 88 99 aa'; // dst, src of the mirrored frame
const VXLAN_AWS = '08 00 00 00  fa 38 1b  00'; // flags I | reserved 24 | VNI 16398363 | reserved 8

/**
 * AWS-style mirror of a TCP SYN with MSS, SACK-permitted, timestamps, NOP,
 * window scale (Linux's option order). 124 bytes.
 *   0 outer Ethernet | 14 outer IPv4 | 34 UDP | 42 VXLAN | 50 inner Ethernet |
 *   64 inner IPv4 | 84 TCP (40 bytes: 20 fixed + 20 options) | 124 end
 */
export const AWS_TCP_SYN = hex(
  // ---- outer Ethernet @0 ----
  OUTER_MACS,
  '08 00', // EtherType IPv4
  // ---- outer IPv4 @14 ----
  '45', // version 4, IHL 5 (20 bytes)
  '00', // DSCP/ECN
  '00 6e', // total length 110 = 20 IP + 8 UDP + 8 VXLAN + 74 inner frame
  '1a 2b', // identification
  '40 00', // flags DF, fragment offset 0
  '40', // TTL 64
  '11', // protocol 17 UDP
  '00 00', // header checksum (not checked)
  '0a 00 01 19', // source 10.0.1.25
  '0a 00 02 c8', // destination 10.0.2.200
  // ---- outer UDP @34 ----
  'd4 31', // source port 54321 (AWS derives it from a flow hash)
  '12 b5', // destination port 4789
  '00 5a', // length 90 = 8 UDP + 8 VXLAN + 74
  '00 00', // checksum 0 (none)
  // ---- VXLAN @42 ----
  VXLAN_AWS,
  // ---- inner Ethernet @50 ----
  INNER_MACS,
  '08 00', // EtherType IPv4
  // ---- inner IPv4 @64 ----
  '45', // version 4, IHL 5
  '00', // DSCP/ECN
  '00 3c', // total length 60 = 20 IP + 40 TCP
  '12 34', // identification 0x1234
  '40 00', // DF, offset 0
  '40', // TTL 64
  '06', // protocol TCP
  '00 00', // checksum
  'ac 1f 05 0a', // source 172.31.5.10
  'ac 1f 09 14', // destination 172.31.9.20
  // ---- inner TCP @84 ----
  'c3 50', // source port 50000
  '01 bb', // destination port 443
  '0a 1b 2c 3d', // sequence number 0x0a1b2c3d
  '00 00 00 00', // acknowledgment 0
  'a0', // data offset 10 (40 bytes), reserved 0
  '02', // flags SYN
  'fa f0', // window 64240
  '00 00', // checksum
  '00 00', // urgent pointer
  '02 04 05 b4', // @104 MSS, length 4, 1460
  '04 02', // @108 SACK permitted, length 2
  '08 0a 00 6b 4f 1e 00 00 00 00', // @110 timestamps, length 10, TSval 0x006b4f1e, TSecr 0
  '01', // @120 NOP
  '03 03 07', // @121 window scale, length 3, shift 7
);

/**
 * Outer QinQ: 802.1ad S-tag VID 100 then 802.1Q C-tag PCP 1 VID 200; inner
 * IPv4/UDP with 4 payload bytes. 104 bytes.
 *   0 Ethernet | 14 S-tag | 18 C-tag | 22 outer IPv4 | 42 UDP | 50 VXLAN |
 *   58 inner Ethernet | 72 inner IPv4 | 92 inner UDP | 100 payload | 104 end
 */
export const OUTER_QINQ_UDP = hex(
  OUTER_MACS,
  '88 a8', // TPID 802.1ad
  '00 64', // TCI: PCP 0, DEI 0, VID 100
  '81 00', // TPID 802.1Q
  '20 c8', // TCI: PCP 1, DEI 0, VID 200
  '08 00', // EtherType IPv4
  // ---- outer IPv4 @22 ----
  '45 00',
  '00 52', // total length 82 = 20 + 8 + 8 + 46
  '1a 2c 40 00 40 11 00 00', // id, DF, TTL 64, UDP, checksum
  '0a 00 01 19', // 10.0.1.25
  '0a 00 02 c8', // 10.0.2.200
  // ---- outer UDP @42 ----
  'd4 32', // source port 54322
  '12 b5', // 4789
  '00 3e', // length 62 = 8 + 8 + 46
  '00 00',
  // ---- VXLAN @50 ----
  VXLAN_AWS,
  // ---- inner Ethernet @58 ----
  INNER_MACS,
  '08 00',
  // ---- inner IPv4 @72 ----
  '45 00',
  '00 20', // total length 32 = 20 + 8 UDP + 4 data
  '00 01 00 00 40 11 00 00', // id 1, no flags, TTL 64, UDP, checksum
  '0a 01 01 01', // 10.1.1.1
  '0a 01 01 02', // 10.1.1.2
  // ---- inner UDP @92 ----
  '14 e9', // source port 5353
  '00 35', // destination port 53
  '00 0c', // length 12
  '00 00', // checksum
  '61 62 63 64', // @100 payload "abcd"
);

/**
 * Inner 802.1Q tag (PCP 5, VID 42) on the mirrored frame; inner IPv4/UDP.
 * 100 bytes.
 *   0 Ethernet | 14 IPv4 | 34 UDP | 42 VXLAN | 50 inner Ethernet | 62 tag TCI |
 *   68 inner IPv4 | 88 inner UDP | 96 payload | 100 end
 */
export const INNER_VLAN_UDP = hex(
  OUTER_MACS,
  '08 00',
  '45 00',
  '00 56', // total length 86 = 20 + 8 + 8 + 50
  '1a 2d 40 00 40 11 00 00',
  '0a 00 01 19 0a 00 02 c8',
  'd4 33 12 b5', // ports 54323 -> 4789
  '00 42', // UDP length 66 = 8 + 8 + 50
  '00 00',
  VXLAN_AWS,
  // ---- inner Ethernet @50 ----
  INNER_MACS,
  '81 00', // @62 TPID 802.1Q
  'a0 2a', // @64 TCI: PCP 5, DEI 0, VID 42
  '08 00', // @66 EtherType IPv4
  // ---- inner IPv4 @68 ----
  '45 00',
  '00 20', // total length 32
  '00 02 00 00 40 11 00 00',
  'c0 a8 0a 01', // 192.168.10.1
  'c0 a8 0a 02', // 192.168.10.2
  // ---- inner UDP @88 ----
  '30 39', // source port 12345
  '1f 90', // destination port 8080
  '00 0c', // length 12
  '00 00',
  'de ad be ef', // @96 payload
);

/**
 * Inner IPv6 first fragment behind a hop-by-hop header: IPv6 / HBH (PadN) /
 * fragment (offset 0, M=1, id 0xdeadbeef) / UDP / 8 data bytes. 136 bytes.
 *   0 Ethernet | 14 IPv4 | 34 UDP | 42 VXLAN | 50 inner Ethernet | 64 inner IPv6 |
 *   104 hop-by-hop | 112 fragment | 120 inner UDP | 128 data | 136 end
 */
export const INNER_IPV6_HBH_FRAG = hex(
  OUTER_MACS,
  '08 00',
  '45 00',
  '00 7a', // total length 122 = 20 + 8 + 8 + 86
  '1a 2e 40 00 40 11 00 00',
  '0a 00 01 19 0a 00 02 c8',
  'd4 34 12 b5', // ports 54324 -> 4789
  '00 66', // UDP length 102 = 8 + 8 + 86
  '00 00',
  VXLAN_AWS,
  // ---- inner Ethernet @50 ----
  INNER_MACS,
  '86 dd', // EtherType IPv6
  // ---- inner IPv6 @64 ----
  '60 00 00 00', // version 6, traffic class 0, flow label 0
  '00 20', // payload length 32 = 8 HBH + 8 fragment + 8 UDP + 8 data
  '00', // next header: hop-by-hop
  '40', // hop limit 64
  '20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01', // source 2001:db8::1
  '20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 02', // destination 2001:db8::2
  // ---- hop-by-hop @104 ----
  '2c', // next header 44 (fragment)
  '00', // length 0 -> 8 bytes
  '01 04 00 00 00 00', // PadN option, 4 bytes of padding
  // ---- fragment header @112 ----
  '11', // next header 17 (UDP)
  '00', // reserved
  '00 01', // fragment offset 0, M = 1
  'de ad be ef', // identification
  // ---- inner UDP @120 ----
  '30 39', // source port 12345
  '00 35', // destination port 53
  '05 d0', // length 1488 (of the whole datagram)
  '00 00',
  '11 22 33 44 55 66 77 88', // @128 data
);

/**
 * Inner IPv4 first fragment (MF=1, offset 0): UDP header + 8 data bytes. 100 bytes.
 *   0 .. 50 outer as AWS_TCP_SYN | 50 inner Ethernet | 64 inner IPv4 | 84 UDP | 92 data | 100 end
 */
export const INNER_IPV4_FIRST_FRAGMENT = hex(
  OUTER_MACS,
  '08 00',
  '45 00',
  '00 56', // total length 86 = 20 + 8 + 8 + 50
  '1a 2f 40 00 40 11 00 00',
  '0a 00 01 19 0a 00 02 c8',
  'd4 35 12 b5',
  '00 42', // UDP length 66 = 8 + 8 + 50
  '00 00',
  VXLAN_AWS,
  INNER_MACS,
  '08 00',
  // ---- inner IPv4 @64 ----
  '45 00',
  '00 24', // total length 36 = 20 + 8 UDP + 8 data
  'ab cd', // identification 0xabcd
  '20 00', // MF set, offset 0
  '40 11 00 00', // TTL, UDP, checksum
  'c0 a8 00 01', // 192.168.0.1
  'c0 a8 00 02', // 192.168.0.2
  // ---- inner UDP @84 ----
  '04 d2', // source port 1234
  '16 2e', // destination port 5678
  '0f a0', // length 4000 (whole datagram)
  '00 00',
  '01 02 03 04 05 06 07 08', // @92 data
);

/**
 * Inner IPv4 last fragment (MF=0, offset 185 units = 1480 bytes): 12 data
 * bytes, no L4 header. 96 bytes.
 *   50 inner Ethernet | 64 inner IPv4 | 84 fragment data | 96 end
 */
export const INNER_IPV4_LAST_FRAGMENT = hex(
  OUTER_MACS,
  '08 00',
  '45 00',
  '00 52', // total length 82 = 20 + 8 + 8 + 46
  '1a 30 40 00 40 11 00 00',
  '0a 00 01 19 0a 00 02 c8',
  'd4 35 12 b5',
  '00 3e', // UDP length 62 = 8 + 8 + 46
  '00 00',
  VXLAN_AWS,
  INNER_MACS,
  '08 00',
  // ---- inner IPv4 @64 ----
  '45 00',
  '00 20', // total length 32 = 20 + 12 data
  'ab cd', // identification 0xabcd
  '00 b9', // MF clear, offset 185 (x 8 = 1480 bytes)
  '40 11 00 00',
  'c0 a8 00 01',
  'c0 a8 00 02',
  '09 0a 0b 0c 0d 0e 0f 10 11 12 13 14', // @84 fragment data
);

/**
 * The mirror session's PacketLength cut the mirrored frame to 100 bytes: the
 * inner IPv4 total length says 1500 but only 86 IP bytes follow. The outer
 * frame is whole and consistent (capturedLength = wireLength = 150).
 *   50 inner Ethernet | 64 inner IPv4 | 84 TCP (32 bytes: NOP NOP timestamps) |
 *   116 the first 34 payload bytes | 150 end
 */
export const AWS_PACKETLENGTH_CUT = hex(
  OUTER_MACS,
  '08 00',
  '45 00',
  '00 88', // total length 136 = 20 + 8 + 8 + 100
  '1a 31 40 00 40 11 00 00',
  '0a 00 01 19 0a 00 02 c8',
  'd4 31 12 b5',
  '00 74', // UDP length 116 = 8 + 8 + 100
  '00 00',
  VXLAN_AWS,
  INNER_MACS,
  '08 00',
  // ---- inner IPv4 @64 ----
  '45 00',
  '05 dc', // total length 1500 (as sent; only 86 bytes of it are here)
  '12 35 40 00 40 06 00 00', // id 0x1235, DF, TTL 64, TCP
  'ac 1f 05 0a', // 172.31.5.10
  'ac 1f 09 14', // 172.31.9.20
  // ---- inner TCP @84 ----
  'c3 50 01 bb', // 50000 -> 443
  '0a 1b 2c 3e', // sequence 0x0a1b2c3e
  '77 66 55 44', // acknowledgment 0x77665544
  '80', // data offset 8 (32 bytes)
  '18', // flags PSH|ACK
  '01 f5', // window 501
  '00 00 00 00', // checksum, urgent
  '01 01', // @104 NOP NOP
  '08 0a 00 6b 4f 30 9a bc de f0', // @106 timestamps TSval 0x006b4f30, TSecr 0x9abcdef0
  fill(34, 0x41), // @116 34 of the 1448 payload bytes
);

/**
 * A 54-byte inner TCP ACK padded to the 60-byte Ethernet minimum, and the
 * outer frame followed by its 4-byte FCS (some captures keep it). Neither
 * the padding nor the FCS is payload. 114 bytes.
 *   50 inner Ethernet | 64 inner IPv4 (total 40) | 84 TCP (20) | 104 padding (6) |
 *   110 outer FCS (4) | 114 end
 */
export const INNER_PADDED_WITH_FCS = hex(
  OUTER_MACS,
  '08 00',
  '45 00',
  '00 60', // total length 96 = 20 + 8 + 8 + 60 (inner frame with its padding)
  '1a 32 40 00 40 11 00 00',
  '0a 00 01 19 0a 00 02 c8',
  'd4 31 12 b5',
  '00 4c', // UDP length 76 = 8 + 8 + 60
  '00 00',
  VXLAN_AWS,
  INNER_MACS,
  '08 00',
  // ---- inner IPv4 @64 ----
  '45 00',
  '00 28', // total length 40 = 20 + 20, no payload
  '12 36 40 00 40 06 00 00',
  'ac 1f 09 14', // 172.31.9.20
  'ac 1f 05 0a', // 172.31.5.10
  // ---- inner TCP @84 ----
  '01 bb c3 50', // 443 -> 50000
  '0b 00 00 01', // sequence 0x0b000001
  '0a 1b 2c 3e', // acknowledgment 0x0a1b2c3e
  '50', // data offset 5
  '10', // flags ACK
  '01 f6', // window 502
  '00 00 00 00', // checksum, urgent
  '00 00 00 00 00 00', // @104 Ethernet padding to 60 bytes
  'c0 ff ee 11', // @110 outer FCS
);

/**
 * ARP request inside the tunnel: decoded, with no inner IP. 92 bytes.
 *   50 inner Ethernet | 64 ARP (28) | 92 end
 */
export const INNER_ARP = hex(
  OUTER_MACS,
  '08 00',
  '45 00',
  '00 4e', // total length 78 = 20 + 8 + 8 + 42
  '1a 33 40 00 40 11 00 00',
  '0a 00 01 19 0a 00 02 c8',
  'd4 31 12 b5',
  '00 3a', // UDP length 58 = 8 + 8 + 42
  '00 00',
  VXLAN_AWS,
  'ff ff ff ff ff ff', // destination broadcast
  '0e 66 77 88 99 aa', // source
  '08 06', // EtherType ARP
  // ---- ARP @64 ----
  '00 01 08 00 06 04', // Ethernet, IPv4, hlen 6, plen 4
  '00 01', // request
  '0e 66 77 88 99 aa ac 1f 05 0a', // sender MAC, 172.31.5.10
  '00 00 00 00 00 00 ac 1f 05 01', // target MAC, 172.31.5.1
);

/**
 * ICMP echo request inside the tunnel. 96 bytes.
 *   64 inner IPv4 | 84 ICMP (type 8, code 0) | 88 id/seq + data | 96 end
 */
export const INNER_ICMP_ECHO = hex(
  OUTER_MACS,
  '08 00',
  '45 00',
  '00 52', // total length 82 = 20 + 8 + 8 + 46
  '1a 34 40 00 40 11 00 00',
  '0a 00 01 19 0a 00 02 c8',
  'd4 31 12 b5',
  '00 3e', // UDP length 62
  '00 00',
  VXLAN_AWS,
  INNER_MACS,
  '08 00',
  // ---- inner IPv4 @64 ----
  '45 00',
  '00 20', // total length 32 = 20 + 12 ICMP
  '00 07 00 00 40 01 00 00', // id 7, TTL 64, protocol 1 ICMP
  'ac 1f 05 0a',
  'ac 1f 05 01',
  // ---- ICMP @84 ----
  '08', // type 8 echo request
  '00', // code 0
  '00 00', // checksum
  '00 01 00 07', // identifier 1, sequence 7
  '70 69 6e 67', // data "ping"
);

/**
 * ICMPv6 echo request inside the tunnel. 112 bytes.
 *   64 inner IPv6 | 104 ICMPv6 (type 128, code 0) | 108 id/seq | 112 end
 */
export const INNER_ICMPV6_ECHO = hex(
  OUTER_MACS,
  '08 00',
  '45 00',
  '00 62', // total length 98 = 20 + 8 + 8 + 62
  '1a 35 40 00 40 11 00 00',
  '0a 00 01 19 0a 00 02 c8',
  'd4 31 12 b5',
  '00 4e', // UDP length 78 = 8 + 8 + 62
  '00 00',
  VXLAN_AWS,
  INNER_MACS,
  '86 dd',
  // ---- inner IPv6 @64 ----
  '60 00 00 00',
  '00 08', // payload length 8
  '3a', // next header 58 ICMPv6
  'ff', // hop limit 255
  'fe 80 00 00 00 00 00 00 0c 66 77 ff fe 88 99 aa', // fe80::c66:77ff:fe88:99aa
  'fe 80 00 00 00 00 00 00 0c 11 22 ff fe 33 44 55', // fe80::c11:22ff:fe33:4455
  // ---- ICMPv6 @104 ----
  '80', // type 128 echo request
  '00', // code 0
  '00 00', // checksum
  '00 2a 00 01', // identifier 42, sequence 1
);

/** Linux cooked v1 header (16 bytes) for an IPv4 frame received from 02:9f:8e:44:55:66. */
const SLL_V1_HEADER = hex(
  '00 00', // packet type 0: to us
  '00 01', // ARPHRD_ETHER
  '00 06', // address length 6
  '02 9f 8e 44 55 66 00 00', // address, padded to 8
  '08 00', // @14 protocol IPv4
);

/** Linux cooked v2 header (20 bytes). */
const SLL_V2_HEADER = hex(
  '08 00', // @0 protocol IPv4
  '00 00', // reserved
  '00 00 00 02', // interface index 2
  '00 01', // ARPHRD_ETHER
  '00', // packet type 0: to us
  '06', // address length 6
  '02 9f 8e 44 55 66 00 00', // address, padded to 8
);

/** AWS_TCP_SYN without its outer Ethernet header: IPv4 first (110 bytes). */
export const AWS_TCP_SYN_RAW_IPV4 = AWS_TCP_SYN.subarray(14);

/** AWS_TCP_SYN behind a Linux cooked v1 header (126 bytes; everything 2 bytes later). */
export const AWS_TCP_SYN_SLL = Buffer.concat([SLL_V1_HEADER, AWS_TCP_SYN_RAW_IPV4]);

/** AWS_TCP_SYN behind a Linux cooked v2 header (130 bytes; everything 6 bytes later). */
export const AWS_TCP_SYN_SLL2 = Buffer.concat([SLL_V2_HEADER, AWS_TCP_SYN_RAW_IPV4]);

/**
 * Outer IPv6 carrier as raw IP (link types 229 / 101): IPv6 fd00::10 ->
 * fd00::20 / UDP / VXLAN / inner IPv4 UDP. 102 bytes.
 *   0 outer IPv6 | 40 UDP | 48 VXLAN | 56 inner Ethernet | 70 inner IPv4 |
 *   90 inner UDP | 98 payload | 102 end
 */
export const RAW_IPV6_CARRIER = hex(
  '60 00 00 00', // version 6
  '00 3e', // payload length 62 = 8 UDP + 8 VXLAN + 46
  '11', // next header UDP
  '40', // hop limit 64
  'fd 00 00 00 00 00 00 00 00 00 00 00 00 00 00 10', // fd00::10
  'fd 00 00 00 00 00 00 00 00 00 00 00 00 00 00 20', // fd00::20
  // ---- UDP @40 ----
  'd4 36', // source port 54326
  '12 b5', // 4789
  '00 3e', // length 62
  '00 00',
  VXLAN_AWS,
  // ---- inner Ethernet @56 ----
  INNER_MACS,
  '08 00',
  // ---- inner IPv4 @70 ----
  '45 00',
  '00 20', // total length 32
  '00 03 00 00 40 11 00 00',
  '0a 01 01 01', // 10.1.1.1
  '0a 01 01 02', // 10.1.1.2
  // ---- inner UDP @90 ----
  '14 e9 00 35', // 5353 -> 53
  '00 0c 00 00', // length 12, checksum
  '61 62 63 64', // @98 payload
);
