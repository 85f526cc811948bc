/**
 * Classic pcap ("libpcap savefile"), as described in draft-ietf-opsawg-pcap.
 *
 * File header, 24 bytes, in the writer's byte order:
 *   0  magic        0xa1b2c3d4 (µs timestamps) or 0xa1b23c4d (ns timestamps);
 *                   read with the wrong byte order it appears swapped
 *   4  major (2)    always 2
 *   6  minor (2)    4 (older files: 3 or 2)
 *   8  reserved1    (was thiszone) ignored
 *  12  reserved2    (was sigfigs)  ignored
 *  16  SnapLen      maximum captured length per record; 0 = not set
 *  20  LinkType     link-layer type in the low 16 bits; the high bits may
 *                   carry FCS information, which we do not use
 * Each record: 16-byte header then `captured length` bytes of data:
 *   0  seconds, 4 microseconds or nanoseconds, 8 captured length, 12 original length
 */
import type { FrameSink } from './frame-source.js';
import type { InputError } from '../errors.js';
import { type FormatParser, MAX_CAPTURED_LENGTH, formatError } from './format.js';

export const PCAP_GLOBAL_HEADER_LENGTH = 24;
export const PCAP_RECORD_HEADER_LENGTH = 16;

/** First four bytes of the file read as a big-endian uint32. */
export const PCAP_MAGIC_US_BE = 0xa1b2c3d4;
export const PCAP_MAGIC_US_LE = 0xd4c3b2a1;
export const PCAP_MAGIC_NS_BE = 0xa1b23c4d;
export const PCAP_MAGIC_NS_LE = 0x4d3cb2a1;

export function isPcapMagic(magicBE: number): boolean {
  return (
    magicBE === PCAP_MAGIC_US_BE ||
    magicBE === PCAP_MAGIC_US_LE ||
    magicBE === PCAP_MAGIC_NS_BE ||
    magicBE === PCAP_MAGIC_NS_LE
  );
}

export class ClassicPcapParser implements FormatParser {
  readonly format = 'pcap' as const;
  frames = 0;
  readonly linkTypes: number[] = [];
  need = PCAP_GLOBAL_HEADER_LENGTH;

  private haveHeader = false;
  private littleEndian = false;
  /** Nanoseconds per unit of the fraction field (1000 or 1) and units per second. */
  private fracToNs = 1000;
  private fracPerSec = 1e6;
  private snapLen = 0;
  /** Largest acceptable captured length: min(snapLen if set, MAX_CAPTURED_LENGTH). */
  private capLimit = MAX_CAPTURED_LENGTH;
  private linkType = 0;

  constructor(
    private readonly name: string,
    private readonly sink: FrameSink,
  ) {}

  walk(buf: Buffer, dv: DataView, pos: number, end: number, base: number): number {
    if (!this.haveHeader) {
      if (end - pos < PCAP_GLOBAL_HEADER_LENGTH) {
        this.need = PCAP_GLOBAL_HEADER_LENGTH;
        return pos;
      }
      this.readGlobalHeader(dv, pos, base);
      pos += PCAP_GLOBAL_HEADER_LENGTH;
    }
    const sink = this.sink;
    const le = this.littleEndian;
    const capLimit = this.capLimit;
    const fracPerSec = this.fracPerSec;
    const fracToNs = this.fracToNs;
    const linkType = this.linkType;
    for (;;) {
      const avail = end - pos;
      if (avail < PCAP_RECORD_HEADER_LENGTH) {
        this.need = PCAP_RECORD_HEADER_LENGTH;
        return pos;
      }
      const capLen = dv.getUint32(pos + 8, le);
      if (capLen > capLimit) throw this.capLenError(capLen, base + pos);
      const recordLength = PCAP_RECORD_HEADER_LENGTH + capLen;
      if (avail < recordLength) {
        this.need = recordLength;
        return pos;
      }
      let sec = dv.getUint32(pos, le);
      let frac = dv.getUint32(pos + 4, le);
      if (frac >= fracPerSec) {
        // Out-of-range fraction: carry whole seconds (same instant, normalised).
        sec += Math.floor(frac / fracPerSec);
        frac %= fracPerSec;
      }
      sink.onFrame(buf, pos + PCAP_RECORD_HEADER_LENGTH, capLen, dv.getUint32(pos + 12, le), sec, frac * fracToNs, linkType);
      this.frames++;
      pos += recordLength;
    }
  }

  truncated(tail: number, base: number): InputError {
    if (!this.haveHeader) {
      return formatError(
        this.name,
        base,
        `file too short: pcap global header cut at end of file, ${PCAP_GLOBAL_HEADER_LENGTH - tail} of ${PCAP_GLOBAL_HEADER_LENGTH} bytes missing`,
      );
    }
    if (tail < PCAP_RECORD_HEADER_LENGTH) {
      return formatError(
        this.name,
        base,
        `record header cut at end of file: ${PCAP_RECORD_HEADER_LENGTH - tail} of ${PCAP_RECORD_HEADER_LENGTH} bytes missing`,
      );
    }
    const capLen = this.need - PCAP_RECORD_HEADER_LENGTH;
    return formatError(
      this.name,
      base,
      `record data cut at end of file: ${this.need - tail} of ${capLen} captured bytes missing`,
    );
  }

  private readGlobalHeader(dv: DataView, pos: number, base: number): void {
    const magic = dv.getUint32(pos, false);
    this.littleEndian = magic === PCAP_MAGIC_US_LE || magic === PCAP_MAGIC_NS_LE;
    const nano = magic === PCAP_MAGIC_NS_BE || magic === PCAP_MAGIC_NS_LE;
    this.fracToNs = nano ? 1 : 1000;
    this.fracPerSec = nano ? 1e9 : 1e6;
    const le = this.littleEndian;
    const major = dv.getUint16(pos + 4, le);
    const minor = dv.getUint16(pos + 6, le);
    if (major !== 2) throw formatError(this.name, base + pos + 4, `unsupported pcap version ${major}.${minor} (expected 2.x)`);
    this.snapLen = dv.getUint32(pos + 16, le);
    this.capLimit = this.snapLen !== 0 && this.snapLen < MAX_CAPTURED_LENGTH ? this.snapLen : MAX_CAPTURED_LENGTH;
    this.linkType = dv.getUint32(pos + 20, le) & 0xffff;
    this.linkTypes.push(this.linkType);
    this.haveHeader = true;
  }

  private capLenError(capLen: number, offset: number): InputError {
    if (this.snapLen !== 0 && capLen > this.snapLen) {
      return formatError(this.name, offset, `record captured length ${capLen} exceeds the snap length ${this.snapLen}`);
    }
    return formatError(this.name, offset, `record captured length ${capLen} exceeds the ${MAX_CAPTURED_LENGTH}-byte limit`);
  }
}
