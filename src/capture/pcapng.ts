/**
 * pcapng, as described in draft-ietf-opsawg-pcapng.
 *
 * Every block: type (4), total length (4), body, total length again (4);
 * the length counts the whole block and is a multiple of 4. Fields are in
 * the byte order of the current section, announced by the byte-order magic
 * 0x1a2b3c4d of its Section Header Block. A file may hold several sections;
 * each starts with an SHB, forgets the interfaces of the previous one and
 * may change byte order.
 *
 * Blocks we read (offsets from the block start):
 *   SHB 0x0a0d0d0a  8 byte-order magic, 12 major (2) = 1, 14 minor (2), 16 section length (8), options
 *   IDB 1           8 link type (2), 10 reserved (2), 12 snaplen (4), 16 options:
 *                     if_tsresol (9): 1 byte, 10^-k s (high bit clear) or 2^-k s (set); default 10^-6
 *                     if_tsoffset (14): int64 seconds added to every timestamp
 *   EPB 6           8 interface id (4), 12 ts high (4), 16 ts low (4), 20 captured length (4),
 *                   24 original length (4), 28 data padded to 4, options
 *   SPB 3           8 original length (4), 12 data padded to 4; interface 0, no timestamp
 *   PB  2 (obsolete) 8 interface id (2), 10 drops (2), then as EPB from offset 12
 * Anything else (name resolution, statistics, journal, custom...) is skipped by its length.
 */
import type { FrameSink } from './frame-source.js';
import type { InputError } from '../errors.js';
import { type FormatParser, MAX_BLOCK_LENGTH, MAX_CAPTURED_LENGTH, formatError, pad4 } from './format.js';
import { DEFAULT_TSRESOL, PcapngTimestamp } from './pcapng-timestamp.js';

export const BT_SHB = 0x0a0d0d0a;
export const BT_IDB = 1;
export const BT_PB = 2;
export const BT_SPB = 3;
export const BT_EPB = 6;

const BYTE_ORDER_MAGIC = 0x1a2b3c4d; // as read in the right byte order
const BYTE_ORDER_MAGIC_SWAPPED = 0x4d3c2b1a; // as read in the wrong one

const OPT_ENDOFOPT = 0;
const OPT_IF_TSRESOL = 9;
const OPT_IF_TSOFFSET = 14;

const BLOCK_HEADER = 8; // type + total length
const SHB_PROBE = 12; // type + total length + byte-order magic
const MIN_BLOCK = 12;
const MIN_SHB = 28;
const MIN_IDB = 20;
const MIN_EPB = 32; // also the obsolete PB
const MIN_SPB = 16;
const EPB_DATA = 28;
const SPB_DATA = 12;

/** Interfaces per section we are willing to track (bounds memory on hostile input). */
export const MAX_INTERFACES = 65536;

export function isPcapngMagic(magicBE: number): boolean {
  return magicBE === BT_SHB;
}

export class PcapngParser implements FormatParser {
  readonly format = 'pcapng' as const;
  frames = 0;
  readonly linkTypes: number[] = [];
  need = SHB_PROBE;

  private littleEndian = false;
  /** Interfaces of the current section, indexed by interface id. */
  private ifCount = 0;
  private readonly ifLinkType: number[] = [];
  private readonly ifSnapLen: number[] = [];
  /** min(snap length if set, MAX_CAPTURED_LENGTH), per interface. */
  private readonly ifCapLimit: number[] = [];
  private readonly ifTime: PcapngTimestamp[] = [];
  private readonly linkTypeSeen = new Uint8Array(65536);

  constructor(
    private readonly name: string,
    private readonly sink: FrameSink,
  ) {}

  walk(buf: Buffer, dv: DataView, pos: number, end: number, base: number): number {
    const sink = this.sink;
    for (;;) {
      const avail = end - pos;
      if (avail < BLOCK_HEADER) {
        this.need = BLOCK_HEADER;
        return pos;
      }
      let le = this.littleEndian;
      const type = dv.getUint32(pos, le); // the SHB type reads the same in both byte orders
      if (type === BT_SHB) {
        if (avail < SHB_PROBE) {
          this.need = SHB_PROBE;
          return pos;
        }
        const bom = dv.getUint32(pos + 8, true);
        if (bom === BYTE_ORDER_MAGIC) le = true;
        else if (bom === BYTE_ORDER_MAGIC_SWAPPED) le = false;
        else throw this.err(base + pos, `section header block has bad byte-order magic 0x${hex32(dv.getUint32(pos + 8, false))}`);
      }
      const len = dv.getUint32(pos + 4, le);
      if (len < MIN_BLOCK || (len & 3) !== 0 || len > MAX_BLOCK_LENGTH) throw this.lengthError(type, len, base + pos);
      if (avail < len) {
        this.need = len;
        return pos;
      }
      const trailer = dv.getUint32(pos + len - 4, le);
      if (trailer !== len) {
        throw this.err(base + pos, `${blockName(type)} trailing length ${trailer} differs from leading length ${len}`);
      }

      if (type === BT_EPB) {
        if (len < MIN_EPB) throw this.tooShort(type, len, MIN_EPB, base + pos);
        const iface = dv.getUint32(pos + 8, le);
        if (iface >= this.ifCount) throw this.unknownInterface(type, iface, base + pos);
        const capLen = dv.getUint32(pos + 20, le);
        if (EPB_DATA + 4 + capLen + pad4(capLen) > len || capLen > this.ifCapLimit[iface]) {
          throw this.capLenError(type, capLen, len, iface, base + pos);
        }
        const ts = this.ifTime[iface];
        ts.convert(dv.getUint32(pos + 12, le), dv.getUint32(pos + 16, le));
        sink.onFrame(buf, pos + EPB_DATA, capLen, dv.getUint32(pos + 24, le), ts.sec, ts.nsec, this.ifLinkType[iface]);
        this.frames++;
      } else if (type === BT_SPB) {
        if (len < MIN_SPB) throw this.tooShort(type, len, MIN_SPB, base + pos);
        if (this.ifCount === 0) throw this.unknownInterface(type, 0, base + pos);
        const origLen = dv.getUint32(pos + 8, le);
        const snap = this.ifSnapLen[0];
        // The packet data is the lesser of the original length and the interface's snap length
        // (draft-ietf-opsawg-pcapng, Simple Packet Block); the block must hold it, padded to 4.
        let capLen = origLen;
        if (snap !== 0 && snap < capLen) capLen = snap;
        if (capLen > MAX_CAPTURED_LENGTH) {
          throw this.err(base + pos, `simple packet block captured length ${capLen} exceeds the ${MAX_CAPTURED_LENGTH}-byte limit`);
        }
        if (MIN_SPB + capLen + pad4(capLen) > len) {
          throw this.err(base + pos, `simple packet block of ${len} bytes is too short for its ${capLen} bytes of packet data`);
        }
        sink.onFrame(buf, pos + SPB_DATA, capLen, origLen, 0, 0, this.ifLinkType[0]);
        this.frames++;
      } else {
        this.otherBlock(buf, dv, pos, len, le, type, base);
      }
      pos += len;
    }
  }

  truncated(tail: number, base: number): InputError {
    const need = this.need;
    if (need <= SHB_PROBE) {
      return this.err(base, `block header cut at end of file: ${need - tail} of ${need} bytes missing`);
    }
    return this.err(base, `block of ${need} bytes cut at end of file: ${need - tail} bytes missing`);
  }

  /** SHB, IDB, the obsolete PB, and every block we skip. */
  private otherBlock(buf: Buffer, dv: DataView, pos: number, len: number, le: boolean, type: number, base: number): void {
    switch (type) {
      case BT_SHB: {
        if (len < MIN_SHB) throw this.tooShort(type, len, MIN_SHB, base + pos);
        const major = dv.getUint16(pos + 12, le);
        const minor = dv.getUint16(pos + 14, le);
        if (major !== 1) throw this.err(base + pos, `unsupported pcapng version ${major}.${minor} (expected 1.x)`);
        this.littleEndian = le;
        this.ifCount = 0;
        return;
      }
      case BT_IDB:
        this.readInterface(dv, pos, len, le, base);
        return;
      case BT_PB: {
        if (len < MIN_EPB) throw this.tooShort(type, len, MIN_EPB, base + pos);
        const iface = dv.getUint16(pos + 8, le);
        if (iface >= this.ifCount) throw this.unknownInterface(type, iface, base + pos);
        const capLen = dv.getUint32(pos + 20, le);
        if (EPB_DATA + 4 + capLen + pad4(capLen) > len || capLen > this.ifCapLimit[iface]) {
          throw this.capLenError(type, capLen, len, iface, base + pos);
        }
        const ts = this.ifTime[iface];
        ts.convert(dv.getUint32(pos + 12, le), dv.getUint32(pos + 16, le));
        this.sink.onFrame(buf, pos + EPB_DATA, capLen, dv.getUint32(pos + 24, le), ts.sec, ts.nsec, this.ifLinkType[iface]);
        this.frames++;
        return;
      }
      default:
        return; // skipped by its length
    }
  }

  private readInterface(dv: DataView, pos: number, len: number, le: boolean, base: number): void {
    if (len < MIN_IDB) throw this.tooShort(BT_IDB, len, MIN_IDB, base + pos);
    if (this.ifCount >= MAX_INTERFACES) {
      throw this.err(base + pos, `more than ${MAX_INTERFACES} interface description blocks in one section`);
    }
    const linkType = dv.getUint16(pos + 8, le);
    const snapLen = dv.getUint32(pos + 12, le);
    let tsresol = DEFAULT_TSRESOL;
    let tsoffset = 0;
    const optEnd = pos + len - 4;
    let o = pos + 16;
    while (optEnd - o >= 4) {
      const code = dv.getUint16(o, le);
      const olen = dv.getUint16(o + 2, le);
      if (code === OPT_ENDOFOPT) break;
      if (olen > optEnd - o - 4) {
        throw this.err(base + pos, `interface description block option ${code} (${olen} bytes) runs past the block`);
      }
      if (code === OPT_IF_TSRESOL) {
        if (olen !== 1) throw this.err(base + pos, `if_tsresol option has length ${olen}, expected 1`);
        tsresol = dv.getUint8(o + 4);
      } else if (code === OPT_IF_TSOFFSET) {
        if (olen !== 8) throw this.err(base + pos, `if_tsoffset option has length ${olen}, expected 8`);
        const hi = dv.getInt32(le ? o + 8 : o + 4, le);
        const lo = dv.getUint32(le ? o + 4 : o + 8, le);
        tsoffset = hi * 4294967296 + lo;
      }
      o += 4 + olen + pad4(olen);
    }
    const i = this.ifCount++;
    this.ifLinkType[i] = linkType;
    this.ifSnapLen[i] = snapLen;
    this.ifCapLimit[i] = snapLen !== 0 && snapLen < MAX_CAPTURED_LENGTH ? snapLen : MAX_CAPTURED_LENGTH;
    if (i < this.ifTime.length) this.ifTime[i].configure(tsresol, tsoffset);
    else this.ifTime.push(new PcapngTimestamp(tsresol, tsoffset));
    if (this.linkTypeSeen[linkType] === 0) {
      this.linkTypeSeen[linkType] = 1;
      this.linkTypes.push(linkType);
    }
  }

  /** EPB / PB with a bad captured length: inside the block, then snap length, then our limit. */
  private capLenError(type: number, capLen: number, len: number, iface: number, offset: number): InputError {
    if (EPB_DATA + capLen + pad4(capLen) + 4 > len) {
      return this.err(offset, `${blockName(type)} captured length ${capLen} runs past the block (${len} bytes)`);
    }
    const snap = this.ifSnapLen[iface];
    if (snap !== 0 && capLen > snap) {
      return this.err(offset, `${blockName(type)} captured length ${capLen} exceeds the snap length ${snap} of interface ${iface}`);
    }
    return this.err(offset, `${blockName(type)} captured length ${capLen} exceeds the ${MAX_CAPTURED_LENGTH}-byte limit`);
  }

  private lengthError(type: number, len: number, offset: number): InputError {
    const what = blockName(type);
    if (len < MIN_BLOCK) return this.err(offset, `${what} total length ${len} is less than ${MIN_BLOCK}`);
    if ((len & 3) !== 0) return this.err(offset, `${what} total length ${len} is not a multiple of 4`);
    return this.err(offset, `${what} total length ${len} exceeds the ${MAX_BLOCK_LENGTH}-byte limit`);
  }

  private tooShort(type: number, len: number, min: number, offset: number): InputError {
    return this.err(offset, `${blockName(type)} total length ${len} is less than its minimum ${min}`);
  }

  private unknownInterface(type: number, iface: number, offset: number): InputError {
    return this.err(
      offset,
      `${blockName(type)} refers to interface ${iface}, but this section describes ${this.ifCount} interface(s)`,
    );
  }

  private err(offset: number, problem: string): InputError {
    return formatError(this.name, offset, problem);
  }
}

function blockName(type: number): string {
  switch (type) {
    case BT_SHB:
      return 'section header block';
    case BT_IDB:
      return 'interface description block';
    case BT_PB:
      return 'packet block';
    case BT_SPB:
      return 'simple packet block';
    case BT_EPB:
      return 'enhanced packet block';
    default:
      return `block of type 0x${hex32(type)}`;
  }
}

function hex32(n: number): string {
  return n.toString(16).padStart(8, '0');
}
