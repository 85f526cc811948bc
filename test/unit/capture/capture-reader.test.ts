/**
 * The chunk loop: format detection, records split across any chunk boundary,
 * stream pieces of odd sizes, buffer growth, and error offsets that do not
 * depend on how the input was cut.
 */
import { describe, expect, it } from 'vitest';
import { CaptureReader } from '../../../src/capture/capture-reader.js';
import { InputError } from '../../../src/errors.js';
import { BE_FRAMES, LE_FRAMES, PCAP_NS_BE, PCAP_US_LE, TWO_SECTIONS, classicFrames } from './fixtures.js';
import { RecordingSink, hex, readBytes, readError } from './helpers.js';

const CHUNK_SIZES = [...Array.from({ length: 64 }, (_, i) => i + 1), 97, 255, 1000, 4093];

describe('format detection', () => {
  it('unknown magic: offset 0, magic in hex', async () => {
    const { error } = await readError(hex('7f 45 4c 46', '02 01 01 00', '00'.repeat(24)), { name: 'a.out' });
    expect(error.code).toBe('E_INPUT_FORMAT');
    expect(error.offset).toBe(0);
    expect(error.message).toBe('a.out: at byte 0: unknown magic 0x7f454c46: not a pcap or pcapng file');
  });

  it('unknown magic in a file shorter than a header', async () => {
    const { error } = await readError(hex('00 01 02 03 04'));
    expect(error.offset).toBe(0);
    expect(error.message).toContain('unknown magic 0x00010203');
  });

  it('empty input is an error at offset 0', async () => {
    const { error } = await readError(Buffer.alloc(0), { name: 'empty.pcap' });
    expect(error.code).toBe('E_INPUT_FORMAT');
    expect(error.offset).toBe(0);
    expect(error.message).toBe('empty.pcap: at byte 0: empty file: no pcap or pcapng header');
  });

  it('input shorter than a magic number', async () => {
    const { error } = await readError(hex('d4 c3 b2'), { name: 'x' });
    expect(error.offset).toBe(0);
    expect(error.message).toBe('x: at byte 0: file too short: 3 bytes, less than a 24-byte capture file header');
  });

  it('pcapng detected from the section header block type', async () => {
    const r = await readBytes(TWO_SECTIONS);
    expect(r.stats?.format).toBe('pcapng');
  });
});

describe('chunk boundaries', () => {
  const files: Array<[string, Buffer]> = [
    ['pcap µs LE', PCAP_US_LE],
    ['pcap ns BE', PCAP_NS_BE],
    ['pcapng two sections', TWO_SECTIONS],
  ];
  const expectedFrames: Record<string, unknown> = {
    'pcap µs LE': classicFrames(1, 123456000, 999999000),
    'pcap ns BE': classicFrames(113, 123456789, 999999999),
    'pcapng two sections': [...LE_FRAMES, ...BE_FRAMES],
  };

  for (const [label, bytes] of files) {
    it(`${label}: every chunk size gives the same frames and totals`, async () => {
      for (const chunkSize of CHUNK_SIZES) {
        const r = await readBytes(bytes, { chunkSize });
        expect(r.error, `chunkSize ${chunkSize}`).toBeUndefined();
        expect(r.frames, `chunkSize ${chunkSize}`).toEqual(expectedFrames[label]);
        expect(r.stats?.bytesRead).toBe(bytes.length);
      }
    });

    it(`${label}: stream pieces of odd sizes give the same frames`, async () => {
      for (const pieces of [[1], [3], [7], [13, 1, 5], [2, 31, 1], [64, 3]]) {
        const r = await readBytes(bytes, { pieces });
        expect(r.frames, `pieces ${pieces}`).toEqual(expectedFrames[label]);
      }
      // pieces and a small chunk size together
      const r = await readBytes(bytes, { pieces: [5, 11, 2], chunkSize: 7 });
      expect(r.frames).toEqual(expectedFrames[label]);
    });
  }

  it('errors keep their offset and the frames before them, whatever the chunk size', async () => {
    const cutPcap = PCAP_US_LE.subarray(0, 54); // R2's header cut (see pcap-classic.test.ts)
    const cutPcapng = TWO_SECTIONS.subarray(0, 300); // 4 bytes into the BE section header at 296
    for (const chunkSize of CHUNK_SIZES) {
      const a = await readError(cutPcap, { chunkSize });
      expect(a.error.offset).toBe(44);
      expect(a.error.message).toContain('6 of 16 bytes missing');
      expect(a.frames.length).toBe(1);
      const b = await readError(cutPcapng, { chunkSize });
      expect(b.error.offset).toBe(296);
      expect(b.error.message).toContain('block header cut at end of file: 4 of 8 bytes missing');
      expect(b.frames).toEqual(LE_FRAMES);
    }
  });
});

describe('CaptureReader', () => {
  it('delivers each record as soon as it is complete, before end of input', () => {
    const sink = new RecordingSink();
    const reader = new CaptureReader('t', sink, 1024);
    reader.feed(PCAP_US_LE.subarray(0, 43)); // header + R1 minus its last byte
    expect(sink.frames.length).toBe(0);
    reader.feed(PCAP_US_LE.subarray(43, 44)); // R1 complete
    expect(sink.frames.length).toBe(1);
    reader.feed(PCAP_US_LE.subarray(44));
    expect(sink.frames.length).toBe(3);
    expect(reader.finish()).toEqual({ format: 'pcap', frames: 3, bytesRead: 82, linkTypes: [1] });
  });

  it('keeps its buffer when records fit, grows only to hold one record', () => {
    const sink = new RecordingSink();
    const reader = new CaptureReader('t', sink, 64);
    reader.feed(TWO_SECTIONS);
    expect(reader.bufferSize).toBe(64); // the largest block is 56 bytes
    const tiny = new CaptureReader('t', new RecordingSink(), 1);
    tiny.feed(TWO_SECTIONS);
    expect(tiny.finish().frames).toBe(6);
    expect(tiny.bufferSize).toBeGreaterThanOrEqual(56);
    expect(tiny.bufferSize).toBeLessThanOrEqual(112);
  });

  it('direct fill: write into buffer at writeOffset, then commit', () => {
    const sink = new RecordingSink();
    const reader = new CaptureReader('t', sink, 16);
    let off = 0;
    while (off < PCAP_US_LE.length) {
      const n = Math.min(reader.room, PCAP_US_LE.length - off);
      expect(n).toBeGreaterThan(0);
      PCAP_US_LE.copy(reader.buffer, reader.writeOffset, off, off + n);
      reader.commit(n);
      off += n;
    }
    expect(reader.finish().frames).toBe(3);
    expect(sink.frames).toEqual(classicFrames(1, 123456000, 999999000));
  });

  it('rejects a nonsensical chunk size', () => {
    expect(() => new CaptureReader('t', new RecordingSink(), 0)).toThrow(RangeError);
    expect(() => new CaptureReader('t', new RecordingSink(), 1.5)).toThrow(RangeError);
  });

  it('never throws anything but InputError on random bytes after a valid header', () => {
    let seed = 12345;
    const rnd = (): number => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed >>> 24;
    };
    for (const header of [PCAP_US_LE.subarray(0, 24), TWO_SECTIONS.subarray(0, 48)]) {
      for (let i = 0; i < 300; i++) {
        const junk = Buffer.alloc(1 + (i % 97));
        for (let j = 0; j < junk.length; j++) junk[j] = rnd();
        const reader = new CaptureReader('r', new RecordingSink(), 1 + (i % 13));
        try {
          reader.feed(Buffer.concat([header, junk]));
          reader.finish();
        } catch (e) {
          expect(e).toBeInstanceOf(InputError);
          expect((e as InputError).code).toBe('E_INPUT_FORMAT');
        }
      }
    }
  });
});
