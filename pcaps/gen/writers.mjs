// Capture-file writers for vxmon's crafted captures: classic pcap (µs or ns
// timestamps, either byte order) and pcapng (one section, several interfaces,
// if_tsresol, Enhanced Packet Blocks).
//
// Timestamps are BigInt nanoseconds since 1970 so sub-microsecond digits
// survive. A record is { ts: bigint, data: Buffer, origLen?: number }: data
// longer than the snap length is cut, and origLen (default data.length) is
// the length on the wire.
//
// Plain Node ESM, no dependencies. Written for vxmon from the format
// descriptions (pcap: tcpdump.org/manpages/pcap-savefile.5.html and
// draft-ietf-opsawg-pcap; pcapng: draft-ietf-opsawg-pcapng).

const NS = 1_000_000_000n;

class ByteWriter {
  constructor(bigEndian) {
    this.be = bigEndian;
    this.chunks = [];
  }
  u8(v) { this.chunks.push(Buffer.from([v & 0xff])); }
  u16(v) { const b = Buffer.alloc(2); this.be ? b.writeUInt16BE(v) : b.writeUInt16LE(v); this.chunks.push(b); }
  u32(v) { const b = Buffer.alloc(4); this.be ? b.writeUInt32BE(v >>> 0) : b.writeUInt32LE(v >>> 0); this.chunks.push(b); }
  i32(v) { const b = Buffer.alloc(4); this.be ? b.writeInt32BE(v) : b.writeInt32LE(v); this.chunks.push(b); }
  u64(v) { const b = Buffer.alloc(8); this.be ? b.writeBigUInt64BE(BigInt.asUintN(64, v)) : b.writeBigUInt64LE(BigInt.asUintN(64, v)); this.chunks.push(b); }
  bytes(b) { this.chunks.push(b); }
  pad4(len) { if (len % 4) this.chunks.push(Buffer.alloc(4 - (len % 4))); }
  buffer() { return Buffer.concat(this.chunks); }
}

/**
 * Classic libpcap file.
 * opts: { linkType = 1, snaplen = 262144, nanos = false, bigEndian = false }
 * Magic 0xa1b2c3d4 (µs) or 0xa1b23c4d (ns), written in the chosen byte order,
 * which is how a reader learns both the order and the resolution.
 */
export function writePcap(records, { linkType = 1, snaplen = 262144, nanos = false, bigEndian = false } = {}) {
  const w = new ByteWriter(bigEndian);
  w.u32(nanos ? 0xa1b23c4d : 0xa1b2c3d4);
  w.u16(2); // version major
  w.u16(4); // version minor
  w.i32(0); // thiszone
  w.u32(0); // sigfigs
  w.u32(snaplen);
  w.u32(linkType);
  for (const r of records) {
    const caplen = Math.min(r.data.length, snaplen);
    const sec = r.ts / NS;
    const frac = nanos ? r.ts % NS : (r.ts % NS) / 1000n;
    w.u32(Number(sec));
    w.u32(Number(frac));
    w.u32(caplen);
    w.u32(r.origLen ?? r.data.length);
    w.bytes(r.data.subarray(0, caplen));
  }
  return w.buffer();
}

function option(w, code, value) {
  w.u16(code);
  w.u16(value.length);
  w.bytes(value);
  w.pad4(value.length);
}

function optionsLength(opts) {
  let n = 0;
  for (const [, v] of opts) n += 4 + ((v.length + 3) & ~3);
  return opts.length ? n + 4 : 0; // + opt_endofopt
}

function writeOptions(w, opts) {
  if (!opts.length) return;
  for (const [code, v] of opts) option(w, code, v);
  w.u16(0); // opt_endofopt
  w.u16(0);
}

/**
 * pcapng file with one Section Header Block, one Interface Description Block
 * per interface and one Enhanced Packet Block per packet.
 * interfaces: [{ linkType, snaplen = 262144, tsresol = 6, name? }]
 *   tsresol n (< 128) means units of 10^-n s, written as an if_tsresol option.
 * packets: [{ iface, ts: bigint ns, data, origLen? }] in file order.
 */
export function writePcapng(interfaces, packets, { bigEndian = false, userappl = 'vxmon pcaps/gen' } = {}) {
  const w = new ByteWriter(bigEndian);
  // Section Header Block
  const shbOpts = [[4, Buffer.from(userappl, 'utf8')]]; // shb_userappl
  const shbLen = 28 + optionsLength(shbOpts);
  w.u32(0x0a0d0d0a);
  w.u32(shbLen);
  w.u32(0x1a2b3c4d); // byte-order magic
  w.u16(1);
  w.u16(0);
  w.u64(-1n); // section length unknown
  writeOptions(w, shbOpts);
  w.u32(shbLen);
  // Interface Description Blocks
  for (const itf of interfaces) {
    const opts = [];
    if (itf.name) opts.push([2, Buffer.from(itf.name, 'utf8')]); // if_name
    if (itf.tsresol !== undefined) opts.push([9, Buffer.from([itf.tsresol])]); // if_tsresol
    const len = 20 + optionsLength(opts);
    w.u32(1);
    w.u32(len);
    w.u16(itf.linkType);
    w.u16(0);
    w.u32(itf.snaplen ?? 262144);
    writeOptions(w, opts);
    w.u32(len);
  }
  // Enhanced Packet Blocks
  for (const p of packets) {
    const itf = interfaces[p.iface];
    const res = itf.tsresol ?? 6;
    if (res & 0x80) throw new Error('power-of-two if_tsresol not supported by this writer');
    const div = 10n ** BigInt(9 - res);
    if (res > 9 || p.ts % div !== 0n) throw new Error(`timestamp ${p.ts} not representable at 10^-${res}`);
    const units = p.ts / div;
    const snap = itf.snaplen ?? 262144;
    const caplen = Math.min(p.data.length, snap || Infinity);
    const padded = (caplen + 3) & ~3;
    const len = 32 + padded;
    w.u32(6);
    w.u32(len);
    w.u32(p.iface);
    w.u32(Number(units >> 32n));
    w.u32(Number(units & 0xffffffffn));
    w.u32(caplen);
    w.u32(p.origLen ?? p.data.length);
    w.bytes(p.data.subarray(0, caplen));
    w.pad4(caplen);
    w.u32(len);
  }
  return w.buffer();
}
