#!/usr/bin/env node
// Distinct-tuple TCP SYN floods over VXLAN, for the session-flood and
// overload measurements (bench/flood.mjs, bench/overload.mjs) and their
// tests. Two outputs of the same frames:
//   - a classic pcap of whole frames (outer Ethernet/IPv4/UDP 4789, VXLAN,
//     inner Ethernet/IPv4/TCP SYN), written in 4 MiB chunks;
//   - UDP datagrams of the VXLAN part only, sent to a `vxmon run
//     --listen-udp` socket as fast as the sender can.
// Frame i comes from 10.(i>>16 & 0xff).(i>>8 & 0xff).(i & 0xff) port
// (i >> 24) + 1024 to 192.168.0.1:443 in VNI `vni`: no two frames of one
// flood share a 5-tuple below 2^24 * 64,512 frames.
//
//   node bench/syn-flood.mjs --pcap PATH --frames N [--vni V]
//   node bench/syn-flood.mjs --send HOST:PORT (--frames N | --seconds S) [--vni V]

import fs from 'node:fs';
import { createSocket } from 'node:dgram';
import { fileURLToPath } from 'node:url';

const VXLAN_LEN = 8 + 14 + 20 + 20; // VXLAN + inner Ethernet + IPv4 + TCP (no options)
const OUTER_LEN = 14 + 20 + 8;
export const FRAME_LEN = OUTER_LEN + VXLAN_LEN; // 104

/** The constant bytes of one frame (outer headers from offset 0; the VXLAN part starts at OUTER_LEN). */
function template(vni) {
  const b = Buffer.alloc(FRAME_LEN);
  // outer Ethernet: VPC router -> target, IPv4
  b.set([0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01, 0x08, 0x00], 0);
  // outer IPv4: 10.0.1.5 -> 10.0.200.10, UDP, total length 90, DF, TTL 64 (checksum left 0: mirrors' offload)
  b.set([0x45, 0, 0, FRAME_LEN - 14, 0, 0, 0x40, 0, 64, 17, 0, 0, 10, 0, 1, 5, 10, 0, 200, 10], 14);
  // outer UDP: 40000 -> 4789, length 70
  b.writeUInt16BE(40000, 34);
  b.writeUInt16BE(4789, 36);
  b.writeUInt16BE(8 + VXLAN_LEN, 38);
  writeVxlanTemplate(b, OUTER_LEN, vni);
  return b;
}

function writeVxlanTemplate(b, o, vni) {
  b[o] = 0x08; // I flag
  b.writeUIntBE(vni, o + 4, 3);
  const e = o + 8;
  b.set([0x02, 0, 0, 0, 0, 0x10, 0x02, 0, 0, 0, 0, 0x20, 0x08, 0x00], e);
  const ip = e + 14;
  // inner IPv4: total length 40, TTL 64, TCP; source filled per frame; destination 192.168.0.1
  b.set([0x45, 0, 0, 40, 0, 1, 0x40, 0, 64, 6, 0, 0, 10, 0, 0, 0, 192, 168, 0, 1], ip);
  const tcp = ip + 20;
  b.writeUInt16BE(443, tcp + 2); // destination port
  b.writeUInt32BE(1, tcp + 4); // sequence number
  b[tcp + 12] = 5 << 4; // data offset 5
  b[tcp + 13] = 0x02; // SYN
  b.writeUInt16BE(64240, tcp + 14); // window
}

/** Writes frame i's varying fields (inner source address and port) into `b` whose VXLAN header is at `vx`. */
function setTuple(b, vx, i) {
  const ip = vx + 8 + 14;
  b[ip + 12] = 10;
  b[ip + 13] = (i >>> 16) & 0xff;
  b[ip + 14] = (i >>> 8) & 0xff;
  b[ip + 15] = i & 0xff;
  b.writeUInt16BE(1024 + (Math.floor(i / 0x1000000) % 64512), ip + 20);
}

/** Writes a pcap of `frames` SYNs, 1 µs apart from 1,700,000,000 s (so no session times out). */
export function writeSynPcap(path, frames, vni = 4012345) {
  const fd = fs.openSync(path, 'w');
  try {
    const g = Buffer.alloc(24);
    g.writeUInt32LE(0xa1b2c3d4, 0);
    g.writeUInt16LE(2, 4);
    g.writeUInt16LE(4, 6);
    g.writeUInt32LE(65535, 16);
    g.writeUInt32LE(1, 20);
    fs.writeSync(fd, g);
    const t = template(vni);
    const rec = 16 + FRAME_LEN;
    const per = Math.floor((4 * 1024 * 1024) / rec);
    const chunk = Buffer.alloc(per * rec);
    for (let k = 0; k < per; k++) {
      chunk.writeUInt32LE(FRAME_LEN, k * rec + 8);
      chunk.writeUInt32LE(FRAME_LEN, k * rec + 12);
      t.copy(chunk, k * rec + 16);
    }
    for (let i = 0; i < frames; ) {
      const n = Math.min(per, frames - i);
      for (let k = 0; k < n; k++, i++) {
        const o = k * rec;
        chunk.writeUInt32LE(1_700_000_000 + Math.floor(i / 1e6), o);
        chunk.writeUInt32LE(i % 1e6, o + 4);
        setTuple(chunk, o + 16 + OUTER_LEN, i);
      }
      fs.writeSync(fd, chunk, 0, n * rec);
    }
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Sends distinct-tuple SYN datagrams (VXLAN part only) to host:port as fast
 * as one sender goes: bursts of `burst` sends, each burst awaited (its
 * callbacks) so the sender's own queue stays bounded. Stops after `frames`
 * or `seconds`, whichever comes first; `first` numbers the frames (so two
 * floods can avoid each other's tuples). Returns datagrams sent (the
 * kernel accepted them) and send errors.
 */
export async function sendSyns({ host, port, frames = Infinity, seconds = Infinity, vni = 4012345, first = 0, burst = 64, onProgress }) {
  const sock = createSocket('udp4');
  await new Promise((r) => sock.bind(0, '127.0.0.1', r));
  sock.setSendBufferSize(4 * 1024 * 1024);
  const pool = Array.from({ length: burst }, () => {
    const b = Buffer.alloc(VXLAN_LEN);
    writeVxlanTemplate(b, 0, vni);
    return b;
  });
  const deadline = Date.now() + seconds * 1000;
  let sent = 0;
  let errors = 0;
  let i = first;
  const end = first + frames;
  while (i < end && Date.now() < deadline) {
    const n = Math.min(burst, end - i);
    await new Promise((resolve) => {
      let pending = n;
      const done = (e) => {
        if (e) errors++;
        else sent++;
        if (--pending === 0) resolve();
      };
      for (let k = 0; k < n; k++, i++) {
        setTuple(pool[k], 0, i);
        sock.send(pool[k], port, host, done);
      }
    });
    if (onProgress !== undefined && (i & 0xffff) < burst) onProgress(sent);
  }
  await new Promise((r) => sock.close(r));
  return { sent, errors, next: i };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const opt = (name, def) => {
    const i = args.indexOf(name);
    return i < 0 ? def : args[i + 1];
  };
  const frames = Number(opt('--frames', 'Infinity'));
  const vni = Number(opt('--vni', '4012345'));
  if (opt('--pcap') !== undefined) {
    writeSynPcap(opt('--pcap'), frames, vni);
  } else if (opt('--send') !== undefined) {
    const [host, p] = opt('--send').split(':');
    const r = await sendSyns({ host, port: Number(p), frames, seconds: Number(opt('--seconds', 'Infinity')), vni, first: Number(opt('--first', '0')) });
    console.log(JSON.stringify(r));
  } else {
    console.error('usage: node bench/syn-flood.mjs --pcap PATH --frames N | --send HOST:PORT (--frames N | --seconds S) [--vni V]');
    process.exit(2);
  }
}
