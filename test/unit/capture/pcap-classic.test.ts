/**
 * Classic pcap (draft-ietf-opsawg-pcap): the four magics, every field of every
 * frame, and each malformed-file error with its exact offset.
 *
 * The PCAP_* fixtures and their records are described in fixtures.ts.
 */
import { describe, expect, it } from 'vitest';
import { hex, readBytes, readError } from './helpers.js';
import { PCAP_NS_BE, PCAP_NS_LE, PCAP_US_BE, PCAP_US_LE, classicFrames } from './fixtures.js';

describe('classic pcap: the four magics', () => {
  it('microseconds, little-endian', async () => {
    const r = await readBytes(PCAP_US_LE);
    expect(r.error).toBeUndefined();
    expect(r.frames).toEqual(classicFrames(1, 123456000, 999999000));
    expect(r.stats).toEqual({ format: 'pcap', frames: 3, bytesRead: 82, fileSize: -1, linkTypes: [1] });
  });

  it('microseconds, big-endian', async () => {
    const r = await readBytes(PCAP_US_BE);
    expect(r.frames).toEqual(classicFrames(101, 123456000, 999999000));
    expect(r.stats).toEqual({ format: 'pcap', frames: 3, bytesRead: 82, fileSize: -1, linkTypes: [101] });
  });

  it('nanoseconds, little-endian', async () => {
    const r = await readBytes(PCAP_NS_LE);
    expect(r.frames).toEqual(classicFrames(228, 123456789, 999999999));
    expect(r.stats?.linkTypes).toEqual([228]);
  });

  it('nanoseconds, big-endian; link type is the low 16 bits of the field', async () => {
    const r = await readBytes(PCAP_NS_BE);
    expect(r.frames).toEqual(classicFrames(113, 123456789, 999999999));
    expect(r.stats?.linkTypes).toEqual([113]);
  });

  it('a header and no records is a valid empty capture', async () => {
    const r = await readBytes(PCAP_US_LE.subarray(0, 24));
    expect(r.error).toBeUndefined();
    expect(r.frames).toEqual([]);
    expect(r.stats).toEqual({ format: 'pcap', frames: 0, bytesRead: 24, fileSize: -1, linkTypes: [1] });
  });

  it('an out-of-range fraction carries into the seconds (same instant)', async () => {
    const f = hex(
      'd4 c3 b2 a1 02 00 04 00 00 00 00 00 00 00 00 00 00 00 00 00 01 00 00 00', // µs LE header, snaplen 0, Ethernet
      '0a 00 00 00', // seconds 10
      '40 42 0f 00', // microseconds 1000000 (0x0f4240): one whole second
      '00 00 00 00 00 00 00 00', // captured 0, original 0
    );
    const r = await readBytes(f);
    expect(r.frames).toEqual([{ sec: 11, nsec: 0, capLen: 0, wireLen: 0, linkType: 1, data: '' }]);
  });
});

describe('classic pcap: malformed files', () => {
  it('header cut: a valid magic and 10 bytes', async () => {
    const { error, frames } = await readError(PCAP_US_LE.subarray(0, 10), { name: 'cut.pcap' });
    expect(error.code).toBe('E_INPUT_FORMAT');
    expect(error.offset).toBe(0);
    expect(error.file).toBe('cut.pcap');
    expect(error.message).toContain('cut.pcap');
    expect(error.message).toContain('14 of 24 bytes missing');
    expect(frames).toEqual([]);
  });

  it('record header cut at end of file', async () => {
    // header + R1 (ends at 44) + 10 bytes of R2's header
    const { error, frames } = await readError(PCAP_US_LE.subarray(0, 54), { name: 'a.pcap' });
    expect(error.code).toBe('E_INPUT_FORMAT');
    expect(error.offset).toBe(44);
    expect(error.message).toBe('a.pcap: at byte 44: record header cut at end of file: 6 of 16 bytes missing');
    expect(frames).toEqual(classicFrames(1, 123456000, 999999000).slice(0, 1));
  });

  it('record data cut at end of file', async () => {
    // header + R1 + R2's header (ends at 60) + 2 of its 6 data bytes
    const { error, frames } = await readError(PCAP_US_LE.subarray(0, 62), { name: 'a.pcap' });
    expect(error.code).toBe('E_INPUT_FORMAT');
    expect(error.offset).toBe(44);
    expect(error.message).toBe('a.pcap: at byte 44: record data cut at end of file: 4 of 6 captured bytes missing');
    expect(frames.length).toBe(1);
  });

  it('captured length above a non-zero snap length', async () => {
    const f = hex(
      'd4 c3 b2 a1 02 00 04 00 00 00 00 00 00 00 00 00', // µs LE, 2.4, reserved
      '05 00 00 00', // snaplen 5
      '01 00 00 00', // Ethernet
      // at 24: a good record of 5 bytes
      '01 00 00 00 02 00 00 00', // ts 1 s 2 µs
      '05 00 00 00 05 00 00 00', // captured 5, original 5
      'aa bb cc dd ee',
      // at 45: captured 6 > snaplen 5
      '01 00 00 00 03 00 00 00',
      '06 00 00 00 06 00 00 00',
      '00 00 00 00 00 00',
    );
    const { error, frames } = await readError(f, { name: 's.pcap' });
    expect(error.code).toBe('E_INPUT_FORMAT');
    expect(error.offset).toBe(45);
    expect(error.message).toBe('s.pcap: at byte 45: record captured length 6 exceeds the snap length 5');
    expect(frames).toEqual([{ sec: 1, nsec: 2000, capLen: 5, wireLen: 5, linkType: 1, data: 'aabbccddee' }]);
  });

  it('captured length above 262144 with snap length 0, checked before waiting for the data', async () => {
    const f = hex(
      'd4 c3 b2 a1 02 00 04 00 00 00 00 00 00 00 00 00', // µs LE, 2.4, reserved
      '00 00 00 00', // snaplen 0
      '01 00 00 00', // Ethernet
      '00 00 00 00 00 00 00 00', // ts
      '01 00 04 00', // captured 262145 (0x40001)
      '01 00 04 00', // original 262145
      // no data: the limit is reported, not the truncation
    );
    const { error } = await readError(f);
    expect(error.code).toBe('E_INPUT_FORMAT');
    expect(error.offset).toBe(24);
    expect(error.message).toContain('captured length 262145 exceeds the 262144-byte limit');
  });

  it('captured length above 262144 when the snap length is larger still', async () => {
    const f = hex(
      'a1 b2 c3 d4 00 02 00 04 00 00 00 00 00 00 00 00', // µs BE, 2.4, reserved
      '7f ff ff ff', // snaplen 2147483647
      '00 00 00 01', // Ethernet
      '00 00 00 00 00 00 00 00', // ts
      '00 04 00 01', // captured 262145
      '00 04 00 01', // original 262145
    );
    const { error } = await readError(f);
    expect(error.offset).toBe(24);
    expect(error.message).not.toContain('snap length');
    expect(error.message).toContain('captured length 262145 exceeds the 262144-byte limit');
  });

  it('major version other than 2', async () => {
    const f = Buffer.from(PCAP_US_LE);
    f[4] = 0x01; // major 1
    const { error } = await readError(f);
    expect(error.code).toBe('E_INPUT_FORMAT');
    expect(error.offset).toBe(4);
    expect(error.message).toContain('unsupported pcap version 1.4');
  });
});
