// Packet builders for vxmon's crafted captures.
//
// Every builder returns a fresh Buffer holding one header plus whatever
// payload it was given, so layers nest by passing one builder's output as the
// next one's `payload`. Lengths are computed from the payload unless a field
// is overridden on purpose (to build inconsistent packets). IPv4 header
// checksums are always filled in; UDP, TCP and ICMP/ICMPv6 checksums are
// filled in when the builder knows the addresses (pass `src`/`dst`).
//
// Plain Node ESM, no dependencies. Written for vxmon.

export const EtherType = Object.freeze({
  IPV4: 0x0800,
  ARP: 0x0806,
  VLAN: 0x8100, // IEEE 802.1Q C-tag
  QINQ: 0x88a8, // IEEE 802.1ad S-tag
  IPV6: 0x86dd,
});

export const IpProto = Object.freeze({
  HOPOPTS: 0,
  ICMP: 1,
  IGMP: 2,
  TCP: 6,
  UDP: 17,
  ROUTING: 43,
  FRAGMENT: 44,
  GRE: 47,
  ICMPV6: 58,
  NONXT: 59,
  DSTOPTS: 60,
});

export const LinkType = Object.freeze({ ETHERNET: 1, RAW: 101, LINUX_SLL: 113, LINUX_SLL2: 276 });

/** Linux packet types (the sll_pkttype field). */
export const PktType = Object.freeze({ HOST: 0, BROADCAST: 1, MULTICAST: 2, OTHERHOST: 3, OUTGOING: 4 });

// ---------------------------------------------------------------- addresses

/** "02:00:00:00:00:01" -> 6-byte Buffer. */
export function mac(s) {
  const parts = s.split(':');
  if (parts.length !== 6) throw new Error(`bad MAC ${s}`);
  return Buffer.from(parts.map((h) => parseInt(h, 16)));
}

/** "10.0.0.1" -> 4-byte Buffer. */
export function ip4(s) {
  const parts = s.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !(p >= 0 && p <= 255))) throw new Error(`bad IPv4 ${s}`);
  return Buffer.from(parts);
}

/** "2001:db8::1" -> 16-byte Buffer (hex groups and one optional "::"). */
export function ip6(s) {
  const halves = s.split('::');
  if (halves.length > 2) throw new Error(`bad IPv6 ${s}`);
  const left = halves[0] ? halves[0].split(':') : [];
  const right = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const fill = 8 - left.length - right.length;
  if (fill < 0 || (halves.length === 1 && fill !== 0)) throw new Error(`bad IPv6 ${s}`);
  const groups = [...left, ...Array(fill).fill('0'), ...right];
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}

/** Accepts a Buffer or a dotted/colon string. */
export function addr(a) {
  if (Buffer.isBuffer(a)) return a;
  return a.includes(':') ? ip6(a) : ip4(a);
}

// ---------------------------------------------------------------- checksums

/** RFC 1071 one's-complement sum of the concatenated buffers, folded and inverted. */
export function inetChecksum(...bufs) {
  const b = bufs.length === 1 ? bufs[0] : Buffer.concat(bufs);
  let sum = 0;
  for (let i = 0; i + 1 < b.length; i += 2) sum += (b[i] << 8) | b[i + 1];
  if (b.length & 1) sum += b[b.length - 1] << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/** IPv4 (RFC 768) or IPv6 (RFC 8200 §8.1) pseudo-header for L4 checksums. */
export function pseudoHeader(src, dst, proto, length) {
  const s = addr(src);
  const d = addr(dst);
  if (s.length === 4) {
    const p = Buffer.alloc(12);
    s.copy(p, 0);
    d.copy(p, 4);
    p[9] = proto;
    p.writeUInt16BE(length, 10);
    return p;
  }
  const p = Buffer.alloc(40);
  s.copy(p, 0);
  d.copy(p, 16);
  p.writeUInt32BE(length, 32);
  p[39] = proto;
  return p;
}

function l4Checksum(seg, src, dst, proto, at) {
  seg.writeUInt16BE(0, at);
  let c = inetChecksum(pseudoHeader(src, dst, proto, seg.length), seg);
  if (proto === IpProto.UDP && c === 0) c = 0xffff; // RFC 768: 0 means "no checksum"
  seg.writeUInt16BE(c, at);
}

// ---------------------------------------------------------------- link layers

/**
 * Ethernet II with optional stacked tags.
 * vlans: outermost first, each { vid, pcp = 0, dei = 0, tpid = 0x8100 }.
 * pad: pad the frame (without FCS) to the 60-byte Ethernet minimum, as a NIC does.
 */
export function ethernet({ dst, src, vlans = [], type, payload = Buffer.alloc(0), pad = false }) {
  const hdr = Buffer.alloc(14 + 4 * vlans.length);
  mac(dst).copy(hdr, 0);
  mac(src).copy(hdr, 6);
  let o = 12;
  for (const v of vlans) {
    hdr.writeUInt16BE(v.tpid ?? EtherType.VLAN, o);
    hdr.writeUInt16BE(((v.pcp ?? 0) << 13) | ((v.dei ?? 0) << 12) | (v.vid & 0x0fff), o + 2);
    o += 4;
  }
  hdr.writeUInt16BE(type, o);
  let frame = Buffer.concat([hdr, payload]);
  if (pad && frame.length < 60) frame = Buffer.concat([frame, Buffer.alloc(60 - frame.length)]);
  return frame;
}

/** Linux cooked capture v1 (LINKTYPE_LINUX_SLL, 113): 16-byte header. */
export function sll({ pktType = PktType.HOST, arphrd = 1, address = '00:00:00:00:00:00', protocol, payload }) {
  const h = Buffer.alloc(16);
  h.writeUInt16BE(pktType, 0);
  h.writeUInt16BE(arphrd, 2);
  const a = mac(address);
  h.writeUInt16BE(a.length, 4);
  a.copy(h, 6); // 8-byte address field, zero-padded
  h.writeUInt16BE(protocol, 14);
  return Buffer.concat([h, payload]);
}

/** Linux cooked capture v2 (LINKTYPE_LINUX_SLL2, 276): 20-byte header. */
export function sll2({ protocol, ifindex = 2, arphrd = 1, pktType = PktType.HOST, address = '00:00:00:00:00:00', payload }) {
  const h = Buffer.alloc(20);
  h.writeUInt16BE(protocol, 0);
  h.writeUInt16BE(0, 2); // reserved (MBZ)
  h.writeUInt32BE(ifindex, 4);
  h.writeUInt16BE(arphrd, 8);
  h[10] = pktType;
  const a = mac(address);
  h[11] = a.length;
  a.copy(h, 12);
  return Buffer.concat([h, payload]);
}

/** ARP over Ethernet/IPv4 (RFC 826). op 1 = request, 2 = reply. */
export function arp({ op, sha, spa, tha = '00:00:00:00:00:00', tpa }) {
  const b = Buffer.alloc(28);
  b.writeUInt16BE(1, 0); // htype Ethernet
  b.writeUInt16BE(EtherType.IPV4, 2);
  b[4] = 6;
  b[5] = 4;
  b.writeUInt16BE(op, 6);
  mac(sha).copy(b, 8);
  ip4(spa).copy(b, 14);
  mac(tha).copy(b, 18);
  ip4(tpa).copy(b, 24);
  return b;
}

// ---------------------------------------------------------------- IP

/**
 * IPv4 header + payload.
 * fragOffset is in bytes (a multiple of 8). options is raw option bytes; it is
 * padded with zeros (End of Option List) to a multiple of 4.
 * totalLength / ihl / checksum override the computed values.
 */
export function ipv4({
  src, dst, proto, payload = Buffer.alloc(0), ttl = 64, id = 0, tos = 0,
  df = false, mf = false, fragOffset = 0, options = Buffer.alloc(0),
  totalLength, ihl, checksum, version = 4,
}) {
  const optLen = (options.length + 3) & ~3;
  const hl = 20 + optLen;
  const h = Buffer.alloc(hl);
  h[0] = (version << 4) | (ihl ?? hl / 4);
  h[1] = tos;
  h.writeUInt16BE(totalLength ?? hl + payload.length, 2);
  h.writeUInt16BE(id & 0xffff, 4);
  if (fragOffset % 8 !== 0) throw new Error('fragment offset must be a multiple of 8');
  h.writeUInt16BE((df ? 0x4000 : 0) | (mf ? 0x2000 : 0) | (fragOffset / 8), 6);
  h[8] = ttl;
  h[9] = proto;
  ip4(src).copy(h, 12);
  ip4(dst).copy(h, 16);
  options.copy(h, 20);
  h.writeUInt16BE(checksum ?? inetChecksum(h), 10);
  return Buffer.concat([h, payload]);
}

/** IPv4 Router Alert option (RFC 2113), 4 bytes. */
export const IPV4_OPT_ROUTER_ALERT = Buffer.from([0x94, 0x04, 0x00, 0x00]);

/**
 * IPv6 extension header.
 *  { type: 'hbh' | 'dst', options?: Buffer }  options padded with PadN to 8n - 2 bytes
 *  { type: 'frag', offset (bytes, multiple of 8), m: bool, id }
 *  { type: 'routing', routingType = 0, segmentsLeft = 0, data = 4 zero bytes + addresses }
 */
function ipv6Ext(ext, nextHeader) {
  if (ext.type === 'frag') {
    const b = Buffer.alloc(8);
    b[0] = nextHeader;
    b.writeUInt16BE((ext.offset / 8) << 3 | (ext.m ? 1 : 0), 2);
    b.writeUInt32BE(ext.id >>> 0, 4);
    return b;
  }
  let body;
  if (ext.type === 'routing') {
    const data = ext.data ?? Buffer.alloc(4);
    body = Buffer.concat([Buffer.from([ext.routingType ?? 0, ext.segmentsLeft ?? 0]), data]);
  } else {
    body = ext.options ?? Buffer.alloc(0);
  }
  let len = 2 + body.length;
  let padded = body;
  if (len % 8 !== 0) {
    const pad = 8 - (len % 8);
    // Pad1 for one byte, PadN (type 1, length pad-2) otherwise
    const p = pad === 1 ? Buffer.from([0]) : Buffer.concat([Buffer.from([1, pad - 2]), Buffer.alloc(pad - 2)]);
    padded = Buffer.concat([body, p]);
    len += pad;
  }
  const h = Buffer.alloc(2);
  h[0] = nextHeader;
  h[1] = len / 8 - 1;
  return Buffer.concat([h, padded]);
}

const EXT_NUMBER = { hbh: IpProto.HOPOPTS, dst: IpProto.DSTOPTS, routing: IpProto.ROUTING, frag: IpProto.FRAGMENT };

/** IPv6 Router Alert hop-by-hop option (RFC 2711), value 0 = MLD. */
export const IPV6_OPT_ROUTER_ALERT = Buffer.from([0x05, 0x02, 0x00, 0x00]);

/**
 * IPv6 header, extension headers in the order given, then payload.
 * nextHeader is the protocol after the last extension header.
 */
export function ipv6({
  src, dst, nextHeader, payload = Buffer.alloc(0), ext = [], hopLimit = 64,
  trafficClass = 0, flowLabel = 0, payloadLength,
}) {
  const chain = [];
  for (let i = 0; i < ext.length; i++) {
    const nh = i + 1 < ext.length ? EXT_NUMBER[ext[i + 1].type] : nextHeader;
    chain.push(ipv6Ext(ext[i], nh));
  }
  const rest = Buffer.concat([...chain, payload]);
  const h = Buffer.alloc(40);
  h.writeUInt32BE(((6 << 28) | (trafficClass << 20) | (flowLabel & 0xfffff)) >>> 0, 0);
  h.writeUInt16BE(payloadLength ?? rest.length, 4);
  h[6] = ext.length ? EXT_NUMBER[ext[0].type] : nextHeader;
  h[7] = hopLimit;
  ip6(src).copy(h, 8);
  ip6(dst).copy(h, 24);
  return Buffer.concat([h, rest]);
}

// ---------------------------------------------------------------- L4

/**
 * UDP. With src/dst (the enclosing IP addresses) and checksum 'auto' the
 * checksum is computed; checksum 0 (the VXLAN custom) leaves it unset.
 */
export function udp({ sport, dport, payload = Buffer.alloc(0), src, dst, checksum = 'auto', length }) {
  const seg = Buffer.concat([Buffer.alloc(8), payload]);
  seg.writeUInt16BE(sport, 0);
  seg.writeUInt16BE(dport, 2);
  seg.writeUInt16BE(length ?? seg.length, 4);
  if (checksum === 'auto' && src && dst) l4Checksum(seg, src, dst, IpProto.UDP, 6);
  else seg.writeUInt16BE(typeof checksum === 'number' ? checksum : 0, 6);
  return seg;
}

/** VXLAN (RFC 7348): flags byte, 24 reserved bits, 24-bit VNI, 8 reserved bits. */
export function vxlan({ vni, flags = 0x08, reserved1 = 0, reserved2 = 0, payload = Buffer.alloc(0) }) {
  const h = Buffer.alloc(8);
  h[0] = flags;
  h.writeUIntBE(reserved1 & 0xffffff, 1, 3);
  h.writeUIntBE(vni & 0xffffff, 4, 3);
  h[7] = reserved2;
  return Buffer.concat([h, payload]);
}

const TCP_FLAG_BITS = { F: 0x01, S: 0x02, R: 0x04, P: 0x08, A: 0x10, U: 0x20, E: 0x40, C: 0x80 };

/** 'SA' -> 0x12; numbers pass through. */
export function tcpFlags(f) {
  if (typeof f === 'number') return f;
  let v = 0;
  for (const ch of f) {
    if (!(ch in TCP_FLAG_BITS)) throw new Error(`bad TCP flag ${ch}`);
    v |= TCP_FLAG_BITS[ch];
  }
  return v;
}

/**
 * TCP options, in the order given, padded with EOL to a multiple of 4:
 *  {kind:'mss', value} {kind:'ws', shift} {kind:'sackok'} {kind:'ts', val, ecr}
 *  {kind:'sack', blocks:[[left,right],...]} {kind:'nop'} {kind:'eol'}
 */
export function tcpOptions(opts) {
  const parts = [];
  for (const o of opts) {
    switch (o.kind) {
      case 'nop': parts.push(Buffer.from([1])); break;
      case 'eol': parts.push(Buffer.from([0])); break;
      case 'mss': { const b = Buffer.from([2, 4, 0, 0]); b.writeUInt16BE(o.value, 2); parts.push(b); break; }
      case 'ws': parts.push(Buffer.from([3, 3, o.shift])); break;
      case 'sackok': parts.push(Buffer.from([4, 2])); break;
      case 'sack': {
        const b = Buffer.alloc(2 + 8 * o.blocks.length);
        b[0] = 5;
        b[1] = b.length;
        o.blocks.forEach(([l, r], i) => { b.writeUInt32BE(l >>> 0, 2 + 8 * i); b.writeUInt32BE(r >>> 0, 6 + 8 * i); });
        parts.push(b);
        break;
      }
      case 'ts': { const b = Buffer.alloc(10); b[0] = 8; b[1] = 10; b.writeUInt32BE(o.val >>> 0, 2); b.writeUInt32BE(o.ecr >>> 0, 6); parts.push(b); break; }
      default: throw new Error(`unknown TCP option ${o.kind}`);
    }
  }
  let b = Buffer.concat(parts);
  if (b.length % 4) b = Buffer.concat([b, Buffer.alloc(4 - (b.length % 4))]);
  if (b.length > 40) throw new Error('TCP options longer than 40 bytes');
  return b;
}

/** The options Linux puts on a SYN / SYN-ACK: MSS, SACK-permitted, timestamps, NOP, window scale. */
export function linuxSynOptions({ mss = 1460, tsVal, tsEcr = 0, wscale = 7 }) {
  return [{ kind: 'mss', value: mss }, { kind: 'sackok' }, { kind: 'ts', val: tsVal, ecr: tsEcr }, { kind: 'nop' }, { kind: 'ws', shift: wscale }];
}

/** TCP segment. With src/dst the checksum is computed over the whole segment. */
export function tcp({
  sport, dport, seq = 0, ack = 0, flags = 'S', window = 64240, urgent = 0,
  options = [], payload = Buffer.alloc(0), src, dst, dataOffset, checksum,
}) {
  const opt = Buffer.isBuffer(options) ? options : tcpOptions(options);
  const hl = 20 + opt.length;
  const seg = Buffer.concat([Buffer.alloc(20), opt, payload]);
  seg.writeUInt16BE(sport, 0);
  seg.writeUInt16BE(dport, 2);
  seg.writeUInt32BE(seq >>> 0, 4);
  seg.writeUInt32BE(ack >>> 0, 8);
  seg[12] = (dataOffset ?? hl / 4) << 4;
  seg[13] = tcpFlags(flags);
  seg.writeUInt16BE(window, 14);
  seg.writeUInt16BE(urgent, 18);
  if (checksum !== undefined) seg.writeUInt16BE(checksum, 16);
  else if (src && dst) l4Checksum(seg, src, dst, IpProto.TCP, 16);
  return seg;
}

/** ICMPv4 message (type 8 echo request, 0 echo reply; id/seq in the rest-of-header word). */
export function icmp({ type, code = 0, id = 0, seq = 0, payload = Buffer.alloc(0) }) {
  const m = Buffer.concat([Buffer.alloc(8), payload]);
  m[0] = type;
  m[1] = code;
  m.writeUInt16BE(id, 4);
  m.writeUInt16BE(seq, 6);
  m.writeUInt16BE(inetChecksum(m), 2);
  return m;
}

/** ICMPv6 message (128 echo request, 129 echo reply); checksum needs src/dst. */
export function icmpv6({ type, code = 0, id = 0, seq = 0, payload = Buffer.alloc(0), src, dst }) {
  const m = Buffer.concat([Buffer.alloc(8), payload]);
  m[0] = type;
  m[1] = code;
  m.writeUInt16BE(id, 4);
  m.writeUInt16BE(seq, 6);
  if (src && dst) l4Checksum(m, src, dst, IpProto.ICMPV6, 2);
  return m;
}

/** The 56 data bytes Linux `ping` sends after its 8-byte timestamp, made deterministic. */
export function pingPayload(seq, size = 56) {
  const b = Buffer.alloc(size);
  b.writeUInt32BE(0x66000000 + seq, 0);
  for (let i = 8; i < size; i++) b[i] = i;
  return b;
}

// ---------------------------------------------------------------- application payloads

/** Minimal DNS query (one question, RD set) or response (one A / AAAA answer). */
export function dns({ id, name, qtype = 1, response = false, answer }) {
  const labels = Buffer.concat([
    ...name.split('.').map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l, 'ascii')])),
    Buffer.from([0]),
  ]);
  const h = Buffer.alloc(12);
  h.writeUInt16BE(id, 0);
  h.writeUInt16BE(response ? 0x8180 : 0x0100, 2);
  h.writeUInt16BE(1, 4); // QDCOUNT
  h.writeUInt16BE(response && answer ? 1 : 0, 6); // ANCOUNT
  const q = Buffer.alloc(4);
  q.writeUInt16BE(qtype, 0);
  q.writeUInt16BE(1, 2); // class IN
  const parts = [h, labels, q];
  if (response && answer) {
    const rdata = addr(answer);
    const rr = Buffer.alloc(12);
    rr.writeUInt16BE(0xc00c, 0); // pointer to the question name
    rr.writeUInt16BE(rdata.length === 4 ? 1 : 28, 2);
    rr.writeUInt16BE(1, 4);
    rr.writeUInt32BE(60, 6); // TTL
    rr.writeUInt16BE(rdata.length, 10);
    parts.push(rr, rdata);
  }
  return Buffer.concat(parts);
}

/** NTPv4 packet (48 bytes): mode 3 client or 4 server. */
export function ntp({ mode, stratum = 0, txSeconds = 0 }) {
  const b = Buffer.alloc(48);
  b[0] = (0 << 6) | (4 << 3) | mode; // LI 0, VN 4
  b[1] = stratum;
  b[2] = 6; // poll
  b[3] = 0xec; // precision
  b.writeUInt32BE((txSeconds + 2208988800) >>> 0, 40); // transmit timestamp (NTP era 0)
  return b;
}

/** Deterministic filler bytes (HTTP-ish body text). */
export function filler(n, seed = 0) {
  const text = 'vxmon crafted capture payload; the quick brown fox jumps over the lazy dog. ';
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = text.charCodeAt((i + seed) % text.length);
  return b;
}

// ---------------------------------------------------------------- composites

/**
 * One VXLAN-encapsulated frame over IPv4 (what a mirror target receives):
 * outer Ethernet (optional tags) / IPv4 / UDP (checksum 0) / VXLAN / inner.
 * AWS VPC Traffic Mirroring sends TTL 255, IP ID 0, no DF, UDP checksum 0
 * (as seen in the real capture suricata-verify/vxlan-decoder-03).
 */
export function vxlanOverIpv4({
  inner, vni, flags = 0x08, reserved1 = 0, reserved2 = 0,
  outerSrcMac = '06:00:00:00:00:01', outerDstMac = '06:00:00:00:00:02', outerVlans = [],
  outerSrc, outerDst, sport, dport = 4789, ttl = 255, id = 0, df = false, udpChecksum = 0,
}) {
  const vx = vxlan({ vni, flags, reserved1, reserved2, payload: inner });
  const u = udp({ sport, dport, payload: vx, src: outerSrc, dst: outerDst, checksum: udpChecksum === 0 ? 0 : 'auto' });
  const ip = ipv4({ src: outerSrc, dst: outerDst, proto: IpProto.UDP, payload: u, ttl, id, df });
  return ethernet({ dst: outerDstMac, src: outerSrcMac, vlans: outerVlans, type: EtherType.IPV4, payload: ip });
}

/**
 * Geneve (RFC 8926 §3.4, §3.5): Ver 0 | Opt Len | O C | Protocol Type | VNI |
 * options, each Class 16 | Type 8 | R 3 + Length 5 (data words) | data
 * (a multiple of 4 bytes). `protocol` is an EtherType: 0x6558 for an
 * Ethernet payload, 0x0800 / 0x86dd for IP carried directly.
 */
export function geneve({ vni, protocol, options = [], oam = false, payload = Buffer.alloc(0) }) {
  const opts = options.map(({ cls, type, data }) => {
    if (data.length % 4 !== 0 || data.length > 124) throw new Error('geneve option data must be 0..124 bytes, a multiple of 4');
    const h = Buffer.alloc(4);
    h.writeUInt16BE(cls, 0);
    h[2] = type;
    h[3] = data.length / 4;
    return Buffer.concat([h, data]);
  });
  const optBytes = Buffer.concat(opts);
  const critical = options.some((o) => o.type & 0x80);
  const h = Buffer.alloc(8);
  h[0] = optBytes.length / 4; // Ver 0
  h[1] = (oam ? 0x80 : 0) | (critical ? 0x40 : 0);
  h.writeUInt16BE(protocol, 2);
  h.writeUIntBE(vni & 0xffffff, 4, 3);
  return Buffer.concat([h, optBytes, payload]);
}

/**
 * One Geneve datagram over IPv4 as AWS Gateway Load Balancer delivers it to
 * an appliance: outer Ethernet / IPv4 / UDP to 6081 (checksum 0) / Geneve
 * with protocol IPv4 (no inner Ethernet) and the GWLB options / `innerIp`.
 */
export function geneveOverIpv4({
  innerIp, vni = 0, options = [], protocol = EtherType.IPV4,
  outerSrcMac = '06:00:00:00:00:01', outerDstMac = '06:00:00:00:00:02',
  outerSrc, outerDst, sport, dport = 6081, ttl = 255, id = 0, df = false,
}) {
  const g = geneve({ vni, protocol, options, payload: innerIp });
  const u = udp({ sport, dport, payload: g, checksum: 0 });
  const ip = ipv4({ src: outerSrc, dst: outerDst, proto: IpProto.UDP, payload: u, ttl, id, df });
  return ethernet({ dst: outerDstMac, src: outerSrcMac, type: EtherType.IPV4, payload: ip });
}

/** Strip the 14-byte Ethernet header (no tags) of a frame: what a raw-IP or cooked link carries. */
export function stripEthernet(frame) {
  const type = frame.readUInt16BE(12);
  if (type === EtherType.VLAN || type === EtherType.QINQ) throw new Error('stripEthernet: tagged frame');
  return { type, l3: Buffer.from(frame.subarray(14)) };
}
