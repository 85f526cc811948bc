/**
 * pcapng (draft-ietf-opsawg-pcapng): sections in both byte orders, several
 * interfaces with their own link type, snap length, if_tsresol and
 * if_tsoffset, EPB / SPB / obsolete PB, skipped blocks, and every malformed
 * case with its exact offset.
 */
import { describe, expect, it } from 'vitest';
import { type Frame, hex, readBytes, readError } from './helpers.js';
import { BE_FRAMES, IDB0_LE, LE_FRAMES, SECTION_BE, SECTION_LE, SHB_LE, TWO_SECTIONS } from './fixtures.js';

describe('pcapng: valid files', () => {
  it('fixture layout is what the comments say', () => {
    expect(SECTION_LE.length).toBe(296);
    expect(SECTION_BE.length).toBe(120);
  });

  it('two sections (LE then BE), three interfaces, EPB/SPB, options, an unknown block', async () => {
    const r = await readBytes(TWO_SECTIONS, { name: 'two.pcapng' });
    expect(r.error).toBeUndefined();
    expect(r.frames).toEqual([...LE_FRAMES, ...BE_FRAMES]);
    expect(r.stats).toEqual({ format: 'pcapng', frames: 6, bytesRead: 416, fileSize: -1, linkTypes: [1, 228, 101, 113] });
  });

  it('a file that starts big-endian', async () => {
    const r = await readBytes(SECTION_BE);
    expect(r.frames).toEqual(BE_FRAMES);
    expect(r.stats?.linkTypes).toEqual([113]);
  });

  it('a file that starts little-endian', async () => {
    const r = await readBytes(SECTION_LE);
    expect(r.frames).toEqual(LE_FRAMES);
  });

  it('a section header and nothing else is a valid empty capture', async () => {
    const r = await readBytes(SHB_LE);
    expect(r.error).toBeUndefined();
    expect(r.stats).toEqual({ format: 'pcapng', frames: 0, bytesRead: 28, fileSize: -1, linkTypes: [] });
  });

  it('obsolete Packet Block (type 2)', async () => {
    const f = Buffer.concat([
      SHB_LE,
      IDB0_LE,
      hex(
        '02 00 00 00', // PB
        '24 00 00 00', // total length 36
        '00 00', //       interface 0 (16 bits)
        '00 00', //       drops count
        '00 00 00 00', // timestamp high
        '40 e2 01 00', // timestamp low 123456 µs
        '02 00 00 00', // captured length 2
        '09 00 00 00', // original length 9
        'ab cd 00 00', // data + 2 padding
        '24 00 00 00', // total length 36
      ),
    ]);
    const r = await readBytes(f);
    expect(r.frames).toEqual([{ sec: 0, nsec: 123456000, capLen: 2, wireLen: 9, linkType: 1, data: 'abcd' }]);
  });
});

// A prefix for the error cases: SHB (0..28), IDB 0 (28..48, Ethernet, snaplen 0),
// and one good EPB (48..84).
const GOOD_EPB = hex(
  '06 00 00 00 24 00 00 00', // EPB, total length 36
  '00 00 00 00', //             interface 0
  '00 00 00 00 01 00 00 00', // timestamp 1 µs
  '01 00 00 00 01 00 00 00', // captured 1, original 1
  'ee 00 00 00', //             data + 3 padding
  '24 00 00 00', //             total length 36
);
const PREFIX = Buffer.concat([SHB_LE, IDB0_LE, GOOD_EPB]);
const GOOD_FRAME: Frame = { sec: 0, nsec: 1000, capLen: 1, wireLen: 1, linkType: 1, data: 'ee' };

async function expectBlockError(tail: Buffer, offset: number, text: string, prefix: Buffer = PREFIX, framesBefore = 1): Promise<void> {
  const { error, frames } = await readError(Buffer.concat([prefix, tail]), { name: 'bad.pcapng' });
  expect(error.code).toBe('E_INPUT_FORMAT');
  expect(error.file).toBe('bad.pcapng');
  expect(error.offset).toBe(offset);
  expect(error.message).toBe(`bad.pcapng: at byte ${offset}: ${text}`);
  expect(frames.length).toBe(framesBefore);
  if (framesBefore === 1) expect(frames[0]).toEqual(GOOD_FRAME);
}

describe('pcapng: malformed files', () => {
  it('block total length below 12', async () => {
    await expectBlockError(hex('05 00 00 00', '08 00 00 00', '00 00 00 00'), 84, 'block of type 0x00000005 total length 8 is less than 12');
  });

  it('block total length not a multiple of 4', async () => {
    await expectBlockError(hex('05 00 00 00', '1e 00 00 00', '00'.repeat(22)), 84, 'block of type 0x00000005 total length 30 is not a multiple of 4');
  });

  it('leading and trailing lengths disagree', async () => {
    await expectBlockError(
      hex('05 00 00 00', '10 00 00 00', '00 00 00 00', '14 00 00 00'),
      84,
      'block of type 0x00000005 trailing length 20 differs from leading length 16',
    );
  });

  it('block runs past the end of the file', async () => {
    await expectBlockError(hex('05 00 00 00', '20 00 00 00', '00 00 00 00'), 84, 'block of 32 bytes cut at end of file: 20 bytes missing');
  });

  it('block header cut at end of file', async () => {
    await expectBlockError(hex('05 00 00'), 84, 'block header cut at end of file: 5 of 8 bytes missing');
  });

  it('non-packet block above 16 MiB, reported without reading it', async () => {
    await expectBlockError(hex('05 00 00 00', '04 00 00 01'), 84, 'block of type 0x00000005 total length 16777220 exceeds the 16777216-byte limit');
  });

  it('EPB refers to an interface not described', async () => {
    await expectBlockError(
      hex('06 00 00 00 24 00 00 00', '01 00 00 00', '00 00 00 00 00 00 00 00', '01 00 00 00 01 00 00 00', 'ee 00 00 00', '24 00 00 00'),
      84,
      'enhanced packet block refers to interface 1, but this section describes 1 interface(s)',
    );
  });

  it('a new section forgets the interfaces of the previous one', async () => {
    await expectBlockError(
      Buffer.concat([SHB_LE, GOOD_EPB]), // SHB at 84, EPB for interface 0 at 112
      112,
      'enhanced packet block refers to interface 0, but this section describes 0 interface(s)',
    );
  });

  it('SPB with no interface described', async () => {
    await expectBlockError(
      hex('03 00 00 00 14 00 00 00', '04 00 00 00', 'aa bb cc dd', '14 00 00 00'),
      28,
      'simple packet block refers to interface 0, but this section describes 0 interface(s)',
      SHB_LE,
      0,
    );
  });

  it('SPB too short for its packet data (the lesser of original length and snap length), not read with its padding', async () => {
    // Original length 6, interface snap length 0 (none): 6 bytes of data, 8 with padding, a 24-byte block.
    // This one is 20 bytes: 4 bytes of data. tshark: "total block length 20 of an SPB is too small for 6 bytes of packet data".
    await expectBlockError(
      hex('03 00 00 00 14 00 00 00', '06 00 00 00', 'aa bb cc dd', '14 00 00 00'),
      84,
      'simple packet block of 20 bytes is too short for its 6 bytes of packet data',
    );
  });

  it('EPB captured length beyond the block', async () => {
    await expectBlockError(
      hex('06 00 00 00 24 00 00 00', '00 00 00 00', '00 00 00 00 00 00 00 00', '05 00 00 00 05 00 00 00', 'ee ee ee ee', '24 00 00 00'),
      84,
      'enhanced packet block captured length 5 runs past the block (36 bytes)',
    );
  });

  it('EPB captured length above the interface snap length', async () => {
    const idbSnap2 = hex('01 00 00 00 14 00 00 00', '01 00 00 00', '02 00 00 00', '14 00 00 00'); // Ethernet, snaplen 2
    await expectBlockError(
      hex('06 00 00 00 24 00 00 00', '00 00 00 00', '00 00 00 00 00 00 00 00', '03 00 00 00 03 00 00 00', 'ee ee ee 00', '24 00 00 00'),
      48,
      'enhanced packet block captured length 3 exceeds the snap length 2 of interface 0',
      Buffer.concat([SHB_LE, idbSnap2]),
      0,
    );
  });

  it('EPB captured length above 262144', async () => {
    const big = Buffer.concat([
      hex('06 00 00 00', '24 00 04 00', '00 00 00 00', '00 00 00 00 00 00 00 00', '04 00 04 00', '04 00 04 00'), // EPB, length 262180, captured/original 262148
      Buffer.alloc(262148),
      hex('24 00 04 00'), // total length 262180
    ]);
    await expectBlockError(big, 84, 'enhanced packet block captured length 262148 exceeds the 262144-byte limit');
  });

  it('bad byte-order magic in a later section header', async () => {
    await expectBlockError(
      hex('0a 0d 0d 0a', '1c 00 00 00', 'de ad be ef', '01 00 00 00', 'ff ff ff ff ff ff ff ff', '1c 00 00 00'),
      84,
      'section header block has bad byte-order magic 0xdeadbeef',
    );
  });

  it('unsupported major version', async () => {
    await expectBlockError(
      hex('0a 0d 0d 0a', '1c 00 00 00', '4d 3c 2b 1a', '02 00 00 00', 'ff ff ff ff ff ff ff ff', '1c 00 00 00'),
      84,
      'unsupported pcapng version 2.0 (expected 1.x)',
    );
  });

  it('IDB option running past the block', async () => {
    await expectBlockError(
      hex('01 00 00 00 1c 00 00 00', '01 00 00 00', '00 00 00 00', '09 00 08 00', '06 00 00 00', '1c 00 00 00'), // if_tsresol claims 8 bytes, 4 left
      84,
      'interface description block option 9 (8 bytes) runs past the block',
    );
  });

  it('if_tsresol with a wrong length', async () => {
    await expectBlockError(
      hex('01 00 00 00 1c 00 00 00', '01 00 00 00', '00 00 00 00', '09 00 02 00', '06 00 00 00', '1c 00 00 00'),
      84,
      'if_tsresol option has length 2, expected 1',
    );
  });
});
