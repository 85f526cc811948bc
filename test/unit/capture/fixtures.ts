/**
 * Shared capture-file fixtures, byte by byte, with the frames each must yield
 * (worked out by hand from the bytes).
 *
 * Classic pcap (draft-ietf-opsawg-pcap): every PCAP_* file holds the same three records:
 *   R1  ts 1700000000 s (0x6553f100) + 123456 µs (0x0001e240) / 123456789 ns (0x075bcd15)
 *       captured 4, original 60 (0x3c), data de ad be ef
 *   R2  ts 1700000001 s (0x6553f101) + 999999 µs (0x000f423f) / 999999999 ns (0x3b9ac9ff)
 *       captured 6, original 4 (captured > original: delivered as-is), data 01..06
 *   R3  ts 0 + 0, captured 0, original 0 (an empty record)
 *
 * pcapng (draft-ietf-opsawg-pcapng): a little-endian section with three
 * interfaces (10^-6, 10^-9 + 100 s offset, 2^-30) and a big-endian one (10^-3).
 */
import { type Frame, hex } from './helpers.js';

export const PCAP_US_LE = hex(
  'd4 c3 b2 a1', // magic 0xa1b2c3d4 written little-endian: µs
  '02 00', //        major 2
  '04 00', //        minor 4
  '00 00 00 00', //  reserved1 (thiszone)
  '00 00 00 00', //  reserved2 (sigfigs)
  '00 00 04 00', //  snaplen 262144
  '01 00 00 00', //  link type 1 (Ethernet)
  // R1 at 24
  '00 f1 53 65', //  seconds 1700000000
  '40 e2 01 00', //  microseconds 123456
  '04 00 00 00', //  captured length 4
  '3c 00 00 00', //  original length 60
  'de ad be ef', //  data
  // R2 at 44
  '01 f1 53 65', //  seconds 1700000001
  '3f 42 0f 00', //  microseconds 999999
  '06 00 00 00', //  captured length 6
  '04 00 00 00', //  original length 4
  '01 02 03 04 05 06', // data
  // R3 at 66
  '00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00', // ts 0, 0; captured 0; original 0
);

export const PCAP_US_BE = hex(
  'a1 b2 c3 d4', //  magic big-endian: µs
  '00 02', //        major 2
  '00 04', //        minor 4
  '00 00 00 00', //  reserved1
  '00 00 00 00', //  reserved2
  '00 00 ff ff', //  snaplen 65535
  '00 00 00 65', //  link type 101 (raw IP)
  '65 53 f1 00', //  R1 seconds 1700000000
  '00 01 e2 40', //  microseconds 123456
  '00 00 00 04', //  captured 4
  '00 00 00 3c', //  original 60
  'de ad be ef', //  data
  '65 53 f1 01', //  R2 seconds 1700000001
  '00 0f 42 3f', //  microseconds 999999
  '00 00 00 06', //  captured 6
  '00 00 00 04', //  original 4
  '01 02 03 04 05 06', // data
  '00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00', // R3
);

export const PCAP_NS_LE = hex(
  '4d 3c b2 a1', //  magic 0xa1b23c4d written little-endian: ns
  '02 00 04 00', //  version 2.4
  '00 00 00 00 00 00 00 00', // reserved1, reserved2
  '00 00 00 00', //  snaplen 0 (not set: only the 256 KiB limit applies)
  'e4 00 00 00', //  link type 228 (IPv4)
  '00 f1 53 65', //  R1 seconds 1700000000
  '15 cd 5b 07', //  nanoseconds 123456789
  '04 00 00 00', //  captured 4
  '3c 00 00 00', //  original 60
  'de ad be ef',
  '01 f1 53 65', //  R2 seconds 1700000001
  'ff c9 9a 3b', //  nanoseconds 999999999
  '06 00 00 00', //  captured 6
  '04 00 00 00', //  original 4
  '01 02 03 04 05 06',
  '00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00', // R3
);

export const PCAP_NS_BE = hex(
  'a1 b2 3c 4d', //  magic big-endian: ns
  '00 02 00 04', //  version 2.4
  '00 00 00 00 00 00 00 00', // reserved1, reserved2
  '00 04 00 00', //  snaplen 262144
  'f4 00 00 71', //  FCS bits set in the high 16 bits; link type 113 (Linux cooked) in the low 16
  '65 53 f1 00', //  R1 seconds 1700000000
  '07 5b cd 15', //  nanoseconds 123456789
  '00 00 00 04', //  captured 4
  '00 00 00 3c', //  original 60
  'de ad be ef',
  '65 53 f1 01', //  R2 seconds 1700000001
  '3b 9a c9 ff', //  nanoseconds 999999999
  '00 00 00 06', //  captured 6
  '00 00 00 04', //  original 4
  '01 02 03 04 05 06',
  '00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00', // R3
);

export function classicFrames(linkType: number, r1Nsec: number, r2Nsec: number): Frame[] {
  return [
    { sec: 1700000000, nsec: r1Nsec, capLen: 4, wireLen: 60, linkType, data: 'deadbeef' },
    { sec: 1700000001, nsec: r2Nsec, capLen: 6, wireLen: 4, linkType, data: '010203040506' },
    { sec: 0, nsec: 0, capLen: 0, wireLen: 0, linkType, data: '' },
  ];
}

// ---- Section 1, little-endian ------------------------------------------------
export const SHB_LE = hex(
  '0a 0d 0d 0a', //             block type SHB
  '1c 00 00 00', //             total length 28
  '4d 3c 2b 1a', //             byte-order magic 0x1a2b3c4d, little-endian
  '01 00 00 00', //             version 1.0
  'ff ff ff ff ff ff ff ff', // section length unknown (-1)
  '1c 00 00 00', //             total length 28
);
export const IDB0_LE = hex(
  '01 00 00 00', // IDB
  '14 00 00 00', // total length 20
  '01 00', //       link type 1 (Ethernet)
  '00 00', //       reserved
  '00 00 00 00', // snaplen 0 (no limit); no options: 10^-6, offset 0
  '14 00 00 00', // total length 20
);
export const IDB1_LE = hex(
  '01 00 00 00', //                IDB
  '2c 00 00 00', //                total length 44
  'e4 00', //                      link type 228 (IPv4)
  '00 00', //                      reserved
  '80 00 00 00', //                snaplen 128
  '09 00 01 00', '09 00 00 00', // if_tsresol, 1 byte: 9 -> 10^-9 s (+3 padding)
  '0e 00 08 00', '64 00 00 00 00 00 00 00', // if_tsoffset, 8 bytes: +100 s
  '00 00 00 00', //                opt_endofopt
  '2c 00 00 00', //                total length 44
);
export const IDB2_LE = hex(
  '01 00 00 00', //                IDB
  '1c 00 00 00', //                total length 28
  '65 00', //                      link type 101 (raw IP)
  '00 00', //                      reserved
  '00 00 00 00', //                snaplen 0
  '09 00 01 00', '9e 00 00 00', // if_tsresol 0x9e: high bit set -> 2^-30 s; no opt_endofopt
  '1c 00 00 00', //                total length 28
);
export const EPB_IF0_LE = hex(
  '06 00 00 00', //       EPB
  '28 00 00 00', //       total length 40
  '00 00 00 00', //       interface 0
  '24 0a 06 00', //       timestamp high 0x00060a24
  '40 22 20 18', //       timestamp low  0x18202240 -> 1700000000123456 µs
  '05 00 00 00', //       captured length 5
  '3c 00 00 00', //       original length 60
  '01 02 03 04 05', '00 00 00', // data + 3 padding
  '28 00 00 00', //       total length 40
);
export const UNKNOWN_LE = hex(
  '78 56 34 12', //             block type 0x12345678 (unknown: skipped)
  '14 00 00 00', //             total length 20
  'ca fe ba be ca fe ba be', // body
  '14 00 00 00', //             total length 20
);
export const EPB_IF1_OPTS_LE = hex(
  '06 00 00 00', //       EPB
  '38 00 00 00', //       total length 56
  '01 00 00 00', //       interface 1
  'fe 9c 97 17', //       timestamp high 0x17979cfe
  'b1 68 08 71', //       timestamp low  0x710868b1 -> 1700000000987654321 ns
  '04 00 00 00', //       captured length 4
  '04 00 00 00', //       original length 4
  'aa bb cc dd', //       data (no padding needed)
  '02 00 04 00', '01 00 00 00', // option epb_flags, 4 bytes: inbound
  '01 00 03 00', '68 69 21 00', // option opt_comment, 3 bytes "hi!" + 1 padding
  '00 00 00 00', //       opt_endofopt
  '38 00 00 00', //       total length 56
);
export const SPB_LE = hex(
  '03 00 00 00', //       SPB
  '18 00 00 00', //       total length 24
  '06 00 00 00', //       original length 6
  '11 22 33 44 55 66', '00 00', // data + 2 padding: captured = min(8, 6) = 6
  '18 00 00 00', //       total length 24
);
export const EPB_IF2_LE = hex(
  '06 00 00 00', //       EPB
  '24 00 00 00', //       total length 36
  '02 00 00 00', //       interface 2
  '40 fc 54 19', //       timestamp high 425000000 (0x1954fc40)
  '00 00 00 20', //       timestamp low 0x20000000 -> (1700000000 + 0.5) * 2^30
  '03 00 00 00', //       captured length 3
  '03 00 00 00', //       original length 3
  '45 00 00', '00', //    data + 1 padding
  '24 00 00 00', //       total length 36
);

// ---- Section 2, big-endian ---------------------------------------------------
export const SHB_BE = hex(
  '0a 0d 0d 0a', //             SHB
  '00 00 00 1c', //             total length 28
  '1a 2b 3c 4d', //             byte-order magic, big-endian
  '00 01 00 00', //             version 1.0
  'ff ff ff ff ff ff ff ff', // section length unknown
  '00 00 00 1c', //             total length 28
);
export const IDB0_BE = hex(
  '00 00 00 01', //                IDB
  '00 00 00 20', //                total length 32
  '00 71', //                      link type 113 (Linux cooked)
  '00 00', //                      reserved
  '00 00 00 04', //                snaplen 4
  '00 09 00 01', '03 00 00 00', // if_tsresol 3 -> 10^-3 s
  '00 00 00 00', //                opt_endofopt
  '00 00 00 20', //                total length 32
);
export const EPB_BE = hex(
  '00 00 00 06', //       EPB
  '00 00 00 24', //       total length 36
  '00 00 00 00', //       interface 0 (of this section)
  '00 00 01 8b', //       timestamp high 0x18b
  'cf e5 68 7b', //       timestamp low 0xcfe5687b -> 1700000000123 ms
  '00 00 00 04', //       captured length 4
  '00 00 00 64', //       original length 100
  '0a 0b 0c 0d', //       data
  '00 00 00 24', //       total length 36
);
export const SPB_BE = hex(
  '00 00 00 03', //       SPB
  '00 00 00 18', //       total length 24
  '00 00 00 3c', //       original length 60
  'f0 f1 f2 f3 f4 f5 f6 f7', // 8 bytes of block data: captured = min(8, 60, snaplen 4) = 4
  '00 00 00 18', //       total length 24
);

export const SECTION_LE = Buffer.concat([SHB_LE, IDB0_LE, IDB1_LE, IDB2_LE, EPB_IF0_LE, UNKNOWN_LE, EPB_IF1_OPTS_LE, SPB_LE, EPB_IF2_LE]);
export const SECTION_BE = Buffer.concat([SHB_BE, IDB0_BE, EPB_BE, SPB_BE]);
export const TWO_SECTIONS = Buffer.concat([SECTION_LE, SECTION_BE]);

export const LE_FRAMES: Frame[] = [
  { sec: 1700000000, nsec: 123456000, capLen: 5, wireLen: 60, linkType: 1, data: '0102030405' },
  { sec: 1700000100, nsec: 987654321, capLen: 4, wireLen: 4, linkType: 228, data: 'aabbccdd' },
  { sec: 0, nsec: 0, capLen: 6, wireLen: 6, linkType: 1, data: '112233445566' },
  { sec: 1700000000, nsec: 500000000, capLen: 3, wireLen: 3, linkType: 101, data: '450000' },
];
export const BE_FRAMES: Frame[] = [
  { sec: 1700000000, nsec: 123000000, capLen: 4, wireLen: 100, linkType: 113, data: '0a0b0c0d' },
  { sec: 0, nsec: 0, capLen: 4, wireLen: 60, linkType: 113, data: 'f0f1f2f3' },
];
