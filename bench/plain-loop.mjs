// Baseline (c): the plainest Node loop that does the job's core, for scale.
//
// Reads a classic pcap in 4 MiB readSync chunks, carries a partial record over
// to the next chunk, and counts frames per VNI by reading the 24-bit VNI at
// its fixed place in an untagged AWS mirror frame: 14 (Ethernet) + 20 (IPv4,
// no options) + 8 (UDP) + 4 (VXLAN flags and reserved) = byte 46 of the frame.
// No validation at all: a frame that is not VXLAN is counted under whatever
// bytes sit there. It is the "plain Node loop" reference from the issue, not
// something vxmon could ship.

import fs from 'node:fs';

const VNI_AT = 14 + 20 + 8 + 4;
const TABLE = 4096; // open addressing; plenty for the ~50 VNIs of the bench capture

export function plainVniCount(path, chunkSize = 4 << 20) {
  const fd = fs.openSync(path, 'r');
  let buf = Buffer.allocUnsafe(chunkSize);
  let dv = new DataView(buf.buffer, buf.byteOffset, buf.length);
  const keys = new Int32Array(TABLE).fill(-1);
  const counts = new Float64Array(TABLE);
  let have = 0;
  let frames = 0;
  let bytes = 0;
  let le = true;
  let headerDone = false;
  try {
    for (;;) {
      if (have === buf.length) {
        // one record larger than the buffer: grow, keeping what we have
        const bigger = Buffer.allocUnsafe(buf.length * 2);
        buf.copy(bigger, 0, 0, have);
        buf = bigger;
        dv = new DataView(buf.buffer, buf.byteOffset, buf.length);
      }
      const n = fs.readSync(fd, buf, have, buf.length - have, null);
      if (n === 0) break;
      have += n;
      bytes += n;
      let pos = 0;
      if (!headerDone) {
        if (have < 24) continue;
        const magic = dv.getUint32(0, true);
        if (magic === 0xa1b2c3d4 || magic === 0xa1b23c4d) le = true;
        else if (magic === 0xd4c3b2a1 || magic === 0x4d3cb2a1) le = false;
        else throw new Error(`${path}: not a classic pcap file (magic 0x${magic.toString(16)})`);
        headerDone = true;
        pos = 24;
      }
      for (;;) {
        if (pos + 16 > have) break;
        const incl = dv.getUint32(pos + 8, le);
        const end = pos + 16 + incl;
        if (end > have) break;
        if (incl >= VNI_AT + 3) {
          const vni = dv.getUint32(pos + 16 + VNI_AT) >>> 8;
          let slot = Math.imul(vni, 0x9e3779b1) >>> 20; // 12 bits
          for (;;) {
            const k = keys[slot];
            if (k === vni) { counts[slot]++; break; }
            if (k === -1) { keys[slot] = vni; counts[slot] = 1; break; }
            slot = (slot + 1) & (TABLE - 1);
          }
        }
        frames++;
        pos = end;
      }
      if (pos < have) buf.copy(buf, 0, pos, have); // carry the partial record
      have -= pos;
    }
  } finally {
    fs.closeSync(fd);
  }
  const byVni = new Map();
  for (let i = 0; i < TABLE; i++) if (keys[i] !== -1) byVni.set(keys[i], counts[i]);
  return { frames, bytes, byVni };
}
