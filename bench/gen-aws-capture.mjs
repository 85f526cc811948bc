#!/usr/bin/env node
// Deterministic generator of an AWS-VPC-Traffic-Mirroring-shaped capture for
// the throughput bench. Classic pcap, microsecond timestamps, Ethernet.
//
// Every frame is what a mirror target sees:
//   outer Ethernet / IPv4 (mirror-source ENI -> target) / UDP (src port from a
//   hash of the inner flow and direction, dst 4789) / VXLAN (flags 0x08, VNI of
//   the mirror session) / inner Ethernet / IPv4 / TCP, UDP (DNS) or ICMP echo.
//
// Traffic: ~50 VNIs picked with Zipf-like popularity; TCP sessions with
// SYN/SYN-ACK/ACK (MSS, SACK-permitted, timestamps, window scale on SYNs),
// request/response or bulk data both ways (full segments carry 1448 bytes),
// delayed ACKs, occasional retransmissions, FIN/FIN closes, some RSTs and
// refused connections; DNS to the VPC resolver; ping. Inner IPv4 and L4
// checksums are correct; the outer UDP checksum is zero, as the mirror sends it.
//
// Speed: one header template per flow direction is copied and patched in place
// into an 8 MiB output block; payloads are slices of a fixed random pool whose
// 16-bit prefix sums give each payload's checksum contribution in O(1).
//
// Usage: node bench/gen-aws-capture.mjs [--frames N] [--seed S] [--out PATH] [--force]
// Without --out the file goes to bench/.cache/aws-<frames>-<seed>.pcap and an
// existing file there is reused.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const CACHE_DIR = path.join(HERE, '.cache');

export function cachePath(frames, seed) {
  return path.join(CACHE_DIR, `aws-${frames}-${seed}.pcap`);
}

// ---------------------------------------------------------------- constants

const VXLAN_PORT = 4789;
const ENCAP_LEN = 14 + 20 + 8 + 8; // outer Ethernet + IPv4 + UDP + VXLAN
const INNER_IP_AT = ENCAP_LEN + 14; // 64
const L4_AT = INNER_IP_AT + 20; // 84: inner IPv4 carries no options here
const MSS = 1448; // 1500 MTU - 20 IP - 20 TCP - 12 timestamp option

const FIN = 0x01, SYN = 0x02, RST = 0x04, PSH = 0x08, ACK = 0x10;
const OPT_NONE = 0, OPT_TS = 12, OPT_SYN = 20; // option bytes on the segment

const CONCURRENT = 768; // sessions interleaved at any moment
const MEAN_GAP_US = 5; // mean inter-frame gap: ~200 k frames/s of mirrored traffic
const START_SEC = 1748865600; // 2025-06-02T12:00:00Z
const N_VNIS = 50;
const ZIPF_S = 1.1;
const RETX_P = 0.008; // per data segment

const POOL_LEN = 1 << 16; // random payload bytes
const BLOCK = 8 << 20; // output block
const MAX_FRAME = ENCAP_LEN + 14 + 20 + 60 + MSS + 64;

// ---------------------------------------------------------------- PRNG

/** mulberry32: small, fast, good enough for traffic shapes. Returns [0, 1). */
function mulberry32(seed) {
  let a = seed >>> 0;
  return function next() {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** 32-bit integer mix (murmur3 finaliser). */
function mix32(h) {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function ip4(a, b, c, d) {
  return ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
}

function fold(sum) {
  while (sum > 0xffff) sum = (sum % 65536) + Math.floor(sum / 65536);
  return sum;
}

// ---------------------------------------------------------------- generator

export function generateCapture({ frames = 1_000_000, seed = 1, out } = {}) {
  if (!Number.isSafeInteger(frames) || frames < 1) throw new Error(`bad --frames ${frames}`);
  const rnd = mulberry32(seed);
  const int = (n) => Math.floor(rnd() * n);
  const range = (lo, hi) => lo + Math.floor(rnd() * (hi - lo + 1));
  const pick = (arr) => arr[Math.floor(rnd() * arr.length)];

  // ---- the deployment: fixed for every seed, so VNIs and addresses are stable
  const layout = mulberry32(0x5eed0001);
  const lint = (n) => Math.floor(layout() * n);

  const TARGET_IP = ip4(10, 0, 200, 10); // the mirror target ENI
  const TARGET_MAC = [0x06, 0x3a, 0x5e, 0x10, 0x02, 0x0a];
  const ROUTER_MAC = [0x06, 0xd7, 0x2c, 0x8e, 0x41, 0x01]; // VPC router as seen on ENIs
  const N_ENIS = 6;
  const enis = [];
  for (let i = 0; i < N_ENIS; i++) {
    enis.push({
      ip: ip4(10, 0, 1 + (i % 3), 20 + 17 * i),
      mac: [0x06, 0x11, 0x22, 0x33, lint(256), lint(256)],
      ipId: lint(65536),
    });
  }
  // VNIs: AWS assigns a random 24-bit VNI when none is given; some teams set small ones.
  const vnis = [];
  const used = new Set();
  while (vnis.length < N_VNIS) {
    const v = vnis.length % 5 === 4 ? 100 + lint(900) : 1 + lint(0xfffffe);
    if (!used.has(v)) { used.add(v); vnis.push(v); }
  }
  // Per VNI (one mirror session each): the ENI that sends it, and a few monitored workloads.
  const sessionsCfg = vnis.map((vni, rank) => {
    const eni = enis[rank % N_ENIS];
    const hosts = [];
    const nh = 1 + lint(4);
    for (let h = 0; h < nh; h++) {
      hosts.push({
        ip: ip4(10, 0, 16 + (rank >> 2), 10 + (rank & 3) * 60 + h),
        mac: [0x0a, 0x5c, 0x00, rank, h, lint(256)],
        ttl: layout() < 0.85 ? 64 : 128,
      });
    }
    return { vni, rank, eni, hosts };
  });
  const zipfCdf = new Float64Array(N_VNIS);
  {
    let s = 0;
    for (let k = 0; k < N_VNIS; k++) { s += 1 / Math.pow(k + 1, ZIPF_S); zipfCdf[k] = s; }
    for (let k = 0; k < N_VNIS; k++) zipfCdf[k] /= s;
  }
  const pickVniCfg = () => {
    const u = rnd();
    let k = 0;
    while (k < N_VNIS - 1 && zipfCdf[k] < u) k++;
    return sessionsCfg[k];
  };
  const internalPeers = [];
  for (let i = 0; i < 40; i++) internalPeers.push(ip4(10, 0, lint(8), 10 + lint(240)));
  const publicPeers = [
    ip4(52, 94, 236, 248), ip4(3, 5, 77, 16), ip4(54, 239, 28, 85), ip4(151, 101, 1, 69),
    ip4(140, 82, 112, 4), ip4(104, 16, 132, 229), ip4(142, 250, 74, 110), ip4(18, 155, 68, 73),
    ip4(13, 32, 99, 12), ip4(35, 186, 224, 25), ip4(185, 199, 108, 153), ip4(52, 46, 155, 9),
  ];
  const RESOLVER = ip4(10, 0, 0, 2); // AmazonProvidedDNS: VPC base + 2
  const DNS_NAMES = [
    'api.internal.example.com', 'db-primary.prod.example.internal', 'sqs.eu-west-1.amazonaws.com',
    's3.eu-west-1.amazonaws.com', 'sts.amazonaws.com', 'registry.npmjs.org', 'cache.prod.example.internal',
    'ec2.eu-west-1.amazonaws.com', 'logs.eu-west-1.amazonaws.com', 'auth.example.com',
  ];

  // ---- payload pool and its 16-bit prefix sums (big-endian words)
  const pool = Buffer.alloc(POOL_LEN);
  for (let i = 0; i < POOL_LEN; i++) pool[i] = int(256);
  const prefix = new Float64Array(POOL_LEN / 2 + 1);
  for (let w = 0; w < POOL_LEN / 2; w++) prefix[w + 1] = prefix[w] + ((pool[2 * w] << 8) | pool[2 * w + 1]);
  const poolSum = (off, len) => {
    // off is even
    if ((len & 1) === 0) return prefix[(off + len) >> 1] - prefix[off >> 1];
    return prefix[(off + len - 1) >> 1] - prefix[off >> 1] + (pool[off + len - 1] << 8);
  };
  const poolOffset = (len) => 2 * int((POOL_LEN - len) >> 1);

  // ---- output
  const outPath = out;
  fs.mkdirSync(path.dirname(outPath), { recursive: true });
  const tmpPath = `${outPath}.tmp-${process.pid}`;
  const fd = fs.openSync(tmpPath, 'w');
  const buf = Buffer.alloc(BLOCK);
  let pos = 0;
  let bytesWritten = 0;
  let warmingUp = true; // frames written while warming up are thrown away
  const flush = () => {
    if (warmingUp) { pos = 0; return; }
    let off = 0;
    while (off < pos) off += fs.writeSync(fd, buf, off, pos - off);
    bytesWritten += pos;
    pos = 0;
  };
  // pcap global header, little-endian, microseconds, snaplen 65535, LINKTYPE_ETHERNET
  const fileHeader = Buffer.alloc(24);
  fileHeader.writeUInt32LE(0xa1b2c3d4, 0);
  fileHeader.writeUInt16LE(2, 4);
  fileHeader.writeUInt16LE(4, 6);
  fileHeader.writeInt32LE(0, 8);
  fileHeader.writeUInt32LE(0, 12);
  fileHeader.writeUInt32LE(65535, 16);
  fileHeader.writeUInt32LE(1, 20);
  fs.writeSync(fd, fileHeader);
  bytesWritten = 24;

  let tsSec = START_SEC;
  let tsUsec = 0;
  let written = 0;
  const newStats = () => ({
    frames: 0, bytes: 0, sessions: { tcp: 0, udp: 0, icmp: 0 }, tcpClosedFin: 0, tcpClosedRst: 0,
    tcpRefused: 0, retransmissions: 0, framesByProto: { tcp: 0, udp: 0, icmp: 0 },
    framesWithFullSegment: 0, padded: 0,
  });
  let stats = newStats();
  let framesByVni = new Map();

  const nowMs = () => (tsSec - START_SEC) * 1000 + Math.floor(tsUsec / 1000);

  // ---- flows
  const ipSum = (a) => (a >>> 16) + (a & 0xffff);

  /** Template for one direction: outer Eth/IPv4/UDP/VXLAN + inner Eth/IPv4, lengths/ids/checksums zero. */
  function makeTemplate(cfg, srcIp, dstIp, srcMac, dstMac, proto, sport, dport, ttl) {
    const t = Buffer.alloc(L4_AT);
    // outer Ethernet: VPC router -> target
    t.set(TARGET_MAC, 0);
    t.set(ROUTER_MAC, 6);
    t.writeUInt16BE(0x0800, 12);
    // outer IPv4
    t[14] = 0x45;
    t[15] = 0;
    t.writeUInt16BE(0x4000, 20); // DF
    t[22] = 64;
    t[23] = 17;
    t.writeUInt32BE(cfg.eni.ip, 26);
    t.writeUInt32BE(TARGET_IP, 30);
    // outer UDP: source port from a hash of the directed inner 5-tuple, so the
    // two halves of one connection usually arrive from different ports
    const h = mix32(mix32(mix32(srcIp ^ 0x9e3779b9) ^ dstIp) ^ ((sport << 16) | dport) ^ (proto << 8));
    t.writeUInt16BE(32768 + (h & 0x7fff), 34);
    t.writeUInt16BE(VXLAN_PORT, 36);
    // VXLAN: I flag, 24-bit VNI
    t[42] = 0x08;
    t.writeUInt32BE((cfg.vni << 8) >>> 0, 46);
    // inner Ethernet
    t.set(dstMac, 50);
    t.set(srcMac, 56);
    t.writeUInt16BE(0x0800, 62);
    // inner IPv4
    t[64] = 0x45;
    t[65] = 0;
    t.writeUInt16BE(proto === 17 ? 0 : 0x4000, 70);
    t[72] = ttl;
    t[73] = proto;
    t.writeUInt32BE(srcIp, 76);
    t.writeUInt32BE(dstIp, 80);
    let outerBase = 0;
    for (let i = 14; i < 34; i += 2) outerBase += t.readUInt16BE(i);
    let innerBase = 0;
    for (let i = 64; i < 84; i += 2) innerBase += t.readUInt16BE(i);
    const pseudo = ipSum(srcIp) + ipSum(dstIp) + proto;
    return { t, outerBase, innerBase, pseudo, sport, dport };
  }

  /**
   * A flow between a monitored workload and a peer. dir 0 = client -> server.
   * Which end is local decides MACs and TTLs; both directions are mirrored.
   */
  function makeFlow(cfg, proto, local, peerIp, localIsClient, cport, sport) {
    const remoteTtl = (peerIp >>> 24) === 10 ? 64 : 40 + int(20); // internet peers: 64 minus some hops
    const peerTtl = (peerIp >>> 24) === 10 ? (rnd() < 0.8 ? 64 : 128) : remoteTtl;
    const cIp = localIsClient ? local.ip : peerIp;
    const sIp = localIsClient ? peerIp : local.ip;
    const cMac = localIsClient ? local.mac : ROUTER_MAC;
    const sMac = localIsClient ? ROUTER_MAC : local.mac;
    const cTtl = localIsClient ? local.ttl : peerTtl;
    const sTtl = localIsClient ? peerTtl : local.ttl;
    const d0 = makeTemplate(cfg, cIp, sIp, cMac, sMac, proto, cport, sport, cTtl);
    const d1 = makeTemplate(cfg, sIp, cIp, sMac, cMac, proto, sport, cport, sTtl);
    return {
      cfg,
      dir: [d0, d1],
      ipId: [int(65536), int(65536)],
      seq: [int(0x100000000) >>> 0, int(0x100000000) >>> 0],
      tsBase: [int(0x7fffffff), int(0x7fffffff)],
      tsLast: [0, 0],
      win: [range(240, 3000), range(240, 3000)],
    };
  }

  /** Writes record header + encapsulation + inner IPv4 for one frame; returns the inner L4 offset. */
  function beginFrame(f, d, l4Len) {
    const tp = f.dir[d];
    const innerIpLen = 20 + l4Len;
    const innerFrame = 14 + innerIpLen;
    const padTo = innerFrame < 60 ? 60 : innerFrame; // minimum Ethernet frame (no FCS)
    const udpLen = 16 + padTo;
    const outerIpLen = 20 + udpLen;
    const frameLen = 14 + outerIpLen;
    if (pos + 16 + frameLen > BLOCK) flush();
    // clock
    tsUsec += 1 + Math.floor(-Math.log(1 - rnd()) * MEAN_GAP_US);
    if (tsUsec >= 1_000_000) { tsSec += Math.floor(tsUsec / 1_000_000); tsUsec %= 1_000_000; }
    // record header (little-endian)
    buf.writeUInt32LE(tsSec, pos);
    buf.writeUInt32LE(tsUsec, pos + 4);
    buf.writeUInt32LE(frameLen, pos + 8);
    buf.writeUInt32LE(frameLen, pos + 12);
    const p = pos + 16;
    buf.set(tp.t, p);
    // outer IPv4 length, id, checksum
    const eni = f.cfg.eni;
    const oid = (eni.ipId = (eni.ipId + 1) & 0xffff);
    buf[p + 16] = outerIpLen >> 8; buf[p + 17] = outerIpLen & 0xff;
    buf[p + 18] = oid >> 8; buf[p + 19] = oid & 0xff;
    let c = ~fold(tp.outerBase + outerIpLen + oid) & 0xffff;
    buf[p + 24] = c >> 8; buf[p + 25] = c & 0xff;
    // outer UDP length
    buf[p + 38] = udpLen >> 8; buf[p + 39] = udpLen & 0xff;
    // inner IPv4 length, id, checksum
    const iid = (f.ipId[d] = (f.ipId[d] + 1) & 0xffff);
    buf[p + 66] = innerIpLen >> 8; buf[p + 67] = innerIpLen & 0xff;
    buf[p + 68] = iid >> 8; buf[p + 69] = iid & 0xff;
    c = ~fold(tp.innerBase + innerIpLen + iid) & 0xffff;
    buf[p + 74] = c >> 8; buf[p + 75] = c & 0xff;
    if (padTo > innerFrame) {
      buf.fill(0, p + ENCAP_LEN + innerFrame, p + ENCAP_LEN + padTo);
      stats.padded++;
    }
    pos = p + frameLen;
    written++;
    stats.bytes += frameLen;
    const v = f.cfg.vni;
    framesByVni.set(v, (framesByVni.get(v) ?? 0) + 1);
    return p + L4_AT;
  }

  function tcpSeg(f, d, flags, seq, ack, opt, payLen, poff) {
    const tp = f.dir[d];
    const hdrLen = 20 + opt;
    const l4Len = hdrLen + payLen;
    const p = beginFrame(f, d, l4Len);
    buf[p] = tp.sport >> 8; buf[p + 1] = tp.sport & 0xff;
    buf[p + 2] = tp.dport >> 8; buf[p + 3] = tp.dport & 0xff;
    buf.writeUInt32BE(seq >>> 0, p + 4);
    buf.writeUInt32BE(flags & ACK ? ack >>> 0 : 0, p + 8);
    buf[p + 12] = (hdrLen >> 2) << 4;
    buf[p + 13] = flags;
    const win = flags & SYN ? (d === 0 ? 64240 : 62727) : flags & RST ? 0 : f.win[d];
    buf[p + 14] = win >> 8; buf[p + 15] = win & 0xff;
    buf[p + 16] = 0; buf[p + 17] = 0; // checksum
    buf[p + 18] = 0; buf[p + 19] = 0; // urgent pointer
    let o = p + 20;
    if (opt !== OPT_NONE) {
      const tsval = (f.tsBase[d] + nowMs()) >>> 0;
      const tsecr = flags & SYN && !(flags & ACK) ? 0 : f.tsLast[1 - d];
      f.tsLast[d] = tsval;
      if (opt === OPT_SYN) {
        // MSS 1460, SACK permitted, timestamps, NOP, window scale 7 (Linux order)
        buf[o] = 2; buf[o + 1] = 4; buf[o + 2] = 0x05; buf[o + 3] = 0xb4;
        buf[o + 4] = 4; buf[o + 5] = 2;
        o += 6;
      } else {
        buf[o] = 1; buf[o + 1] = 1; // NOP NOP
        o += 2;
      }
      buf[o] = 8; buf[o + 1] = 10;
      buf.writeUInt32BE(tsval, o + 2);
      buf.writeUInt32BE(tsecr >>> 0, o + 6);
      o += 10;
      if (opt === OPT_SYN) { buf[o] = 1; buf[o + 1] = 3; buf[o + 2] = 3; buf[o + 3] = 7; o += 4; }
    }
    let sum = tp.pseudo + l4Len;
    for (let i = p; i < o; i += 2) sum += (buf[i] << 8) | buf[i + 1];
    if (payLen > 0) {
      pool.copy(buf, o, poff, poff + payLen);
      sum += poolSum(poff, payLen);
      if (payLen === MSS) stats.framesWithFullSegment++;
    }
    const c = ~fold(sum) & 0xffff;
    buf[p + 16] = c >> 8; buf[p + 17] = c & 0xff;
    stats.framesByProto.tcp++;
  }

  /** UDP datagram with an explicit payload (DNS). */
  function udpDgram(f, d, payload) {
    const tp = f.dir[d];
    const l4Len = 8 + payload.length;
    const p = beginFrame(f, d, l4Len);
    buf[p] = tp.sport >> 8; buf[p + 1] = tp.sport & 0xff;
    buf[p + 2] = tp.dport >> 8; buf[p + 3] = tp.dport & 0xff;
    buf[p + 4] = l4Len >> 8; buf[p + 5] = l4Len & 0xff;
    buf[p + 6] = 0; buf[p + 7] = 0;
    payload.copy(buf, p + 8);
    let sum = tp.pseudo + l4Len;
    const end = p + l4Len;
    let i = p;
    for (; i + 1 < end; i += 2) sum += (buf[i] << 8) | buf[i + 1];
    if (i < end) sum += buf[i] << 8;
    let c = ~fold(sum) & 0xffff;
    if (c === 0) c = 0xffff;
    buf[p + 6] = c >> 8; buf[p + 7] = c & 0xff;
    stats.framesByProto.udp++;
  }

  /** ICMP echo request (type 8) or reply (type 0), Linux ping's 56 data bytes. */
  function icmpEcho(f, d, type, id, seq) {
    const p = beginFrame(f, d, 64);
    buf[p] = type; buf[p + 1] = 0; buf[p + 2] = 0; buf[p + 3] = 0;
    buf[p + 4] = id >> 8; buf[p + 5] = id & 0xff;
    buf[p + 6] = seq >> 8; buf[p + 7] = seq & 0xff;
    buf.writeUInt32LE(tsSec, p + 8); buf.writeUInt32LE(0, p + 12);
    buf.writeUInt32LE(tsUsec, p + 16); buf.writeUInt32LE(0, p + 20);
    for (let i = 0; i < 40; i++) buf[p + 24 + i] = 0x10 + i;
    let sum = 0;
    for (let i = p; i < p + 64; i += 2) sum += (buf[i] << 8) | buf[i + 1];
    const c = ~fold(sum) & 0xffff;
    buf[p + 2] = c >> 8; buf[p + 3] = c & 0xff;
    stats.framesByProto.icmp++;
  }

  // ---- sessions (generators: each step writes exactly one frame, then yields)

  /** dir d sends `total` bytes in segments; the other side ACKs every second segment and the last. */
  function* sendData(f, d, total, ackLast) {
    const o = 1 - d;
    let left = total;
    let segs = 0;
    let retx = null;
    let retxIn = 0;
    while (left > 0) {
      const len = left > MSS ? MSS : left;
      left -= len;
      const poff = poolOffset(len);
      const flags = left === 0 ? PSH | ACK : ACK;
      tcpSeg(f, d, flags, f.seq[d], f.seq[o], OPT_TS, len, poff);
      if (retx === null && rnd() < RETX_P) {
        retx = { seq: f.seq[d], len, poff, flags };
        retxIn = 1 + int(3);
      }
      f.seq[d] = (f.seq[d] + len) >>> 0;
      segs++;
      yield;
      if (retx !== null && --retxIn === 0) {
        tcpSeg(f, d, retx.flags, retx.seq, f.seq[o], OPT_TS, retx.len, retx.poff);
        stats.retransmissions++;
        retx = null;
        yield;
      }
      if ((segs & 1) === 0 || (left === 0 && ackLast)) {
        tcpSeg(f, o, ACK, f.seq[o], f.seq[d], OPT_TS, 0, 0);
        yield;
      }
    }
    if (retx !== null) {
      tcpSeg(f, d, retx.flags, retx.seq, f.seq[o], OPT_TS, retx.len, retx.poff);
      stats.retransmissions++;
      yield;
      tcpSeg(f, o, ACK, f.seq[o], f.seq[d], OPT_TS, 0, 0);
      yield;
    }
  }

  function heavyResponse() {
    const u = rnd();
    if (u < 0.75) return range(300, 20_000);
    if (u < 0.97) return range(20_000, 200_000);
    return range(200_000, 1_000_000);
  }

  const SERVICES = [
    // port, weight, kind
    [443, 40, 'web'], [8080, 12, 'web'], [80, 8, 'web'], [5432, 12, 'db'], [3306, 8, 'db'],
    [6379, 12, 'kv'], [22, 3, 'ssh'], [2049, 5, 'bulk'],
  ];
  const SERVICE_TOTAL = SERVICES.reduce((s, x) => s + x[1], 0);
  const pickService = () => {
    let u = rnd() * SERVICE_TOTAL;
    for (const s of SERVICES) { if ((u -= s[1]) < 0) return s; }
    return SERVICES[0];
  };

  function* tcpSession(slot) {
    const cfg = pickVniCfg();
    const local = pick(cfg.hosts);
    const [port, , kind] = pickService();
    const localIsClient = rnd() < 0.6;
    const peer = localIsClient && (kind === 'web' && port === 443) && rnd() < 0.7 ? pick(publicPeers) : pick(internalPeers);
    const f = makeFlow(cfg, 6, local, peer, localIsClient, range(32768, 60999), port);
    stats.sessions.tcp++;
    slot.burst = kind === 'bulk' || kind === 'web' ? 6 : 2;
    const C = 0, S = 1;

    // handshake
    const isn = f.seq[C];
    tcpSeg(f, C, SYN, f.seq[C], 0, OPT_SYN, 0, 0);
    f.seq[C] = (f.seq[C] + 1) >>> 0;
    yield;
    if (rnd() < 0.01) { // SYN lost, sent again
      tcpSeg(f, C, SYN, isn, 0, OPT_SYN, 0, 0);
      stats.retransmissions++;
      yield;
    }
    if (rnd() < 0.015) { // nothing listening
      tcpSeg(f, S, RST | ACK, 0, f.seq[C], OPT_NONE, 0, 0);
      stats.tcpRefused++;
      return;
    }
    tcpSeg(f, S, SYN | ACK, f.seq[S], f.seq[C], OPT_SYN, 0, 0);
    f.seq[S] = (f.seq[S] + 1) >>> 0;
    yield;
    tcpSeg(f, C, ACK, f.seq[C], f.seq[S], OPT_TS, 0, 0);
    yield;

    // data
    if (kind === 'web') {
      if (port === 443) { // TLS-ish handshake sizes
        yield* sendData(f, C, range(230, 600), true);
        yield* sendData(f, S, range(2800, 6000), false);
        yield* sendData(f, C, range(64, 160), true);
      }
      const rounds = 1 + Math.floor(-Math.log(1 - rnd()) * 1.5);
      for (let r = 0; r < rounds; r++) {
        yield* sendData(f, C, rnd() < 0.08 ? range(3000, 60_000) : range(180, 1200), rnd() < 0.5);
        yield* sendData(f, S, heavyResponse(), true);
      }
    } else if (kind === 'db' || kind === 'kv') {
      const rounds = 2 + Math.floor(-Math.log(1 - rnd()) * 12);
      for (let r = 0; r < rounds; r++) {
        yield* sendData(f, C, kind === 'kv' ? range(30, 200) : range(60, 900), rnd() < 0.2);
        yield* sendData(f, S, kind === 'kv' ? range(5, 2000) : rnd() < 0.1 ? range(5000, 120_000) : range(20, 3000), true);
      }
    } else if (kind === 'ssh') {
      yield* sendData(f, S, range(21, 41), true); // banner
      yield* sendData(f, C, range(21, 41), true);
      yield* sendData(f, C, range(1400, 1600), true); // key exchange
      yield* sendData(f, S, range(1000, 1200), true);
      const keys = 10 + int(150);
      for (let k = 0; k < keys; k++) {
        yield* sendData(f, C, 36, false);
        yield* sendData(f, S, rnd() < 0.9 ? 36 : range(100, 4000), true);
      }
    } else { // bulk (NFS-like): large transfers one way
      const d = rnd() < 0.5 ? C : S;
      yield* sendData(f, C, range(100, 300), false);
      yield* sendData(f, d, range(100_000, 800_000), true);
    }

    // close
    const u = rnd();
    if (u < 0.06) { // abort
      const d = rnd() < 0.5 ? C : S;
      tcpSeg(f, d, RST | ACK, f.seq[d], f.seq[1 - d], OPT_NONE, 0, 0);
      stats.tcpClosedRst++;
      return;
    }
    const a = u < 0.5 ? C : S;
    const b = 1 - a;
    tcpSeg(f, a, FIN | ACK, f.seq[a], f.seq[b], OPT_TS, 0, 0);
    f.seq[a] = (f.seq[a] + 1) >>> 0;
    yield;
    if (rnd() < 0.04) { // the other end had already gone away
      tcpSeg(f, b, RST, f.seq[b], 0, OPT_NONE, 0, 0);
      stats.tcpClosedRst++;
      return;
    }
    tcpSeg(f, b, FIN | ACK, f.seq[b], f.seq[a], OPT_TS, 0, 0);
    f.seq[b] = (f.seq[b] + 1) >>> 0;
    yield;
    tcpSeg(f, a, ACK, f.seq[a], f.seq[b], OPT_TS, 0, 0);
    stats.tcpClosedFin++;
  }

  function dnsQuery(id, name, qtype) {
    const labels = name.split('.');
    const qlen = labels.reduce((s, l) => s + 1 + l.length, 1) + 4;
    const b = Buffer.alloc(12 + qlen);
    b.writeUInt16BE(id, 0);
    b.writeUInt16BE(0x0100, 2); // RD
    b.writeUInt16BE(1, 4);
    let o = 12;
    for (const l of labels) { b[o++] = l.length; o += b.write(l, o, 'ascii'); }
    b[o++] = 0;
    b.writeUInt16BE(qtype, o);
    b.writeUInt16BE(1, o + 2);
    return b;
  }

  function dnsResponse(q, qtype, answers, nx) {
    const per = qtype === 1 ? 16 : 28;
    const b = Buffer.alloc(q.length + (nx ? 0 : answers * per));
    q.copy(b);
    b.writeUInt16BE(nx ? 0x8183 : 0x8180, 2);
    b.writeUInt16BE(nx ? 0 : answers, 6);
    let o = q.length;
    if (!nx) {
      for (let i = 0; i < answers; i++) {
        b.writeUInt16BE(0xc00c, o); // pointer to the question name
        b.writeUInt16BE(qtype, o + 2);
        b.writeUInt16BE(1, o + 4);
        b.writeUInt32BE(range(5, 300), o + 6);
        b.writeUInt16BE(per - 12, o + 10);
        for (let k = 0; k < per - 12; k++) b[o + 12 + k] = qtype === 1 && k === 0 ? 10 : int(256);
        o += per;
      }
    }
    return b;
  }

  function* dnsSession(slot) {
    const cfg = pickVniCfg();
    const local = pick(cfg.hosts);
    const f = makeFlow(cfg, 17, local, RESOLVER, true, range(32768, 60999), 53);
    stats.sessions.udp++;
    slot.burst = 1;
    const name = pick(DNS_NAMES);
    const qtype = rnd() < 0.7 ? 1 : 28;
    const id = int(65536);
    const q = dnsQuery(id, name, qtype);
    udpDgram(f, 0, q);
    yield;
    if (rnd() < 0.02) return; // no answer
    udpDgram(f, 1, dnsResponse(q, qtype, 1 + int(3), rnd() < 0.05));
  }

  function* pingSession(slot) {
    const cfg = pickVniCfg();
    const local = pick(cfg.hosts);
    const localIsClient = rnd() < 0.7;
    const f = makeFlow(cfg, 1, local, pick(internalPeers), localIsClient, 0, 0);
    stats.sessions.icmp++;
    slot.burst = 1;
    const id = int(65536);
    const n = 1 + int(4);
    for (let s = 1; s <= n; s++) {
      icmpEcho(f, 0, 8, id, s);
      yield;
      icmpEcho(f, 1, 0, id, s);
      if (s < n) yield;
    }
  }

  function newSlot(slot) {
    const u = rnd();
    slot.gen = u < 0.62 ? tcpSession(slot) : u < 0.93 ? dnsSession(slot) : pingSession(slot);
  }

  // ---- schedule: pick a random live session, let it emit a short burst
  const t0 = process.hrtime.bigint();
  const slots = [];
  for (let i = 0; i < CONCURRENT; i++) {
    const slot = { gen: null, burst: 1 };
    newSlot(slot);
    slots.push(slot);
  }
  // Warm up so the capture opens mid-traffic (sessions already running, as a
  // real mirror session does), not with every session starting at once.
  const runSchedule = (limit) => {
    while (written < limit) {
      const slot = slots[int(CONCURRENT)];
      const n = 1 + int(slot.burst);
      for (let k = 0; k < n && written < limit; k++) {
        if (slot.gen.next().done) {
          newSlot(slot);
          break;
        }
      }
    }
  };
  runSchedule(CONCURRENT * 40);
  warmingUp = false;
  pos = 0;
  written = 0;
  stats = newStats();
  framesByVni = new Map();
  const firstSec = tsSec + tsUsec / 1e6;
  runSchedule(frames);
  flush();
  fs.closeSync(fd);
  fs.renameSync(tmpPath, outPath);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;

  stats.frames = written;
  const vniCounts = [...framesByVni.entries()].sort((a, b) => b[1] - a[1]);
  const meta = {
    file: outPath,
    frames: written,
    seed,
    fileBytes: bytesWritten,
    frameBytes: stats.bytes,
    meanFrameBytes: +(stats.bytes / written).toFixed(1),
    firstTs: new Date(firstSec * 1000).toISOString(),
    durationSec: +(tsSec + tsUsec / 1e6 - firstSec).toFixed(3),
    vnis: framesByVni.size,
    topVnis: vniCounts.slice(0, 5).map(([vni, n]) => ({ vni, frames: n })),
    mirrorSourceEnis: N_ENIS,
    ...stats,
    generationSeconds: +seconds.toFixed(3),
  };
  fs.writeFileSync(outPath.replace(/\.pcap$/, '') + '.json', JSON.stringify(meta, null, 2) + '\n');
  return meta;
}

/** Returns the cached capture's path, generating it first when it is missing. */
export function ensureCapture({ frames, seed, force = false, log = console.error }) {
  const out = cachePath(frames, seed);
  if (!force && fs.existsSync(out)) {
    log(`reusing ${path.relative(process.cwd(), out)} (${(fs.statSync(out).size / 1e6).toFixed(1)} MB)`);
    return out;
  }
  log(`generating ${frames} frames (seed ${seed}) -> ${path.relative(process.cwd(), out)} ...`);
  const meta = generateCapture({ frames, seed, out });
  log(
    `generated in ${meta.generationSeconds.toFixed(2)} s (${(meta.frames / meta.generationSeconds / 1e6).toFixed(2)} M frames/s): ` +
      `${(meta.fileBytes / 1e6).toFixed(1)} MB, ${meta.vnis} VNIs, ` +
      `${meta.sessions.tcp} TCP / ${meta.sessions.udp} DNS / ${meta.sessions.icmp} ICMP sessions`,
  );
  return out;
}

// ---------------------------------------------------------------- CLI

function parseArgs(argv) {
  const o = { frames: 1_000_000, seed: 1, out: null, force: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--frames') o.frames = Number(val());
    else if (a === '--seed') o.seed = Number(val());
    else if (a === '--out') o.out = val();
    else if (a === '--force') o.force = true;
    else if (a === '-h' || a === '--help') {
      console.log('usage: node bench/gen-aws-capture.mjs [--frames N] [--seed S] [--out PATH] [--force]');
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  if (!Number.isSafeInteger(o.frames) || o.frames < 1) throw new Error('--frames must be a positive integer');
  if (!Number.isInteger(o.seed)) throw new Error('--seed must be an integer');
  return o;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  try {
    const o = parseArgs(process.argv.slice(2));
    if (o.out) {
      const meta = generateCapture({ frames: o.frames, seed: o.seed, out: o.out });
      console.log(JSON.stringify(meta, null, 2));
    } else {
      ensureCapture({ frames: o.frames, seed: o.seed, force: o.force });
    }
  } catch (e) {
    console.error(`gen-aws-capture: ${e.message}`);
    process.exit(2);
  }
}
