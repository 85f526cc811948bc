#!/usr/bin/env node
// Writes vxmon's crafted captures into pcaps/crafted/ and, for each one, its
// tshark oracle (python3 pcaps/gen/oracle.py X > X.oracle.json, run from the
// repository root so the JSON records the exact command and relative path).
//
//   node pcaps/gen/make-fixtures.mjs            regenerate captures + oracles
//   node pcaps/gen/make-fixtures.mjs --check    regenerate into a temp dir and fail if any
//                                               committed capture or deviations file differs
//                                               byte for byte (no tshark needed)
//   node pcaps/gen/make-fixtures.mjs --no-oracle   captures only
//
// Everything is deterministic: fixed epoch, fixed ISNs, a seeded PRNG, no
// clock or randomness from the machine. Plain Node ESM, no dependencies.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  EtherType, IpProto, LinkType, PktType, addr, arp, dns, ethernet, filler, icmp, icmpv6,
  ipv4, ipv6, IPV6_OPT_ROUTER_ALERT, linuxSynOptions, ntp, pingPayload, sll, sll2,
  geneveOverIpv4, stripEthernet, tcp, tcpFlags, udp, vxlan, vxlanOverIpv4,
} from './packets.mjs';
import { writePcap, writePcapng } from './writers.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..', '..');
const CRAFTED_REL = path.join('pcaps', 'crafted');

const NS = 1_000_000_000n;
/** 2024-06-01T12:00:00Z: every capture's clock starts here. */
const T0 = 1_717_243_200n * NS;
/** Microseconds after T0 (plus optional extra nanoseconds) -> BigInt ns since 1970. */
const at = (us, ns = 0) => T0 + BigInt(Math.round(us)) * 1000n + BigInt(ns);

// ---------------------------------------------------------------- helpers

/** mulberry32: small seeded PRNG so jitter is reproducible. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function fnv1a(s) {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** AWS picks the outer UDP source port from a flow hash: same for both directions of a flow. */
const awsSourcePort = (vni, flow) => 49152 + (fnv1a(`${vni}|${flow}`) % 16384);

const flowKey = (proto, a, ap, b, bp) => {
  const x = `${a}:${ap}`;
  const y = `${b}:${bp}`;
  return `${proto}|${x < y ? x : y}|${x < y ? y : x}`;
};

const host = (name, mac, ip, extra = {}) => ({ name, mac, ip, ttl: 64, ...extra });
const isV6 = (ip) => ip.includes(':');

/** Inner IP packet (v4 or v6 chosen by the addresses) in an Ethernet frame padded to 60 bytes. */
function ipFrame(from, to, proto, l4, { id = 0, df = true, ttl, ext = [], vlans = [] } = {}) {
  const l3 = isV6(from.ip)
    ? ipv6({ src: from.ip, dst: to.ip, nextHeader: proto, payload: l4, hopLimit: ttl ?? from.ttl, ext })
    : ipv4({ src: from.ip, dst: to.ip, proto, payload: l4, ttl: ttl ?? from.ttl, id, df });
  return ethernet({ dst: to.mac, src: from.mac, vlans, type: isV6(from.ip) ? EtherType.IPV6 : EtherType.IPV4, payload: l3, pad: true });
}

/**
 * A scripted TCP conversation. steps: [who, flags, len?, opts?]
 *   who 'c' | 's'; flags like 'S', 'SA', 'A', 'PA', 'FA', 'RA'; or 'retx' to resend
 *   who's last data segment (same seq and payload, fresh timestamp option).
 *   len: payload bytes (filler), or a Buffer.
 *   opts: { dt (µs since previous packet), ackMinus (bytes to hold back from the ACK: a lost segment) }
 * Linux-like details: SYN options MSS/SACK-perm/TS/NOP/WS, NOP NOP TS on
 * every later segment, no options on RST, DF set, per-side IP ID counter.
 * Returns [{ t (µs), from, to, frame, flow }].
 */
function tcpSession({ client, server, cport, sport, t0, rtt = 2000, cIsn, sIsn, steps, vlans = [], ext = [] }) {
  const side = {
    c: { h: client, port: cport, seq: cIsn >>> 0, tsBase: (cIsn >>> 7) & 0x0fffffff, lastTs: 0, id: cIsn & 0xffff },
    s: { h: server, port: sport, seq: sIsn >>> 0, tsBase: (sIsn >>> 9) & 0x0fffffff, lastTs: 0, id: sIsn & 0xffff },
  };
  const flow = flowKey('tcp', client.ip, cport, server.ip, sport);
  const lastData = { c: null, s: null };
  const out = [];
  let t = t0;
  let prev = null;
  for (const [who, what, arg, opts = {}] of steps) {
    const me = side[who];
    const peer = side[who === 'c' ? 's' : 'c'];
    t += opts.dt ?? (prev === null ? 0 : prev === who ? 45 : rtt / 2);
    prev = who;
    let flags;
    let payload;
    let seq;
    if (what === 'retx') {
      ({ flags, payload, seq } = lastData[who]);
    } else {
      flags = what;
      payload = arg === undefined ? Buffer.alloc(0) : Buffer.isBuffer(arg) ? arg : filler(arg, me.seq % 97);
      seq = me.seq;
    }
    const f = tcpFlags(flags);
    const S = f & 0x02;
    const A = f & 0x10;
    const R = f & 0x04;
    const F = f & 0x01;
    const tsVal = (me.tsBase + Math.floor((t - t0) / 1000)) >>> 0;
    let options;
    if (R) options = [];
    else if (S) options = linuxSynOptions({ tsVal, tsEcr: A ? peer.lastTs : 0 });
    else options = [{ kind: 'nop' }, { kind: 'nop' }, { kind: 'ts', val: tsVal, ecr: peer.lastTs }];
    if (!R) me.lastTs = tsVal;
    const window = R ? 0 : S ? (A ? 65160 : 64240) : 502;
    const ack = A ? (peer.seq - (opts.ackMinus ?? 0)) >>> 0 : 0;
    const seg = tcp({ sport: me.port, dport: peer.port, seq, ack, flags: f, window, options, payload, src: me.h.ip, dst: peer.h.ip });
    if (what !== 'retx') {
      me.seq = (me.seq + payload.length + (S ? 1 : 0) + (F ? 1 : 0)) >>> 0;
      if (payload.length) lastData[who] = { flags, payload, seq };
    }
    const frame = ipFrame(me.h, peer.h, IpProto.TCP, seg, { id: me.id++ & 0xffff, ext, vlans });
    out.push({ t, from: me.h, to: peer.h, frame, flow });
  }
  return out;
}

/** One UDP datagram in an inner Ethernet frame. */
function udpPacket({ t, from, to, sport, dport, payload, id = 0, vlans = [], ext = [] }) {
  const seg = udp({ sport, dport, payload, src: from.ip, dst: to.ip });
  const frame = ipFrame(from, to, IpProto.UDP, seg, { id, df: false, vlans, ext });
  return { t, from, to, frame, flow: flowKey('udp', from.ip, sport, to.ip, dport) };
}

/** DNS query + answer between a client and a resolver. */
function dnsExchange({ t, client, resolver, sport, id, name, answer, qtype = 1, rtt = 800, vlans = [] }) {
  return [
    udpPacket({ t, from: client, to: resolver, sport, dport: 53, payload: dns({ id, name, qtype }), id: id & 0xffff, vlans }),
    udpPacket({ t: t + rtt, from: resolver, to: client, sport: 53, dport: sport, payload: dns({ id, name, qtype, response: true, answer }), vlans }),
  ];
}

/** ICMP / ICMPv6 echo request + reply (ping -s size). */
function pingPair({ t, from, to, id, seq, size = 56, rtt = 500, vlans = [], ext = [], replyExt = ext }) {
  const data = pingPayload(seq, size);
  if (isV6(from.ip)) {
    const rq = icmpv6({ type: 128, id, seq, payload: data, src: from.ip, dst: to.ip });
    const rp = icmpv6({ type: 129, id, seq, payload: data, src: to.ip, dst: from.ip });
    return [
      { t, from, to, frame: ipFrame(from, to, IpProto.ICMPV6, rq, { vlans, ext }), flow: flowKey('icmp6', from.ip, id, to.ip, id) },
      { t: t + rtt, from: to, to: from, frame: ipFrame(to, from, IpProto.ICMPV6, rp, { vlans, ext: replyExt }), flow: flowKey('icmp6', from.ip, id, to.ip, id) },
    ];
  }
  const rq = icmp({ type: 8, id, seq, payload: data });
  const rp = icmp({ type: 0, id, seq, payload: data });
  return [
    { t, from, to, frame: ipFrame(from, to, IpProto.ICMP, rq, { id: 0x4000 + seq, vlans }), flow: flowKey('icmp', from.ip, id, to.ip, id) },
    { t: t + rtt, from: to, to: from, frame: ipFrame(to, from, IpProto.ICMP, rp, { id: 0x6000 + seq, df: false, vlans }), flow: flowKey('icmp', from.ip, id, to.ip, id) },
  ];
}

/**
 * AWS VPC Traffic Mirroring: every packet the source ENI sends or receives,
 * wrapped in VXLAN (flags 0x08, the session's VNI) and sent from the ENI's
 * address to the mirror target. A packet between two mirrored ENIs is seen
 * by the sender at `t` and by the receiver 60 µs later.
 * packetLength: AWS "PacketLength" — the mirrored inner frame is cut to that
 * many bytes, then encapsulated whole (the outer headers describe the cut copy).
 */
function awsMirror({ vni, eni, target, packets, packetLength }) {
  const recs = [];
  const mine = (ip) => ip === eni.ip || ip === eni.ip6;
  for (const p of packets) {
    if (!mine(p.from.ip) && !mine(p.to.ip)) throw new Error(`packet ${p.from.ip}->${p.to.ip} does not involve ENI ${eni.ip}`);
    const ts = p.t + (mine(p.from.ip) ? 0 : p.from.internal ? 60 : 0);
    const inner = packetLength && p.frame.length > packetLength ? Buffer.from(p.frame.subarray(0, packetLength)) : p.frame;
    const data = vxlanOverIpv4({
      inner, vni, outerSrcMac: eni.eniMac, outerDstMac: target.mac, outerSrc: eni.ip, outerDst: target.ip,
      sport: awsSourcePort(vni, p.flow),
    });
    recs.push({ t: ts, data, innerLength: p.frame.length, innerCut: inner.length });
  }
  return recs;
}

/** Records (µs times) -> writer records, sorted by time (stable). */
function toRecords(recs, nsExtra = () => 0) {
  return [...recs]
    .sort((a, b) => a.t - b.t)
    .map((r, i) => ({ ts: at(r.t, nsExtra(i)), data: r.data, origLen: r.origLen }));
}

// ---------------------------------------------------------------- the VPC we pretend to mirror

const TARGET = host('mirror-target', '06:a0:00:00:64:05', '10.0.100.5');
const ROUTER = '06:ff:00:00:00:01'; // the VPC router's MAC as seen by the ENIs
const WEB = host('web', '06:11:00:00:01:0a', '10.0.1.10', { eniMac: '06:11:00:00:01:0a', internal: true, ip6: '2600:1f18:aaaa:1::a' });
const DB = host('db', '06:22:00:00:02:14', '10.0.2.20', { eniMac: '06:22:00:00:02:14', internal: true });
const BASTION = host('bastion', '06:33:00:00:03:1e', '10.0.3.30', { eniMac: '06:33:00:00:03:1e', internal: true });
const MON = host('monitor', '06:44:00:00:04:28', '10.0.4.40', { eniMac: '06:44:00:00:04:28', internal: true, ip6: '2600:1f18:aaaa:4::28' });
const RESOLVER = host('vpc-resolver', ROUTER, '10.0.0.2', { internal: true });
const TIMESYNC = host('amazon-time-sync', ROUTER, '169.254.169.123');
// Internet hosts reach the ENIs through the VPC router (documentation prefixes, RFC 5737).
const CLIENT_A = host('client-a', ROUTER, '198.51.100.23', { ttl: 49 });
const CLIENT_B = host('client-b', ROUTER, '203.0.113.77', { ttl: 52 });
const ADMIN = host('admin', ROUTER, '192.0.2.50', { ttl: 47 });

// ---------------------------------------------------------------- fixtures

/** aws-multi-vni.pcap: four mirror sessions, realistic interleaving. */
function awsMultiVni() {
  const VNI_WEB = 4012345;
  const VNI_DB = 4012346;
  const VNI_BASTION = 8123456;
  const VNI_MON = 16777215; // the largest 24-bit VNI
  const webSeen = [];
  const dbSeen = [];
  const bastionSeen = [];
  const monSeen = [];

  // (a) HTTP GET from the internet, server closes first.
  webSeen.push(...tcpSession({
    client: CLIENT_A, server: WEB, cport: 51000, sport: 80, t0: 10_000, rtt: 24_000, cIsn: 0x1a2b3c4d, sIsn: 0x5e6f7081,
    steps: [['c', 'S'], ['s', 'SA'], ['c', 'A'], ['c', 'PA', 120, { dt: 30 }], ['s', 'A'], ['s', 'PA', 1448, { dt: 900 }],
      ['s', 'PA', 1448], ['s', 'PA', 600], ['c', 'A'], ['s', 'FA', undefined, { dt: 5000 }], ['c', 'FA'], ['s', 'A']],
  }));
  // (b) HTTP with a lost + retransmitted segment (the ENI saw the original leave).
  webSeen.push(...tcpSession({
    client: CLIENT_B, server: WEB, cport: 40112, sport: 80, t0: 420_000, rtt: 31_000, cIsn: 0x00c0ffee, sIsn: 0x7fffff00,
    steps: [['c', 'S'], ['s', 'SA'], ['c', 'A'], ['c', 'PA', 150, { dt: 25 }], ['s', 'A'], ['s', 'PA', 1448, { dt: 700 }],
      ['s', 'PA', 1448], ['c', 'A', undefined, { ackMinus: 1448 }], ['s', 'retx', undefined, { dt: 210_000 }], ['c', 'A'],
      ['s', 'PA', 300, { dt: 60 }], ['c', 'A'], ['c', 'FA', undefined, { dt: 2000 }], ['s', 'FA'], ['c', 'A']],
  }));
  // (c) web -> db (PostgreSQL), mirrored by both ENIs; client closes with FIN.
  const pg = tcpSession({
    client: WEB, server: DB, cport: 41000, sport: 5432, t0: 800_000, rtt: 400, cIsn: 0x10203040, sIsn: 0x50607080,
    steps: [['c', 'S'], ['s', 'SA'], ['c', 'A'], ['c', 'PA', 80, { dt: 20 }], ['s', 'PA', 300], ['c', 'PA', 40],
      ['s', 'PA', 900], ['c', 'PA', 5, { dt: 3000 }], ['c', 'FA'], ['s', 'FA'], ['c', 'A']],
  });
  // (d) web -> db aborted with RST|ACK after the first exchange.
  const pgAbort = tcpSession({
    client: WEB, server: DB, cport: 41002, sport: 5432, t0: 1_300_000, rtt: 400, cIsn: 0x0badcafe, sIsn: 0x0defaced,
    steps: [['c', 'S'], ['s', 'SA'], ['c', 'A'], ['c', 'PA', 80, { dt: 20 }], ['s', 'PA', 300], ['c', 'RA', undefined, { dt: 1500 }]],
  });
  // (e) monitor -> web:8080, nothing listening: SYN, RST|ACK. Seen by both ENIs.
  const refused = tcpSession({
    client: MON, server: WEB, cport: 43000, sport: 8080, t0: 3_000_000, rtt: 300, cIsn: 0x31415926, sIsn: 0,
    steps: [['c', 'S'], ['s', 'RA']],
  });
  webSeen.push(...pg, ...pgAbort, ...refused);
  dbSeen.push(...pg, ...pgAbort);
  monSeen.push(...refused);
  // DNS from web.
  webSeen.push(...dnsExchange({ t: 5_000, client: WEB, resolver: RESOLVER, sport: 53001, id: 0x1001, name: 'api.example.com', answer: '192.0.2.10' }));
  webSeen.push(...dnsExchange({ t: 6_500, client: WEB, resolver: RESOLVER, sport: 53002, id: 0x1002, name: 'api.example.com', qtype: 28, answer: '2001:db8::10' }));
  // (f) SSH to the bastion from the internet.
  bastionSeen.push(...tcpSession({
    client: ADMIN, server: BASTION, cport: 52022, sport: 22, t0: 1_700_000, rtt: 38_000, cIsn: 0x2468ace0, sIsn: 0x13579bdf,
    steps: [['c', 'S'], ['s', 'SA'], ['c', 'A'], ['s', 'PA', 41, { dt: 4000 }], ['c', 'A'], ['c', 'PA', 41, { dt: 200 }],
      ['s', 'A'], ['c', 'PA', 1512, { dt: 100 }], ['s', 'PA', 1080], ['c', 'A'], ['c', 'PA', 48], ['s', 'PA', 564],
      ['c', 'PA', 16], ['c', 'PA', 52, { dt: 900 }], ['s', 'A'], ['s', 'PA', 36], ['c', 'PA', 100, { dt: 150_000 }],
      ['s', 'PA', 100], ['c', 'FA', undefined, { dt: 3000 }], ['s', 'FA'], ['c', 'A']],
  }));
  bastionSeen.push(...dnsExchange({ t: 1_650_000, client: BASTION, resolver: RESOLVER, sport: 39000, id: 0x2001, name: 'db.internal', answer: '10.0.2.20' }));
  // (g) bastion pings db once a second: both ENIs see it.
  for (let s = 1; s <= 4; s++) {
    const pair = pingPair({ t: 2_500_000 + (s - 1) * 1_000_000, from: BASTION, to: DB, id: 0x0b0b, seq: s, rtt: 350 });
    bastionSeen.push(...pair);
    dbSeen.push(...pair);
  }
  // (h) monitor: Amazon Time Sync (NTP) twice, and a short IPv6 HTTP exchange with web.
  for (const [i, t] of [[0, 300_000], [1, 4_300_000]]) {
    monSeen.push(udpPacket({ t, from: MON, to: TIMESYNC, sport: 123, dport: 123, payload: ntp({ mode: 3, txSeconds: 1717243200 + i * 4 }) }));
    monSeen.push(udpPacket({ t: t + 300, from: TIMESYNC, to: MON, sport: 123, dport: 123, payload: ntp({ mode: 4, stratum: 3, txSeconds: 1717243200 + i * 4 }) }));
  }
  const MON6 = { ...MON, ip: MON.ip6 };
  const WEB6 = { ...WEB, ip: WEB.ip6 };
  const v6 = tcpSession({
    client: MON6, server: WEB6, cport: 45100, sport: 80, t0: 3_800_000, rtt: 350, cIsn: 0x66666666, sIsn: 0x77777777,
    steps: [['c', 'S'], ['s', 'SA'], ['c', 'A'], ['c', 'PA', 96], ['s', 'A'], ['s', 'PA', 512], ['c', 'A'],
      ['c', 'FA', undefined, { dt: 800 }], ['s', 'FA'], ['c', 'A']],
  });
  monSeen.push(...v6);
  webSeen.push(...v6);

  const recs = [
    ...awsMirror({ vni: VNI_WEB, eni: WEB, target: TARGET, packets: webSeen }),
    ...awsMirror({ vni: VNI_DB, eni: DB, target: TARGET, packets: dbSeen }),
    ...awsMirror({ vni: VNI_BASTION, eni: BASTION, target: TARGET, packets: bastionSeen }),
    ...awsMirror({ vni: VNI_MON, eni: MON, target: TARGET, packets: monSeen }),
  ];
  return writePcap(toRecords(recs));
}

/** packetlength-100.pcap: one AWS session with PacketLength = 100. */
const PL_VNI = 3141592;
function packetLength100() {
  const APP = host('app', '06:55:00:00:05:32', '10.0.5.50', { eniMac: '06:55:00:00:05:32', internal: true });
  const seen = [];
  // HTTP: SYN 74, SYN-ACK 74, ACK 66, GET 14+20+32+34 = 100 (exactly the limit: not cut),
  // then three server segments of 1514, 1514 and 766 bytes (cut), and 66-byte ACK/FINs.
  seen.push(...tcpSession({
    client: CLIENT_A, server: APP, cport: 50500, sport: 80, t0: 1_000, rtt: 20_000, cIsn: 0x01010101, sIsn: 0x02020202,
    steps: [['c', 'S'], ['s', 'SA'], ['c', 'A'], ['c', 'PA', 34, { dt: 40 }], ['s', 'A'], ['s', 'PA', 1448, { dt: 1200 }],
      ['s', 'PA', 1448], ['s', 'PA', 700], ['c', 'A'], ['c', 'FA', undefined, { dt: 500 }], ['s', 'FA'], ['c', 'A']],
  }));
  // ping: 98-byte frames (kept whole), then ping -s 200: 242-byte frames (cut).
  seen.push(...pingPair({ t: 200_000, from: BASTION, to: APP, id: 0x0c0c, seq: 1, rtt: 300 }));
  seen.push(...pingPair({ t: 400_000, from: BASTION, to: APP, id: 0x0c0c, seq: 2, size: 200, rtt: 300 }));
  // syslog over UDP: 14 + 20 + 8 + 150 = 192 bytes (cut).
  const msg = Buffer.from('<134>Jun  1 12:00:00 app nginx: 198.51.100.23 - - "GET /index.html HTTP/1.1" 200 3596 "-" "curl/8.5.0" rt=0.004 uct=0.000 uht=0.003', 'ascii');
  const msg150 = Buffer.concat([msg, Buffer.alloc(150 - msg.length, 0x20)]);
  seen.push(udpPacket({ t: 600_000, from: APP, to: { ...RESOLVER, ip: '10.0.0.99', name: 'log-collector' }, sport: 41514, dport: 514, payload: msg150 }));
  const recs = awsMirror({ vni: PL_VNI, eni: APP, target: TARGET, packets: seen, packetLength: 100 });
  const cut = recs.filter((r) => r.innerCut < r.innerLength).length;
  // Hand count: 3 HTTP data segments + 2 large pings + 1 syslog = 6 of 17 frames.
  if (recs.length !== 17 || cut !== PL_TRUNCATED) throw new Error(`packetlength-100: ${recs.length} frames, ${cut} cut`);
  return writePcap(toRecords(recs));
}
const PL_TRUNCATED = 6;

const PL_DEVIATIONS = {
  reason:
    'AWS VPC Traffic Mirroring with PacketLength=100 copies only the first 100 bytes of each mirrored frame (the bytes after the VXLAN header) ' +
    'and encapsulates that copy whole, so every outer length is consistent and frame.cap_len == frame.len: tshark has nothing to call truncated ' +
    '(oracle truncated_frames = 0). vxmon sees that the inner IP total length (e.g. 1500) is larger than the inner bytes present and flags the ' +
    'frame truncated (DESIGN.md section 3 rule 4: truncation is a flag, byte counts come from the IP total length). ' +
    'Hand count: the 3 full-size HTTP response segments (1514/1514/766-byte inner frames), the 2 frames of a 200-byte ping (242 bytes) and ' +
    'the 1 syslog datagram (192 bytes) are cut; the 74/66-byte TCP control segments, the exactly-100-byte GET and the 98-byte ping frames are not. ' +
    'Every other field (frames, bytes from the IP length, L4 mix, TCP flags) is expected to match the tshark oracle.',
  fields: { [String(PL_VNI)]: { truncated_frames: PL_TRUNCATED } },
};

/** Ethernet/IPv4 frames of a plain (non-AWS) VXLAN sender, e.g. a Linux vxlan device. */
function kernelVxlan({ inner, vni, t, flags = 0x08, reserved1 = 0, reserved2 = 0, outerVlans = [], src = '192.168.50.11', dst = '192.168.50.12', dport = 4789, sport, id = 0 }) {
  const s = sport ?? 32768 + (fnv1a(inner.subarray(26, 38).toString('hex')) % 28232);
  return {
    t,
    data: vxlanOverIpv4({
      inner, vni, flags, reserved1, reserved2, outerVlans, outerSrcMac: '52:54:00:12:34:01', outerDstMac: '52:54:00:12:34:02',
      outerSrc: src, outerDst: dst, sport: s, dport, ttl: 64, id, df: true,
    }),
  };
}

const VM1 = host('vm1', '02:00:00:aa:00:01', '172.16.0.1');
const VM2 = host('vm2', '02:00:00:aa:00:02', '172.16.0.2');

/** bad-flags.pcap: valid frames (VNI 100) mixed with frames whose I flag is clear. */
function badFlags() {
  const recs = [];
  let t = 1_000;
  let id = 100;
  const add = (inner, vni, flags) => { recs.push(kernelVxlan({ inner, vni, flags, t, id: id++ })); t += 1_000; };
  const ok = [...pingPair({ t: 0, from: VM1, to: VM2, id: 1, seq: 1 }), ...pingPair({ t: 0, from: VM1, to: VM2, id: 1, seq: 2 })];
  const bad = [...pingPair({ t: 0, from: VM1, to: VM2, id: 2, seq: 1 }), ...pingPair({ t: 0, from: VM1, to: VM2, id: 2, seq: 2 }), ...pingPair({ t: 0, from: VM1, to: VM2, id: 2, seq: 3 })];
  add(ok[0].frame, 100, 0x08); //   1 valid
  add(bad[0].frame, 200, 0x00); //  2 I flag clear (flags 0x00), VNI 200
  add(ok[1].frame, 100, 0x08); //   3 valid
  add(bad[1].frame, 200, 0x00); //  4 flags 0x00
  add(bad[2].frame, 300, 0x80); //  5 flags 0x80: only a reserved bit, I clear, VNI 300
  add(ok[2].frame, 100, 0x08); //   6 valid
  add(bad[3].frame, 200, 0x00); //  7 flags 0x00
  add(bad[4].frame, 300, 0x80); //  8 flags 0x80
  add(bad[5].frame, 0, 0x00); //    9 an all-zero VXLAN header (flags 0, VNI 0)
  add(ok[3].frame, 100, 0x08); //  10 valid
  return writePcap(toRecords(recs));
}

const BAD_FLAGS_DEVIATIONS = {
  reason:
    'RFC 7348 section 5: the I flag MUST be set for a valid VNI. tshark decodes any UDP/4789 payload as VXLAN and reports its VNI whatever the ' +
    'flags, so the oracle lists VNIs 0, 200 and 300; vxmon drops those 6 frames as vxlan_i_flag_unset (DESIGN.md section 4) and reports no such VNI. ' +
    'Frames 2, 4, 7 (flags 0x00, VNI 200), 5, 8 (flags 0x80, VNI 300) and 9 (all-zero header, VNI 0). VNI 100 (4 valid frames) matches the oracle.',
  fields: { 0: { frames: 0 }, 200: { frames: 0 }, 300: { frames: 0 } },
};

/** reserved-bits.pcap: I flag set, reserved bits set in various places (VNI 20); clean frames in VNI 10. */
function reservedBits() {
  const recs = [];
  let t = 1_000;
  let id = 300;
  const add = (inner, vni, flags, reserved1 = 0, reserved2 = 0) => { recs.push(kernelVxlan({ inner, vni, flags, reserved1, reserved2, t, id: id++ })); t += 1_000; };
  const q = (i) => udpPacket({ t: 0, from: VM1, to: VM2, sport: 40000 + i, dport: 514, payload: Buffer.from(`<13>Jun  1 12:00:0${i} vm1 test: reserved-bits frame ${i}`) }).frame;
  add(q(1), 10, 0x08); //                        1 clean
  add(q(2), 20, 0x88); //                        2 flags 0x88 (GBP 'G' bit, reserved in RFC 7348)
  add(q(3), 10, 0x08); //                        3 clean
  add(q(4), 20, 0x0c); //                        4 flags 0x0c (VXLAN-GPE 'P' bit)
  add(q(5), 20, 0xff); //                        5 every flag bit
  add(q(6), 10, 0x08); //                        6 clean
  add(q(7), 20, 0x08, 0x000001); //              7 lowest bit of the 24-bit reserved field after the flags
  add(q(8), 20, 0x08, 0, 0x01); //               8 the reserved byte after the VNI
  add(q(9), 20, 0x08, 0xabcdef, 0xff); //        9 both reserved fields
  add(q(10), 10, 0x08); //                      10 clean
  return writePcap(toRecords(recs));
}

/** inner-vlan.pcap: inner 802.1Q and an inner QinQ frame. */
function innerVlan() {
  const recs = [];
  let t = 1_000;
  const add = (p) => { recs.push(kernelVxlan({ inner: p.frame, vni: 500, t, id: t / 1000 })); t += 1_000; };
  const q1 = [{ vid: 10 }];
  const qinq = [{ tpid: EtherType.QINQ, vid: 100 }, { vid: 20, pcp: 3 }];
  for (const p of pingPair({ t: 0, from: VM1, to: VM2, id: 7, seq: 1, vlans: q1 })) add(p); //                    1-2  802.1Q 10, ICMP
  for (const p of tcpSession({ client: VM1, server: VM2, cport: 33000, sport: 443, t0: 0, cIsn: 1000, sIsn: 2000, vlans: qinq, steps: [['c', 'S'], ['s', 'SA']] })) add(p); // 3-4 QinQ, TCP SYN / SYN-ACK
  // 5-6 802.1Q 10 carrying ARP who-has / is-at (inner L3 is not IP)
  add({ frame: ethernet({ dst: 'ff:ff:ff:ff:ff:ff', src: VM1.mac, vlans: q1, type: EtherType.ARP, payload: arp({ op: 1, sha: VM1.mac, spa: VM1.ip, tpa: VM2.ip }), pad: true }) });
  add({ frame: ethernet({ dst: VM1.mac, src: VM2.mac, vlans: q1, type: EtherType.ARP, payload: arp({ op: 2, sha: VM2.mac, spa: VM2.ip, tha: VM1.mac, tpa: VM1.ip }), pad: true }) });
  return writePcap(toRecords(recs));
}

/** outer-vlan.pcap: outer 802.1Q (VNI 600) and outer 802.1ad + 802.1Q (VNI 601). */
function outerVlan() {
  const recs = [];
  let t = 1_000;
  const add = (p, vni, outerVlans) => { recs.push(kernelVxlan({ inner: p.frame, vni, outerVlans, t, id: t / 1000 })); t += 1_000; };
  const dot1q = [{ vid: 5 }];
  const qinq = [{ tpid: EtherType.QINQ, vid: 100 }, { vid: 200 }];
  for (const p of pingPair({ t: 0, from: VM1, to: VM2, id: 9, seq: 1 })) add(p, 600, dot1q); //                   1-2
  add(udpPacket({ t: 0, from: VM1, to: VM2, sport: 5353, dport: 53, payload: dns({ id: 9, name: 'vm2.lan' }) }), 600, dot1q); // 3
  for (const p of pingPair({ t: 0, from: VM2, to: VM1, id: 10, seq: 1 })) add(p, 601, qinq); //                   4-5
  add(udpPacket({ t: 0, from: VM2, to: VM1, sport: 5353, dport: 53, payload: dns({ id: 10, name: 'vm1.lan' }) }), 601, qinq); // 6
  return writePcap(toRecords(recs));
}

const V6A = host('v6a', '02:00:00:bb:00:01', '2001:db8:10::1');
const V6B = host('v6b', '02:00:00:bb:00:02', '2001:db8:20::2');
const padOpt = (n) => Buffer.concat([Buffer.from([1, n - 2]), Buffer.alloc(n - 2)]); // one PadN option of n bytes

/** inner-ipv6.pcap: inner IPv6 TCP, ICMPv6 and UDP with hop-by-hop / destination-options headers. */
function innerIpv6() {
  const recs = [];
  let t = 1_000;
  const add = (p) => { recs.push(kernelVxlan({ inner: p.frame, vni: 700, t, id: t / 1000 })); t += 1_000; };
  // 1-8: plain IPv6 TCP session, FIN both ways
  for (const p of tcpSession({ client: V6A, server: V6B, cport: 40000, sport: 443, t0: 0, cIsn: 0xaaaa0000, sIsn: 0xbbbb0000,
    steps: [['c', 'S'], ['s', 'SA'], ['c', 'A'], ['c', 'PA', 200], ['s', 'PA', 800], ['c', 'FA'], ['s', 'FA'], ['c', 'A']] })) add(p);
  // 9-10: ICMPv6 echo; request with hop-by-hop (router alert) + destination options, reply with destination options
  for (const p of pingPair({ t: 0, from: V6A, to: V6B, id: 0x66, seq: 1,
    ext: [{ type: 'hbh', options: IPV6_OPT_ROUTER_ALERT }, { type: 'dst', options: padOpt(6) }],
    replyExt: [{ type: 'dst', options: padOpt(14) }] })) add(p);
  // 11-12: DNS over IPv6, the query behind a hop-by-hop header
  add(udpPacket({ t: 0, from: V6A, to: V6B, sport: 50053, dport: 53, payload: dns({ id: 0x600d, name: 'v6b.example', qtype: 28 }), ext: [{ type: 'hbh', options: padOpt(6) }] }));
  add(udpPacket({ t: 0, from: V6B, to: V6A, sport: 53, dport: 50053, payload: dns({ id: 0x600d, name: 'v6b.example', qtype: 28, response: true, answer: V6B.ip }) }));
  // 13-14: TCP SYN behind destination options, answered by RST|ACK
  for (const p of tcpSession({ client: V6A, server: V6B, cport: 40001, sport: 8443, t0: 0, cIsn: 0xcccc0000, sIsn: 0,
    ext: [{ type: 'dst', options: padOpt(6) }], steps: [['c', 'S'], ['s', 'RA']] })) add(p);
  return writePcap(toRecords(recs));
}

/** outer-ipv6.pcap: VXLAN over an outer IPv6 header (UDP checksum filled in), one TCP session (VNI 800). */
function outerIpv6() {
  const recs = [];
  let t = 1_000;
  const O1 = '2001:db8:ffff::11';
  const O2 = '2001:db8:ffff::12';
  const add = (p) => {
    const vx = vxlan({ vni: 800, payload: p.frame });
    const sport = 32768 + (fnv1a(p.flow) % 28232);
    const u = udp({ sport, dport: 4789, payload: vx, src: O1, dst: O2 });
    const ip = ipv6({ src: O1, dst: O2, nextHeader: IpProto.UDP, payload: u, hopLimit: 64, flowLabel: fnv1a(p.flow) & 0xfffff });
    recs.push({ t, data: ethernet({ dst: '52:54:00:12:34:02', src: '52:54:00:12:34:01', type: EtherType.IPV6, payload: ip }) });
    t += 1_000;
  };
  for (const p of tcpSession({ client: VM1, server: VM2, cport: 36000, sport: 80, t0: 0, cIsn: 0x11110000, sIsn: 0x22220000,
    steps: [['c', 'S'], ['s', 'SA'], ['c', 'A'], ['c', 'PA', 90], ['s', 'A'], ['s', 'PA', 1200], ['c', 'A'], ['c', 'FA'], ['s', 'FA'], ['c', 'A']] })) add(p);
  return writePcap(toRecords(recs));
}

/** Split an IPv4 datagram's payload into fragments of at most `size` bytes (multiple of 8). */
function ipv4Fragments({ from, to, proto, payload, size, id }) {
  const frames = [];
  for (let off = 0; off < payload.length; off += size) {
    const part = payload.subarray(off, Math.min(off + size, payload.length));
    const mf = off + size < payload.length;
    const l3 = ipv4({ src: from.ip, dst: to.ip, proto, payload: part, id, mf, fragOffset: off, ttl: from.ttl });
    frames.push(ethernet({ dst: to.mac, src: from.mac, type: EtherType.IPV4, payload: l3, pad: true }));
  }
  return frames;
}

function ipv6Fragments({ from, to, proto, payload, size, id }) {
  const frames = [];
  for (let off = 0; off < payload.length; off += size) {
    const part = payload.subarray(off, Math.min(off + size, payload.length));
    const m = off + size < payload.length;
    const l3 = ipv6({ src: from.ip, dst: to.ip, nextHeader: proto, payload: part, ext: [{ type: 'frag', offset: off, m, id }], hopLimit: from.ttl });
    frames.push(ethernet({ dst: to.mac, src: from.mac, type: EtherType.IPV6, payload: l3 }));
  }
  return frames;
}

/** inner-fragments.pcap: an inner IPv4 UDP datagram in 3 fragments (VNI 900), an inner IPv6 fragment pair (VNI 901). */
function innerFragments() {
  const recs = [];
  let t = 1_000;
  const add = (frame, vni) => { recs.push(kernelVxlan({ inner: frame, vni, t, id: t / 1000 })); t += 1_000; };
  // VNI 900: frame 1 an unfragmented DNS query; frames 2-4 a 3000-byte UDP payload (3008-byte datagram)
  // in fragments of 1480 / 1480 / 48 bytes: first (MF, offset 0, carries the UDP header), middle, last.
  add(udpPacket({ t: 0, from: VM1, to: VM2, sport: 5300, dport: 53, payload: dns({ id: 0x900, name: 'frag.test' }) }).frame, 900);
  const d4 = udp({ sport: 7000, dport: 7001, payload: filler(3000, 3), src: VM1.ip, dst: VM2.ip });
  for (const f of ipv4Fragments({ from: VM1, to: VM2, proto: IpProto.UDP, payload: d4, size: 1480, id: 0x4242 })) add(f, 900);
  // VNI 901: a 2000-byte UDP payload over IPv6 in 2 fragments (1448 + 560 bytes of the 2008-byte UDP datagram).
  const d6 = udp({ sport: 7000, dport: 7001, payload: filler(2000, 5), src: V6A.ip, dst: V6B.ip });
  for (const f of ipv6Fragments({ from: V6A, to: V6B, proto: IpProto.UDP, payload: d6, size: 1448, id: 0x00c0ffee })) add(f, 901);
  return writePcap(toRecords(recs));
}

const FRAG_DEVIATIONS = {
  reason:
    'tshark reassembles fragments (ip.defragment and ipv6.defragment are on by default): it shows the first and middle fragments as "data" ' +
    '(the oracle puts them under inner_l4 "data", which the golden test maps to other) and only the frame that completes the datagram as UDP; ' +
    'and the oracle has no inner IPv6 fragment count. vxmon does not reassemble: only a fragment with offset 0 carries an L4 header, so only it ' +
    'is counted in the L4 mix (under the protocol its header names); later fragments count as IP packets and fragments but in no L4 column; ' +
    'IPv6 fragments count in inner_fragments as IPv4 ones do. ' +
    'VNI 900: the DNS query + the first IPv4 fragment = 2 UDP, 0 other (the oracle: 2 UDP = DNS + the reassembling last fragment, 2 "data"); ' +
    '3 fragments (the oracle\'s inner_ipv4_fragments agrees). VNI 901: the first IPv6 fragment = 1 UDP, 0 other; 2 fragments. ' +
    'Frames, bytes and packet counts match the oracle.',
  fields: {
    900: { l4: { udp: 2, other: 0 } },
    901: { l4: { udp: 1, other: 0 }, inner_fragments: 2 },
  },
};

/** non-vxlan-udp.pcap: ordinary UDP on other ports, mixed with a few VXLAN frames (VNI 1000). */
function nonVxlanUdp() {
  const recs = [];
  let t = 1_000;
  const HOSTA = host('a', '52:54:00:12:34:01', '192.168.50.11');
  const HOSTB = host('b', '52:54:00:12:34:02', '192.168.50.12');
  const NS1 = host('ns', '52:54:00:12:34:03', '192.168.50.53');
  const plain = (p) => { recs.push({ t, data: p.frame }); t += 1_000; };
  const tunneled = (p) => { recs.push(kernelVxlan({ inner: p.frame, vni: 1000, t, id: t / 1000 })); t += 1_000; };
  for (const p of dnsExchange({ t: 0, client: HOSTA, resolver: NS1, sport: 41000, id: 0xd001, name: 'example.org', answer: '192.0.2.1' })) plain(p); // 1-2  udp/53
  const pings = pingPair({ t: 0, from: VM1, to: VM2, id: 0x1000, seq: 1 });
  tunneled(pings[0]); //                                                                                                 3    VXLAN
  plain(udpPacket({ t: 0, from: HOSTA, to: NS1, sport: 123, dport: 123, payload: ntp({ mode: 3, txSeconds: 1717243200 }) })); // 4  udp/123
  plain(udpPacket({ t: 0, from: NS1, to: HOSTA, sport: 123, dport: 123, payload: ntp({ mode: 4, stratum: 2, txSeconds: 1717243200 }) })); // 5
  tunneled(pings[1]); //                                                                                                 6    VXLAN
  plain(udpPacket({ t: 0, from: HOSTA, to: NS1, sport: 38514, dport: 514, payload: Buffer.from('<30>Jun  1 12:00:06 a systemd[1]: Started vxmon.service.') })); // 7 udp/514
  plain(udpPacket({ t: 0, from: HOSTB, to: NS1, sport: 38515, dport: 514, payload: Buffer.from('<30>Jun  1 12:00:07 b kernel: eth0: link up') })); //          8 udp/514
  for (const p of dnsExchange({ t: 0, client: VM1, resolver: VM2, sport: 42000, id: 0xd002, name: 'vm2.lan', answer: VM2.ip })) tunneled(p); //         9-10 VXLAN
  // 11: a VXLAN-looking payload sent FROM port 4789 to an ephemeral port (a reply direction): not a tunnel frame.
  const inner11 = pingPair({ t: 0, from: VM2, to: VM1, id: 0x1001, seq: 1 })[0].frame;
  recs.push({ t, data: vxlanOverIpv4({ inner: inner11, vni: 1000, outerSrcMac: HOSTB.mac, outerDstMac: HOSTA.mac, outerSrc: HOSTB.ip, outerDst: HOSTA.ip, sport: 4789, dport: 51234, ttl: 64, df: true }) });
  t += 1_000;
  // 12: VXLAN to the Linux kernel's legacy port 8472: not a tunnel port for vxmon's default config.
  const inner12 = pingPair({ t: 0, from: VM2, to: VM1, id: 0x1002, seq: 1 })[0].frame;
  recs.push(kernelVxlan({ inner: inner12, vni: 1000, t, dport: 8472, sport: 40000 }));
  return writePcap(toRecords(recs));
}

// ---- link-layer twins: the same 11 IPv4 packets on several link types and file formats

const TWIN_VNI = 1100;
/** The Ethernet frames every twin carries: 10 VXLAN frames (VNI 1100) and 1 DNS query from the host itself. */
function twinFrames() {
  const out = [];
  let t = 1_000;
  const tun = (p) => { out.push({ t, data: kernelVxlan({ inner: p.frame, vni: TWIN_VNI, t, id: t / 1000 }).data, pktType: PktType.HOST }); t += 1_234; };
  for (const p of pingPair({ t: 0, from: VM1, to: VM2, id: 0x1100, seq: 1 })) tun(p); //  1-2
  for (const p of tcpSession({ client: VM1, server: VM2, cport: 34000, sport: 8080, t0: 0, cIsn: 0x0a0b0c0d, sIsn: 0x01020304,
    steps: [['c', 'S'], ['s', 'SA'], ['c', 'A'], ['c', 'PA', 64], ['s', 'PA', 256], ['c', 'FA'], ['s', 'FA'], ['c', 'A']] })) tun(p); // 3-10
  const h = host('me', '52:54:00:12:34:02', '192.168.50.12');
  const ns1 = host('ns', '52:54:00:12:34:03', '192.168.50.53');
  out.splice(5, 0, { t: 1_000 + 5 * 1_234 - 600, data: udpPacket({ t: 0, from: h, to: ns1, sport: 45000, dport: 53, payload: dns({ id: 0x7777, name: 'example.net' }) }).frame, pktType: PktType.OUTGOING }); // 6: not a tunnel frame
  return out;
}
/** Sub-microsecond digits for the nanosecond files: frame i gets i*111 + 7 extra ns. */
const twinNs = (i) => i * 111 + 7;
const twinRecords = (map = (f) => f.data) => twinFrames().map((f, i) => ({ ts: at(f.t, twinNs(i)), data: map(f) }));

function toSll(f) {
  const { type, l3 } = stripEthernet(f.data);
  return sll({ pktType: f.pktType, address: f.data.subarray(6, 12).toString('hex').match(/../g).join(':'), protocol: type, payload: l3 });
}
function toSll2(f) {
  const { type, l3 } = stripEthernet(f.data);
  return sll2({ protocol: type, ifindex: 2, pktType: f.pktType, address: f.data.subarray(6, 12).toString('hex').match(/../g).join(':'), payload: l3 });
}

function twoInterfaces() {
  const frames = twinFrames();
  const interfaces = [
    { linkType: LinkType.ETHERNET, tsresol: 6, name: 'ens5' },
    { linkType: LinkType.LINUX_SLL, tsresol: 9, name: 'any' },
  ];
  // Even frames on the Ethernet interface (µs clock), odd frames on the cooked one (ns clock).
  const packets = frames.map((f, i) => (i % 2 === 0
    ? { iface: 0, ts: at(f.t), data: f.data }
    : { iface: 1, ts: at(f.t, twinNs(i)), data: toSll(f) }));
  return writePcapng(interfaces, packets);
}

/** snaplen-128.pcap: a capture taken with -s 128: big frames are cut (caplen < len) but every header is whole. */
function snaplen128() {
  const recs = [];
  let t = 1_000;
  for (const p of tcpSession({ client: VM1, server: VM2, cport: 39000, sport: 80, t0: 0, cIsn: 0x12340000, sIsn: 0x56780000,
    steps: [['c', 'S'], ['s', 'SA'], ['c', 'A'], ['c', 'PA', 100], ['s', 'PA', 1448], ['s', 'PA', 1448], ['s', 'PA', 1000], ['c', 'A'],
      ['c', 'FA'], ['s', 'FA'], ['c', 'A']] })) {
    recs.push(kernelVxlan({ inner: p.frame, vni: 1200, t, id: t / 1000 }));
    t += 700;
  }
  // Frames longer than 128 bytes: the 100-byte request (14+20+8+8 + 14+20+32+100 = 216) and the three
  // server segments: 4 frames with caplen 128 < len. The rest (116-124 bytes) are whole.
  return writePcap(toRecords(recs), { snaplen: 128 });
}

// ---------------------------------------------------------------- session captures (issue 3)
//
// sessions-*.pcap: small AWS-style mirror captures whose session figures are
// worked out by hand in pcaps/crafted/sessions-*.sessions.json (the `why`
// fields there refer to the numbered packets below). One behaviour per VNI.
// Every packet time is written out in µs after T0, so RTTs and durations are
// exact; sequence numbers are written relative to each side's ISN (SYN = rel 0,
// first data byte = rel 1), as Wireshark shows them.
//
// Sizes, to keep the arithmetic short: SYN and SYN-ACK carry one option (MSS
// 1460), so their inner IPv4 total length is 20 + 24 = 44; every other TCP
// segment has no options: 40 + payload bytes.

/** An ENI in the session captures: its VXLAN frames come from its own address. */
const eniHost = (name, ip, macByte) => host(name, `06:7a:00:00:00:${macByte}`, ip, { eniMac: `06:7a:00:00:00:${macByte}`, internal: true });
const netHost = (name, ip) => host(name, ROUTER, ip, { ttl: 50 });

/**
 * A TCP conversation with every packet spelled out.
 * steps: [t (µs after T0), who 'c' | 's', flags, len = 0, opts = {}]
 *   opts.rel   send at this relative sequence (a resend, a probe): the side's next sequence does not move
 *   opts.rack  acknowledge this relative sequence of the peer (default: everything the peer has sent so far,
 *              in script order, lost segments included)
 *   opts.win   advertised window (default 64240 on a SYN, 65160 on a SYN-ACK, 0 on an RST, else 501)
 *   opts.lost  sent, but the mirror never delivers it: not written to the capture
 * Steps may be listed in send order with times out of order (a reordered segment): the capture is sorted by time.
 * Returns [{ t, frame, flow, lost }].
 */
function scriptedTcp({ client, server, cport, sport, cIsn, sIsn, steps }) {
  const side = {
    c: { h: client, port: cport, isn: cIsn >>> 0, next: cIsn >>> 0, id: 0x100 },
    s: { h: server, port: sport, isn: sIsn >>> 0, next: sIsn >>> 0, id: 0x900 },
  };
  const flow = flowKey('tcp', client.ip, cport, server.ip, sport);
  return steps.map(([t, who, flags, len = 0, opts = {}]) => {
    const me = side[who];
    const peer = side[who === 'c' ? 's' : 'c'];
    const f = tcpFlags(flags);
    const S = f & 0x02 ? 1 : 0;
    const F = f & 0x01 ? 1 : 0;
    const seq = opts.rel === undefined ? me.next : (me.isn + opts.rel) >>> 0;
    const ack = f & 0x10 ? (opts.rack === undefined ? peer.next : (peer.isn + opts.rack) >>> 0) : 0;
    const window = opts.win ?? (f & 0x04 ? 0 : S ? (f & 0x10 ? 65160 : 64240) : 501);
    const options = S ? [{ kind: 'mss', value: 1460 }] : [];
    const payload = filler(len, seq % 89);
    const seg = tcp({ sport: me.port, dport: peer.port, seq, ack, flags: f, window, options, payload, src: me.h.ip, dst: peer.h.ip });
    if (opts.rel === undefined) me.next = (me.next + len + S + F) >>> 0;
    const frame = ipFrame(me.h, peer.h, IpProto.TCP, seg, { id: me.id++ & 0xffff });
    return { t, frame, flow, lost: !!opts.lost };
  });
}

/** AWS-style mirror copies (see awsMirror) of the packets the mirror delivered, at exactly their script times. */
function mirrorExact({ vni, eni, packets }) {
  return packets.filter((p) => !p.lost).map((p) => ({
    t: p.t,
    data: vxlanOverIpv4({
      inner: p.frame, vni, outerSrcMac: eni.eniMac, outerDstMac: TARGET.mac, outerSrc: eni.ip, outerDst: TARGET.ip,
      sport: awsSourcePort(vni, p.flow),
    }),
  }));
}

/** Write session-capture records; every time must be distinct so the packet order is the one written in the script. */
function sessionPcap(recs) {
  const times = new Set(recs.map((r) => r.t));
  if (times.size !== recs.length) throw new Error('session capture: two packets share a timestamp');
  return writePcap(toRecords(recs));
}

/** sessions-tcp-close.pcap: handshake RTTs + FIN close (7101), RST close (7102), port reuse after a FIN close (7103). */
function sessionsTcpClose() {
  const recs = [];
  // VNI 7101: handshake with known times, then FIN both ways.
  const s1 = eniHost('close-fin', '10.71.1.10', '11');
  recs.push(...mirrorExact({ vni: 7101, eni: s1, packets: scriptedTcp({
    client: netHost('c7101', '198.51.100.11'), server: s1, cport: 50123, sport: 443, cIsn: 0x3a1b2c3d, sIsn: 0x7c6b5a49,
    steps: [
      [1_000, 'c', 'S'], //                 1
      [24_456, 's', 'SA'], //               2  server-side RTT 23,456 µs
      [25_690, 'c', 'A'], //                3  client-side RTT 1,234 µs
      [25_750, 'c', 'PA', 200], //          4
      [49_100, 's', 'A'], //                5
      [49_300, 's', 'PA', 1000], //         6
      [49_345, 's', 'PA', 500], //          7
      [74_000, 'c', 'A'], //                8
      [80_000, 'c', 'FA'], //               9
      [103_500, 's', 'FA'], //             10
      [127_000, 'c', 'A'], //              11
    ] }) }));
  // VNI 7102: the client aborts with RST|ACK after one request.
  const s2 = eniHost('close-rst', '10.71.2.10', '12');
  recs.push(...mirrorExact({ vni: 7102, eni: s2, packets: scriptedTcp({
    client: netHost('c7102', '198.51.100.12'), server: s2, cport: 50200, sport: 443, cIsn: 0x11223344, sIsn: 0x55667788,
    steps: [
      [200_000, 'c', 'S'], //               1
      [200_700, 's', 'SA'], //              2
      [201_800, 'c', 'A'], //               3
      [201_850, 'c', 'PA', 300], //         4
      [202_750, 's', 'A'], //               5
      [250_000, 'c', 'RA'], //              6
    ] }) }));
  // VNI 7103: one connection closed by FIN, then a new SYN on the same 4-tuple 2 s later (inside the 10 s linger).
  const s3 = eniHost('port-reuse', '10.71.3.10', '13');
  const c3 = netHost('c7103', '198.51.100.13');
  recs.push(...mirrorExact({ vni: 7103, eni: s3, packets: scriptedTcp({
    client: c3, server: s3, cport: 50300, sport: 80, cIsn: 0x0000a000, sIsn: 0x0000b000,
    steps: [
      [300_000, 'c', 'S'], //               1
      [300_500, 's', 'SA'], //              2
      [301_000, 'c', 'A'], //               3
      [301_040, 'c', 'PA', 100], //         4
      [301_600, 's', 'PA', 400], //         5
      [302_100, 'c', 'FA'], //              6
      [302_600, 's', 'FA'], //              7
      [303_100, 'c', 'A'], //               8
    ] }) }));
  recs.push(...mirrorExact({ vni: 7103, eni: s3, packets: scriptedTcp({
    client: c3, server: s3, cport: 50300, sport: 80, cIsn: 0x0010a000, sIsn: 0x0010b000,
    steps: [
      [2_303_100, 'c', 'S'], //             9
      [2_303_700, 's', 'SA'], //           10
      [2_304_400, 'c', 'A'], //            11
      [2_304_450, 'c', 'PA', 100], //      12
      [2_305_100, 's', 'PA', 400], //      13
      [2_305_600, 's', 'FA'], //           14
      [2_306_300, 'c', 'FA'], //           15
      [2_307_000, 's', 'A'], //            16
    ] }) }));
  return sessionPcap(recs);
}

/** sessions-tcp-seq.pcap: retransmission, out-of-order, unseen bytes (tail and hole), sequence wrap, zero window. */
function sessionsTcpSeq() {
  const recs = [];
  // VNI 7201: the server's second segment is retransmitted 200 ms later (the mirror saw both copies).
  const s1 = eniHost('retx', '10.72.1.10', '21');
  recs.push(...mirrorExact({ vni: 7201, eni: s1, packets: scriptedTcp({
    client: netHost('c7201', '198.51.100.21'), server: s1, cport: 50500, sport: 80, cIsn: 0x21000000, sIsn: 0x21800000,
    steps: [
      [1_000, 'c', 'S'], //                              1
      [1_800, 's', 'SA'], //                             2
      [2_600, 'c', 'A'], //                              3
      [2_650, 'c', 'PA', 120], //                        4
      [3_450, 's', 'A'], //                              5
      [3_600, 's', 'PA', 1000], //                       6  rel 1..1001
      [3_645, 's', 'PA', 1000], //                       7  rel 1001..2001 (lost after the mirror)
      [3_690, 's', 'PA', 1000], //                       8  rel 2001..3001
      [4_450, 'c', 'A', 0, { rack: 1001 }], //           9
      [4_500, 'c', 'A', 0, { rack: 1001 }], //          10  duplicate ACK
      [204_000, 's', 'PA', 1000, { rel: 1001 }], //     11  the retransmission
      [204_800, 'c', 'A'], //                           12  ack rel 3001
      [205_000, 'c', 'FA'], //                          13
      [205_800, 's', 'FA'], //                          14
      [206_600, 'c', 'A'], //                           15
    ] }) }));
  // VNI 7202: mirror on the receiving ENI; segment B (rel 1001) arrives after segment C (rel 2001).
  const c2 = eniHost('ooo', '10.72.2.10', '22');
  recs.push(...mirrorExact({ vni: 7202, eni: c2, packets: scriptedTcp({
    client: c2, server: netHost('s7202', '203.0.113.22'), cport: 40000, sport: 443, cIsn: 0x22000000, sIsn: 0x22800000,
    steps: [
      [10_000, 'c', 'S'], //                             1
      [10_600, 's', 'SA'], //                            2
      [11_200, 'c', 'A'], //                             3
      [11_250, 'c', 'PA', 80], //                        4
      [11_850, 's', 'A'], //                             5
      [12_000, 's', 'PA', 1000], //                      6  A: rel 1..1001
      [12_160, 's', 'PA', 1000], //                      9  B: rel 1001..2001, sent second, arrives fourth
      [12_100, 's', 'PA', 1000], //                      7  C: rel 2001..3001
      [12_130, 'c', 'A', 0, { rack: 1001 }], //          8
      [12_200, 'c', 'A'], //                            10  ack rel 3001
      [15_000, 'c', 'FA'], //                           11
      [15_600, 's', 'FA'], //                           12
      [16_200, 'c', 'A'], //                            13
    ] }) }));
  // VNI 7203: the server's last data segment never reaches the mirror; the client acknowledges it.
  const s3 = eniHost('unseen-tail', '10.72.3.10', '23');
  recs.push(...mirrorExact({ vni: 7203, eni: s3, packets: scriptedTcp({
    client: netHost('c7203', '198.51.100.23'), server: s3, cport: 50700, sport: 80, cIsn: 0x23000000, sIsn: 0x23800000,
    steps: [
      [20_000, 'c', 'S'], //                             1
      [20_700, 's', 'SA'], //                            2
      [21_400, 'c', 'A'], //                             3
      [21_450, 'c', 'PA', 100], //                       4
      [22_150, 's', 'A'], //                             5
      [22_300, 's', 'PA', 1400], //                      6  rel 1..1401
      [22_345, 's', 'PA', 1400, { lost: true }], //      -  rel 1401..2801, not in the capture
      [23_100, 'c', 'A'], //                             7  ack rel 2801
      [25_000, 's', 'FA'], //                            8
      [25_800, 'c', 'FA'], //                            9
      [26_600, 's', 'A'], //                            10
    ] }) }));
  // VNI 7204: a middle segment never reaches the mirror; the next one does; the client's ACK covers both.
  const s4 = eniHost('unseen-hole', '10.72.4.10', '24');
  recs.push(...mirrorExact({ vni: 7204, eni: s4, packets: scriptedTcp({
    client: netHost('c7204', '198.51.100.24'), server: s4, cport: 50800, sport: 80, cIsn: 0x24000000, sIsn: 0x24800000,
    steps: [
      [30_000, 'c', 'S'], //                             1
      [30_400, 's', 'SA'], //                            2
      [30_800, 'c', 'A'], //                             3
      [30_850, 'c', 'PA', 100], //                       4
      [31_250, 's', 'A'], //                             5
      [31_400, 's', 'PA', 1000], //                      6  rel 1..1001
      [31_445, 's', 'PA', 1000, { lost: true }], //      -  rel 1001..2001, not in the capture
      [31_490, 's', 'PA', 600], //                       7  rel 2001..2601
      [32_300, 'c', 'A'], //                             8  ack rel 2601
      [35_000, 'c', 'FA'], //                            9
      [35_400, 's', 'FA'], //                           10
      [35_800, 'c', 'A'], //                            11
    ] }) }));
  // VNI 7205: both sequence spaces cross 2^32: client ISN 2^32 - 1001, server ISN 2^32 - 1.
  const c5 = eniHost('seq-wrap', '10.72.5.10', '25');
  recs.push(...mirrorExact({ vni: 7205, eni: c5, packets: scriptedTcp({
    client: c5, server: netHost('s7205', '203.0.113.25'), cport: 40100, sport: 443, cIsn: 0xfffffc17, sIsn: 0xffffffff,
    steps: [
      [40_000, 'c', 'S'], //                             1  seq 0xfffffc17
      [40_500, 's', 'SA'], //                            2  seq 0xffffffff, ack 0xfffffc18
      [41_000, 'c', 'A'], //                             3  ack 0
      [41_050, 'c', 'PA', 600], //                       4  seq 0xfffffc18 (2^32 - 1000)
      [41_095, 'c', 'PA', 600], //                       5  seq 0xfffffe70 (2^32 - 400): straddles 2^32
      [41_140, 'c', 'PA', 600], //                       6  seq 200
      [41_600, 's', 'A'], //                             7  ack 800
      [41_650, 's', 'PA', 700], //                       8  seq 0
      [41_695, 's', 'PA', 700], //                       9  seq 700
      [42_200, 'c', 'A'], //                            10  ack 1400
      [45_000, 'c', 'FA'], //                           11  seq 800
      [45_500, 's', 'FA'], //                           12  seq 1400, ack 801
      [46_000, 'c', 'A'], //                            13  ack 1401
    ] }) }));
  // VNI 7206: the receiving client advertises a zero window twice, then opens it again.
  const c6 = eniHost('zero-window', '10.72.6.10', '26');
  recs.push(...mirrorExact({ vni: 7206, eni: c6, packets: scriptedTcp({
    client: c6, server: netHost('s7206', '203.0.113.26'), cport: 40200, sport: 9000, cIsn: 0x26000000, sIsn: 0x26800000,
    steps: [
      [50_000, 'c', 'S'], //                             1
      [50_300, 's', 'SA'], //                            2
      [50_600, 'c', 'A'], //                             3
      [50_650, 'c', 'PA', 50], //                        4
      [50_950, 's', 'PA', 1000], //                      5  rel 1..1001
      [51_000, 's', 'PA', 1000], //                      6  rel 1001..2001
      [51_300, 'c', 'A', 0, { win: 0 }], //              7  zero window
      [251_300, 's', 'A', 0, { rel: 2000 }], //          8  window probe (seq rel 2000, no data)
      [251_600, 'c', 'A', 0, { win: 0 }], //             9  zero window again
      [400_000, 'c', 'A'], //                           10  window update (501)
      [400_300, 's', 'PA', 500], //                     11  rel 2001..2501
      [400_600, 'c', 'A'], //                           12
      [401_000, 'c', 'FA'], //                          13
      [401_300, 's', 'FA'], //                          14
      [401_600, 'c', 'A'], //                           15
    ] }) }));
  return sessionPcap(recs);
}

/** sessions-idle.pcap: 400 s of silence ends a session by timeout (7301); 340 s does not (7302). */
function sessionsIdle() {
  const recs = [];
  const s1 = eniHost('idle-400', '10.73.1.10', '31');
  recs.push(...mirrorExact({ vni: 7301, eni: s1, packets: scriptedTcp({
    client: netHost('c7301', '198.51.100.31'), server: s1, cport: 50900, sport: 22, cIsn: 0x31000000, sIsn: 0x31800000,
    steps: [
      [1_000_000, 'c', 'S'], //                          1
      [1_000_800, 's', 'SA'], //                         2
      [1_001_600, 'c', 'A'], //                          3
      [1_001_650, 'c', 'PA', 40], //                     4
      [1_002_450, 's', 'PA', 40], //                     5
      [1_003_250, 'c', 'A'], //                          6
      [401_003_250, 'c', 'PA', 52], //                   7  400 s after packet 6
      [401_004_050, 's', 'PA', 52], //                   8
      [401_004_850, 'c', 'FA'], //                       9
      [401_005_650, 's', 'FA'], //                      10
      [401_006_450, 'c', 'A'], //                       11
    ] }) }));
  const s2 = eniHost('idle-340', '10.73.2.10', '32');
  recs.push(...mirrorExact({ vni: 7302, eni: s2, packets: scriptedTcp({
    client: netHost('c7302', '198.51.100.32'), server: s2, cport: 51000, sport: 22, cIsn: 0x32000000, sIsn: 0x32800000,
    steps: [
      [2_000_000, 'c', 'S'], //                          1
      [2_000_600, 's', 'SA'], //                         2
      [2_001_200, 'c', 'A'], //                          3
      [2_001_250, 'c', 'PA', 40], //                     4
      [2_001_850, 's', 'PA', 40], //                     5
      [2_002_450, 'c', 'A'], //                          6
      [342_002_450, 'c', 'PA', 52], //                   7  340 s after packet 6
      [342_003_050, 's', 'PA', 52], //                   8
      [342_003_650, 'c', 'FA'], //                       9
      [342_004_250, 's', 'FA'], //                      10
      [342_004_850, 'c', 'A'], //                       11
    ] }) }));
  return sessionPcap(recs);
}

/** sessions-partial.pcap: starts the mirror did not see: mid-stream (7401), one direction only (7402), SYN missed (7403). */
function sessionsPartial() {
  const recs = [];
  // VNI 7401: the capture begins inside an established connection (the handshake happened before).
  const s1 = eniHost('mid-stream', '10.74.1.10', '41');
  recs.push(...mirrorExact({ vni: 7401, eni: s1, packets: scriptedTcp({
    client: netHost('c7401', '198.51.100.41'), server: s1, cport: 51515, sport: 443, cIsn: 0x41000000, sIsn: 0x41800000,
    steps: [
      [0, 'c', 'S', 0, { lost: true }], [1, 's', 'SA', 0, { lost: true }], [2, 'c', 'A', 0, { lost: true }],
      [1_000, 's', 'PA', 1200], //                       1
      [1_045, 's', 'PA', 800], //                        2
      [1_900, 'c', 'A'], //                              3
      [2_000, 'c', 'PA', 300], //                        4
      [2_800, 's', 'A'], //                              5
      [5_000, 'c', 'FA'], //                             6
      [5_800, 's', 'FA'], //                             7
      [6_600, 'c', 'A'], //                              8
    ] }) }));
  // VNI 7402: only the client -> server direction is mirrored (a filter with inbound rules only).
  const s2 = eniHost('one-sided', '10.74.2.10', '42');
  recs.push(...mirrorExact({ vni: 7402, eni: s2, packets: scriptedTcp({
    client: netHost('c7402', '198.51.100.42'), server: s2, cport: 52000, sport: 80, cIsn: 0x42000000, sIsn: 0x42800000,
    steps: [
      [10_000, 'c', 'S'], //                             1
      [10_500, 's', 'SA', 0, { lost: true }],
      [11_000, 'c', 'A'], //                             2
      [11_050, 'c', 'PA', 150], //                       3
      [11_550, 's', 'A', 0, { lost: true }],
      [11_700, 's', 'PA', 1448, { lost: true }],
      [11_745, 's', 'PA', 1448, { lost: true }],
      [12_500, 'c', 'A', 0, { rack: 1449 }], //          4
      [12_545, 'c', 'A'], //                             5
      [15_000, 'c', 'FA'], //                            6
    ] }) }));
  // VNI 7403: the client's SYN is not in the capture; the first packet seen is the SYN-ACK.
  const s3 = eniHost('synack-first', '10.74.3.10', '43');
  recs.push(...mirrorExact({ vni: 7403, eni: s3, packets: scriptedTcp({
    client: netHost('c7403', '198.51.100.43'), server: s3, cport: 52100, sport: 80, cIsn: 0x43000000, sIsn: 0x43800000,
    steps: [
      [19_500, 'c', 'S', 0, { lost: true }],
      [20_000, 's', 'SA'], //                            1
      [20_900, 'c', 'A'], //                             2
      [20_950, 'c', 'PA', 100], //                       3
      [21_850, 's', 'PA', 300], //                       4
      [22_750, 'c', 'FA'], //                            5
      [23_650, 's', 'FA'], //                            6
      [24_550, 'c', 'A'], //                             7
    ] }) }));
  return sessionPcap(recs);
}

/** sessions-udp-icmp.pcap: a UDP flow (DNS, VNI 7501) and an ICMP echo flow (VNI 7502). */
function sessionsUdpIcmp() {
  const recs = [];
  const e1 = eniHost('dns-client', '10.75.1.10', '51');
  const resolver = host('resolver', ROUTER, '10.75.0.2', { internal: true });
  const q = (t, from, to, sport, dport, payload) => udpPacket({ t, from, to, sport, dport, payload });
  recs.push(...mirrorExact({ vni: 7501, eni: e1, packets: [
    q(30_000, e1, resolver, 53530, 53, dns({ id: 0x7501, name: 'example.com' })), //                                1
    q(30_700, resolver, e1, 53, 53530, dns({ id: 0x7501, name: 'example.com', response: true, answer: '192.0.2.80' })), // 2
    q(1_030_000, e1, resolver, 53530, 53, dns({ id: 0x7502, name: 'example.com' })), //                             3
    q(1_030_700, resolver, e1, 53, 53530, dns({ id: 0x7502, name: 'example.com', response: true, answer: '192.0.2.80' })), // 4
  ] }));
  const e2 = eniHost('pinger', '10.75.2.10', '52');
  const peer = host('peer', ROUTER, '10.75.9.9', { internal: true });
  const echo = (t, type, from, to, seq) => ({
    t, flow: flowKey('icmp', e2.ip, 0x2a2a, peer.ip, 0x2a2a),
    frame: ipFrame(from, to, IpProto.ICMP, icmp({ type, id: 0x2a2a, seq, payload: pingPayload(seq) }), { id: 0x2a00 + seq + (type ? 0 : 0x80) }),
  });
  const pings = [];
  for (let seq = 1; seq <= 3; seq++) {
    const t = 40_000 + (seq - 1) * 1_000_000;
    pings.push(echo(t, 8, e2, peer, seq), echo(t + 350, 0, peer, e2, seq)); // 2 seq - 1, 2 seq
  }
  recs.push(...mirrorExact({ vni: 7502, eni: e2, packets: pings }));
  return sessionPcap(recs);
}

/** sessions-syn-retx.pcap: a retransmitted SYN (7601) and a retransmitted SYN-ACK (7602), counted apart from data retransmissions. */
function sessionsSynRetx() {
  const recs = [];
  // VNI 7601: the server ENI drops the first SYN (backlog full); the client resends it 1 s later (same ISN).
  const s1 = eniHost('syn-retx', '10.76.1.10', '61');
  recs.push(...mirrorExact({ vni: 7601, eni: s1, packets: scriptedTcp({
    client: netHost('c7601', '198.51.100.61'), server: s1, cport: 50600, sport: 80, cIsn: 0x61000000, sIsn: 0x61800000,
    steps: [
      [1_000, 'c', 'S'], //                              1
      [1_001_000, 'c', 'S', 0, { rel: 0 }], //           2  the same SYN again (Linux's first retry after 1 s)
      [1_001_700, 's', 'SA'], //                         3  server-side RTT 700 µs from the latest SYN
      [1_002_500, 'c', 'A'], //                          4  client-side RTT 800 µs
      [1_002_550, 'c', 'PA', 100], //                    5
      [1_003_300, 's', 'PA', 300], //                    6
      [1_004_000, 'c', 'FA'], //                         7
      [1_004_700, 's', 'FA'], //                         8
      [1_005_500, 'c', 'A'], //                          9
    ] }) }));
  // VNI 7602: the SYN-ACK leaves the server ENI but never reaches the client; the server resends it 1 s later.
  const s2 = eniHost('synack-retx', '10.76.2.10', '62');
  recs.push(...mirrorExact({ vni: 7602, eni: s2, packets: scriptedTcp({
    client: netHost('c7602', '198.51.100.62'), server: s2, cport: 50700, sport: 443, cIsn: 0x62000000, sIsn: 0x62800000,
    steps: [
      [10_000, 'c', 'S'], //                             1
      [10_600, 's', 'SA'], //                            2  server-side RTT 600 µs
      [1_010_600, 's', 'SA', 0, { rel: 0 }], //          3  the same SYN-ACK again
      [1_011_400, 'c', 'A'], //                          4  client-side RTT 800 µs from the latest SYN-ACK
      [1_011_450, 'c', 'PA', 200], //                    5
      [1_012_250, 's', 'A'], //                          6
      [1_020_000, 'c', 'RA'], //                         7
    ] }) }));
  return sessionPcap(recs);
}

/**
 * sessions-evict.pcap: three connections to one server (VNI 7701), two open at any time, meant to be
 * replayed with --max-sessions 2: the third SYN evicts the least recently active session, and a late
 * packet of that evicted connection comes back as a new (mid-stream) session that evicts another.
 */
function sessionsEvict() {
  const recs = [];
  const srv = eniHost('evict', '10.77.1.10', '71');
  const conn = (n, cport, isn, steps) => scriptedTcp({
    client: netHost(`c7701-${n}`, `198.51.100.${70 + n}`), server: srv, cport, sport: 443, cIsn: isn, sIsn: isn + 0x800000, steps,
  });
  // Each connection is scripted whole (its sequence numbers run on); the capture interleaves them by time.
  recs.push(...mirrorExact({ vni: 7701, eni: srv, packets: [
    ...conn(1, 50001, 0x71000000, [
      [1_000, 'c', 'S'], //                              A1
      [1_500, 's', 'SA'], //                             A2
      [2_000, 'c', 'A'], //                              A3
      [2_050, 'c', 'PA', 100], //                        A4
      [5_000, 's', 'PA', 200], //                        A5  A's last packet
    ]),
    ...conn(2, 50002, 0x72000000, [
      [3_000, 'c', 'S'], //                              B1
      [3_500, 's', 'SA'], //                             B2
      [4_000, 'c', 'A'], //                              B3
      [4_050, 'c', 'PA', 100], //                        B4  B's last packet before it is evicted at C1
      [8_000, 'c', 'PA', 100], //                        B5  after eviction: a new, mid-stream session
      [8_500, 's', 'A'], //                              B6
      [11_000, 'c', 'FA'], //                            B7
      [11_500, 's', 'FA'], //                            B8
      [12_000, 'c', 'A'], //                             B9
    ]),
    ...conn(3, 50003, 0x73000000, [
      [6_000, 'c', 'S'], //                              C1  table full (A, B): evicts B (idle since 4,050)
      [6_500, 's', 'SA'], //                             C2
      [7_000, 'c', 'A'], //                              C3
      [7_050, 'c', 'PA', 50], //                         C4
      [9_000, 'c', 'FA'], //                             C5
      [9_500, 's', 'FA'], //                             C6
      [10_000, 'c', 'A'], //                             C7
    ]),
  ] }));
  return sessionPcap(recs);
}

// ---------------------------------------------------------------- Gateway Load Balancer

/** The GWLB endpoint a mirror session targets, and the load balancer's and appliance's addresses (one AZ). */
const GWLBE = host('gwlb-endpoint', '06:76:00:00:05:05', '10.0.5.5');
const GWLB_NODE = { mac: '06:76:00:00:fa:0a', ip: '10.0.250.10' };
const APPLIANCE = { mac: '06:76:00:00:fa:14', ip: '10.0.250.20' };
/**
 * AWS's Geneve options for GWLB (class 0x0108): type 1 the GWLB endpoint ID
 * (8 bytes), type 2 the attachment ID (8 bytes), type 3 the flow cookie
 * (4 bytes): 32 option bytes, as in suricata-verify bug-6402-01.
 */
const gwlbOptions = (flowCookie) => [
  { cls: 0x0108, type: 1, data: Buffer.from('0a1b2c3d4e5f6071', 'hex') },
  { cls: 0x0108, type: 2, data: Buffer.from('1122334455667788', 'hex') },
  { cls: 0x0108, type: 3, data: Buffer.from((flowCookie >>> 0).toString(16).padStart(8, '0'), 'hex') },
];

/**
 * A mirror session whose target is a Gateway Load Balancer endpoint: the
 * source ENI wraps each packet in VXLAN (the session's VNI) to the endpoint,
 * and GWLB hands that VXLAN datagram to the appliance inside Geneve (VNI 0,
 * protocol IPv4, the options above): Ethernet / IPv4 / UDP 6081 / Geneve /
 * IPv4 / UDP 4789 / VXLAN / Ethernet / IPv4 / TCP. Every packet is one frame.
 */
function gwlbMirror({ vni, eni, packets }) {
  return packets.filter((p) => !p.lost).map((p) => {
    const vx = vxlanOverIpv4({
      inner: p.frame, vni, outerSrcMac: eni.eniMac, outerDstMac: GWLBE.mac, outerSrc: eni.ip, outerDst: GWLBE.ip,
      sport: awsSourcePort(vni, p.flow),
    });
    const innerIp = stripEthernet(vx).l3;
    const data = geneveOverIpv4({
      innerIp, vni: 0, options: gwlbOptions(fnv1a(p.flow)), outerSrcMac: GWLB_NODE.mac, outerDstMac: APPLIANCE.mac,
      outerSrc: GWLB_NODE.ip, outerDst: APPLIANCE.ip, sport: 49152 + (fnv1a(`gwlb|${p.flow}`) % 16384),
    });
    return { t: p.t, data };
  });
}

/** sessions-gwlb-geneve-vxlan.pcap: one TCP session mirrored (VNI 7601) to a GWLB endpoint, seen at the appliance. */
function sessionsGwlbGeneveVxlan() {
  const s1 = eniHost('gwlb-mirrored', '10.76.1.10', '61');
  return sessionPcap(gwlbMirror({ vni: 7601, eni: s1, packets: scriptedTcp({
    client: netHost('c7601', '198.51.100.61'), server: s1, cport: 50600, sport: 443, cIsn: 0x61000000, sIsn: 0x61800000,
    steps: [
      [1_000, 'c', 'S'], //                 1
      [1_800, 's', 'SA'], //                2  server-side RTT 800 µs
      [2_500, 'c', 'A'], //                 3  client-side RTT 700 µs
      [2_550, 'c', 'PA', 100], //           4
      [3_350, 's', 'A'], //                 5
      [3_400, 's', 'PA', 300], //           6
      [4_100, 'c', 'A'], //                 7
      [5_000, 'c', 'FA'], //                8
      [5_800, 's', 'FA'], //                9
      [6_500, 'c', 'A'], //                10
    ] }) }));
}

const GWLB_DEVIATIONS = {
  reason:
    'Geneve (GWLB, VNI 0) carries the mirror session\'s VXLAN (VNI 7601). vxmon counts a nested frame under its innermost tunnel ' +
    '(the mirror session), the oracle under the outermost: so geneve/0 is not reported, and vxlan/7601 is the oracle\'s own embedded VXLAN row.',
  fields: { 'geneve/0': { frames: 0 } },
  from_embedded: ['vxlan/7601'],
};

// ---------------------------------------------------------------- double mirroring

/** Two ENIs that talk to each other, each the source of its own mirror session (VNI 100 and VNI 200). */
const DM_A = eniHost('dm-client', '10.77.1.10', '71');
const DM_B = eniHost('dm-server', '10.77.2.20', '72');

/**
 * The traffic between DM_A and DM_B (13 packets, times in µs after T0, at
 * least 100 µs apart): a PostgreSQL-port TCP session (packets 1-9), a DNS
 * query and answer (10-11), an ICMP echo and reply (12-13).
 */
function doubleMirrorTraffic() {
  const tcpPackets = scriptedTcp({
    client: DM_A, server: DM_B, cport: 40000, sport: 5432, cIsn: 0x77000000, sIsn: 0x77800000,
    steps: [
      [1_000, 'c', 'S'], //           1
      [1_300, 's', 'SA'], //          2
      [1_600, 'c', 'A'], //           3
      [1_700, 'c', 'PA', 200], //     4
      [2_000, 's', 'PA', 500], //     5
      [2_300, 'c', 'A'], //           6
      [3_000, 'c', 'FA'], //          7
      [3_300, 's', 'FA'], //          8
      [3_600, 'c', 'A'], //           9
    ] });
  const q = (t, from, to, sport, dport, payload, id) => udpPacket({ t, from, to, sport, dport, payload, id });
  const echo = (t, type, from, to, id) => ({
    t, flow: flowKey('icmp', DM_A.ip, 0x77, DM_B.ip, 0x77),
    frame: ipFrame(from, to, IpProto.ICMP, icmp({ type, id: 0x77, seq: 1, payload: pingPayload(1) }), { id }),
  });
  return [
    ...tcpPackets,
    q(5_000, DM_A, DM_B, 53000, 53, dns({ id: 0x7701, name: 'db.internal' }), 0x7701), //                                  10
    q(5_400, DM_B, DM_A, 53, 53000, dns({ id: 0x7701, name: 'db.internal', response: true, answer: '10.77.2.20' }), 0x7702), // 11
    echo(6_000, 8, DM_A, DM_B, 0x7703), //                                                                                 12
    echo(6_300, 0, DM_B, DM_A, 0x7704), //                                                                                 13
  ];
}

/** mirror-single.pcap: the traffic mirrored once, from DM_A's session (VNI 100). */
function mirrorSingle() {
  return sessionPcap(mirrorExact({ vni: 100, eni: DM_A, packets: doubleMirrorTraffic() }));
}

/**
 * mirror-double.pcap: both ENIs mirrored to one target: every packet twice,
 * first from DM_A's session (VNI 100) at its time, then from DM_B's (VNI 200)
 * 50 µs later, byte-identical inside. Its VNI-100 frames are mirror-single.pcap's.
 */
function mirrorDouble() {
  const packets = doubleMirrorTraffic();
  const first = mirrorExact({ vni: 100, eni: DM_A, packets });
  const second = mirrorExact({ vni: 200, eni: DM_B, packets: packets.map((p) => ({ ...p, t: p.t + 50 })) });
  return sessionPcap([...first, ...second]);
}

// ---------------------------------------------------------------- registry

export const FIXTURES = [
  { name: 'aws-multi-vni.pcap', build: awsMultiVni },
  { name: 'packetlength-100.pcap', build: packetLength100, deviations: PL_DEVIATIONS },
  { name: 'bad-flags.pcap', build: badFlags, deviations: BAD_FLAGS_DEVIATIONS },
  { name: 'reserved-bits.pcap', build: reservedBits },
  { name: 'inner-vlan.pcap', build: innerVlan },
  { name: 'outer-vlan.pcap', build: outerVlan },
  { name: 'inner-ipv6.pcap', build: innerIpv6 },
  { name: 'outer-ipv6.pcap', build: outerIpv6 },
  { name: 'inner-fragments.pcap', build: innerFragments, deviations: FRAG_DEVIATIONS },
  { name: 'non-vxlan-udp.pcap', build: nonVxlanUdp },
  { name: 'ethernet-twin.pcap', build: () => writePcap(twinRecords(), {}) },
  { name: 'linux-cooked-v1.pcap', build: () => writePcap(twinRecords(toSll), { linkType: LinkType.LINUX_SLL }) },
  { name: 'linux-cooked-v2.pcap', build: () => writePcap(twinRecords(toSll2), { linkType: LinkType.LINUX_SLL2 }) },
  { name: 'raw-ip.pcap', build: () => writePcap(twinRecords((f) => stripEthernet(f.data).l3), { linkType: LinkType.RAW }) },
  { name: 'two-interfaces.pcapng', build: twoInterfaces },
  { name: 'nanosecond.pcap', build: () => writePcap(twinRecords(), { nanos: true }) },
  { name: 'nanosecond-be.pcap', build: () => writePcap(twinRecords(), { nanos: true, bigEndian: true }) },
  { name: 'microsecond-be.pcap', build: () => writePcap(twinRecords(), { bigEndian: true }) },
  { name: 'snaplen-128.pcap', build: snaplen128 },
  // Session captures (issue 3); their hand-computed X.sessions.json files sit beside them.
  { name: 'sessions-tcp-close.pcap', build: sessionsTcpClose },
  { name: 'sessions-tcp-seq.pcap', build: sessionsTcpSeq },
  { name: 'sessions-idle.pcap', build: sessionsIdle },
  { name: 'sessions-partial.pcap', build: sessionsPartial },
  { name: 'sessions-udp-icmp.pcap', build: sessionsUdpIcmp },
  { name: 'sessions-syn-retx.pcap', build: sessionsSynRetx },
  { name: 'sessions-evict.pcap', build: sessionsEvict },
  // Issue 6: a mirror session behind AWS Gateway Load Balancer (Geneve -> VXLAN -> TCP).
  { name: 'sessions-gwlb-geneve-vxlan.pcap', build: sessionsGwlbGeneveVxlan, deviations: GWLB_DEVIATIONS },
  // Issue 6: double mirroring (both ends of every connection mirrored), and the same traffic mirrored once.
  { name: 'mirror-single.pcap', build: mirrorSingle },
  { name: 'mirror-double.pcap', build: mirrorDouble },
];

const deviationsName = (name) => name.replace(/\.(pcapng|pcap)$/, '.deviations.json');

/** Write every fixture (and deviations file) into dir; returns the file names written. */
function writeAll(dir) {
  fs.mkdirSync(dir, { recursive: true });
  const written = [];
  for (const f of FIXTURES) {
    fs.writeFileSync(path.join(dir, f.name), f.build());
    written.push(f.name);
    if (f.deviations) {
      const dn = deviationsName(f.name);
      fs.writeFileSync(path.join(dir, dn), JSON.stringify(f.deviations, null, 2) + '\n');
      written.push(dn);
    }
  }
  return written;
}

function runOracle(name) {
  const rel = path.join(CRAFTED_REL, name);
  const res = spawnSync('python3', [path.join('pcaps', 'gen', 'oracle.py'), rel], { cwd: ROOT, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (res.status !== 0) throw new Error(`oracle.py ${rel} failed (${res.status}): ${res.stderr}`);
  const j = JSON.parse(res.stdout);
  if (j.tshark_exit_code !== 0) throw new Error(`tshark failed on ${rel}: ${j.tshark_stderr}`);
  fs.writeFileSync(path.join(ROOT, rel + '.oracle.json'), res.stdout);
  return j;
}

function main(argv) {
  const check = argv.includes('--check');
  const noOracle = argv.includes('--no-oracle');
  const crafted = path.join(ROOT, CRAFTED_REL);
  if (check) {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vxmon-fixtures-'));
    try {
      const names = writeAll(tmp);
      const problems = [];
      for (const n of names) {
        const committed = path.join(crafted, n);
        if (!fs.existsSync(committed)) problems.push(`${n}: not committed`);
        else if (!fs.readFileSync(committed).equals(fs.readFileSync(path.join(tmp, n)))) problems.push(`${n}: differs from the regenerated file`);
      }
      const known = new Set(names);
      for (const n of fs.existsSync(crafted) ? fs.readdirSync(crafted) : []) {
        // X.sessions.json and X.flows.* files are hand-written expectations, not generator output.
        const handWritten = n.endsWith('.sessions.json') || n.endsWith('.flows.jsonl') || n.endsWith('.flows.vpc-flow-log');
        if (!n.endsWith('.oracle.json') && !handWritten && !known.has(n)) problems.push(`${n}: committed but not produced by the generator`);
      }
      if (problems.length) {
        console.error(`make-fixtures --check: ${problems.length} problem(s):\n  ${problems.join('\n  ')}`);
        process.exitCode = 1;
      } else {
        console.log(`make-fixtures --check: ${names.length} files regenerate byte for byte`);
      }
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
    return;
  }
  const names = writeAll(crafted);
  for (const n of names) {
    if (n.endsWith('.deviations.json')) continue;
    const size = fs.statSync(path.join(crafted, n)).size;
    if (noOracle) { console.log(`${n}: ${size} bytes`); continue; }
    const j = runOracle(n);
    const vnis = Object.entries(j.vxlan_4789.outer).map(([v, s]) => `${v}:${s.frames}`).join(' ');
    console.log(`${n}: ${size} bytes, ${j.frames_total} frames, vxlan/4789 outer ${vnis || '(none)'}`);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main(process.argv.slice(2));
