/**
 * The tracker driven by hand-filled views; every expectation is computed by
 * hand in the comments. Times are µs after T (an arbitrary epoch second).
 */
import { describe, expect, it } from 'vitest';
import { IpProto, PacketView } from '../../../src/decode/packet-view.js';
import { SessionTracker, type SessionTrackerOptions } from '../../../src/session/session-tracker.js';
import { plainRecord, type PlainRecord } from './helpers.js';
import { A, B, fill, type Pkt } from './views.js';

const T = 1_700_000_000;

function harness(opts: Omit<SessionTrackerOptions, 'onFlow'> = {}) {
  const records: PlainRecord[] = [];
  const tracker = new SessionTracker({ ...opts, onFlow: (r) => records.push(plainRecord(r)) });
  const view = new PacketView();
  const send = (us: number, p: Pkt) => {
    const total = T * 1e6 + us;
    tracker.onPacket(fill(view, p), Math.floor(total / 1e6), (total % 1e6) * 1000);
  };
  // client A:40000 → server B:80
  const c = (us: number, p: Pkt) => send(us, { src: A, dst: B, sp: 40000, dp: 80, ...p });
  const s = (us: number, p: Pkt) => send(us, { src: B, dst: A, sp: 80, dp: 40000, ...p });
  const vni = () => tracker.stats.figures()[0];
  return { tracker, records, send, c, s, vni };
}

describe('SessionTracker: TCP', () => {
  it('handshake RTTs both halves exact to the µs; both FINs close as fin', () => {
    const h = harness();
    h.c(0, { flags: 'S', seq: 1000 });
    h.s(1250, { flags: 'SA', seq: 5000, ack: 1001 }); // server side: 1250 - 0
    h.c(1730, { flags: 'A', seq: 1001, ack: 5001 }); // client side: 1730 - 1250 = 480
    h.c(1800, { flags: 'PA', seq: 1001, ack: 5001, len: 100 });
    h.s(2000, { flags: 'A', seq: 5001, ack: 1101 });
    h.c(3000, { flags: 'FA', seq: 1101, ack: 5001 });
    h.s(3100, { flags: 'FA', seq: 5001, ack: 1102 });
    h.c(3200, { flags: 'A', seq: 1102, ack: 5002 });
    expect(h.records).toEqual([]); // lingering until tcpClosed
    h.tracker.finish('end_of_capture');
    const r = h.records[0];
    expect(r.close_reason).toBe('fin'); // already closed by FIN: keeps fin
    expect([r.rtt_server_us, r.rtt_client_us]).toEqual([1250, 480]);
    expect(r.initiator).toBe('10.0.0.1:40000');
    expect(r.initiator_method).toBe('syn');
    // fwd: 5 packets, IP bytes 4*40 + 140 = 300, payload 100; rev: 3 packets, 120 bytes.
    expect([r.fwd.packets, r.fwd.ip_bytes, r.fwd.payload_bytes, r.rev.packets, r.rev.ip_bytes]).toEqual([5, 300, 100, 3, 120]);
    expect([r.start_us, r.end_us, r.duration_us]).toEqual([T * 1e6, T * 1e6 + 3200, 3200]);
    expect([r.fwd.tcp_flags, r.rev.tcp_flags]).toEqual([0x02 | 0x10 | 0x08 | 0x01, 0x12 | 0x01]);
    expect([r.retransmitted_packets, r.unseen_bytes, r.out_of_order]).toEqual([0, 0, 0]);
    const v = h.vni();
    expect(v.tcp.opened).toBe(1);
    expect(v.tcp.closed.fin).toBe(1);
    expect(v.tcp.rtt_server_seconds).toEqual({ p50: 0.00125, p99: 0.00125, count: 1 });
    expect(v.tcp.rtt_client_seconds).toEqual({ p50: 0.00048, p99: 0.00048, count: 1 });
  });

  it('retransmission, SYN retransmission, out-of-order then filled, unseen bytes, zero window', () => {
    const h = harness();
    h.c(0, { flags: 'S', seq: 100 });
    h.c(1_000_000, { flags: 'S', seq: 100 }); // SYN retransmitted: server RTT from this one
    h.s(1_000_300, { flags: 'SA', seq: 900, ack: 101 }); // rtt server 300
    h.c(1_000_500, { flags: 'A', seq: 101, ack: 901 }); // rtt client 200
    h.c(1_001_000, { flags: 'PA', seq: 101, ack: 901, len: 100 }); // 101..201
    h.c(1_001_100, { flags: 'PA', seq: 101, ack: 901, len: 100 }); // retransmission: 100 bytes
    h.c(1_001_200, { flags: 'PA', seq: 301, ack: 901, len: 100 }); // gap 201..301, next 401
    h.c(1_001_300, { flags: 'PA', seq: 201, ack: 901, len: 100 }); // fills the hole: out-of-order
    h.s(1_001_400, { flags: 'A', seq: 901, ack: 401, win: 0 }); // zero window, nothing unseen
    h.c(1_001_500, { flags: 'PA', seq: 501, ack: 901, len: 50 }); // gap 401..501 opens
    h.s(1_001_600, { flags: 'A', seq: 901, ack: 551 }); // ACKs over the hole: 100 unseen
    h.s(1_001_700, { flags: 'A', seq: 901, ack: 651 }); // beyond anything seen: 100 more unseen
    h.tracker.finish('end_of_capture');
    const r = h.records[0];
    expect(r.close_reason).toBe('end_of_capture');
    expect([r.rtt_server_us, r.rtt_client_us]).toEqual([300, 200]);
    expect([r.syn_retransmissions, r.retransmitted_packets, r.retransmitted_bytes, r.out_of_order]).toEqual([1, 1, 100, 1]);
    expect([r.unseen_bytes, r.zero_windows]).toEqual([200, 1]);
    const v = h.vni().tcp;
    expect([v.syn_retransmissions, v.retransmitted_packets, v.retransmitted_bytes, v.out_of_order, v.unseen_bytes, v.zero_windows]).toEqual([1, 1, 100, 1, 200, 1]);
    expect(v.closed.end_of_capture).toBe(1);
  });

  it('sequence numbers wrap across 2^32 without false retransmissions', () => {
    const h = harness();
    const isn = 0xffffff00;
    h.c(0, { flags: 'S', seq: isn });
    h.s(10, { flags: 'SA', seq: 7, ack: isn + 1 });
    h.c(20, { flags: 'A', seq: isn + 1, ack: 8 });
    h.c(30, { flags: 'PA', seq: isn + 1, ack: 8, len: 200 }); // 0xffffff01 .. 0xffffffc9
    h.c(40, { flags: 'PA', seq: isn + 201, ack: 8, len: 200 }); // crosses 2^32: ends at 0x91
    h.c(50, { flags: 'PA', seq: (isn + 401) >>> 0, ack: 8, len: 100 }); // 0x91 .. 0xf5
    h.s(60, { flags: 'A', seq: 8, ack: (isn + 501) >>> 0 });
    h.c(70, { flags: 'PA', seq: (isn + 401) >>> 0, ack: 8, len: 100 }); // a real retransmission after the wrap
    h.tracker.finish();
    const r = h.records[0];
    expect([r.retransmitted_packets, r.retransmitted_bytes, r.out_of_order, r.unseen_bytes]).toEqual([1, 100, 0, 0]);
  });

  it('RST closes as rst; a new SYN on the closed tuple starts a new session (port reuse)', () => {
    const h = harness();
    h.c(0, { flags: 'S', seq: 1 });
    h.s(100, { flags: 'RA', seq: 0, ack: 2 }); // refused
    h.c(200, { flags: 'S', seq: 50_000 }); // new attempt, same tuple
    h.s(300, { flags: 'SA', seq: 9, ack: 50_001 });
    h.tracker.finish();
    expect(h.records.map((r) => r.close_reason)).toEqual(['rst', 'end_of_capture']);
    expect([h.records[0].fwd.packets, h.records[0].rev.packets]).toEqual([1, 1]);
    expect(h.records[1].rtt_server_us).toBe(100);
    expect(h.vni().tcp.opened).toBe(2);
    expect(h.vni().tcp.closed.rst).toBe(1);
  });

  it('late ACK and RSTs after both FINs stay in the closed session', () => {
    const h = harness();
    h.c(0, { flags: 'S', seq: 1 });
    h.s(10, { flags: 'SA', seq: 1, ack: 2 });
    h.c(20, { flags: 'FA', seq: 2, ack: 2 });
    h.s(30, { flags: 'FA', seq: 2, ack: 3 });
    h.c(40, { flags: 'R', seq: 3 });
    h.c(50, { flags: 'R', seq: 3 });
    h.tracker.finish();
    expect(h.records).toHaveLength(1);
    expect(h.records[0].close_reason).toBe('fin');
    expect(h.records[0].fwd.packets).toBe(4);
  });

  it('idle timeout on frame time: exactly at the limit stays, 1 µs more is a new session', () => {
    const h = harness({ timeouts: { tcpEstablished: 350 } });
    h.c(0, { flags: 'PA', seq: 10, ack: 10, len: 10 }); // mid-stream
    h.c(350_000_000, { flags: 'PA', seq: 20, ack: 10, len: 10 }); // idle exactly 350 s: same session
    h.c(700_000_001, { flags: 'PA', seq: 30, ack: 10, len: 10 }); // idle 350.000001 s: timed out
    h.tracker.finish();
    expect(h.records.map((r) => [r.close_reason, r.fwd.packets])).toEqual([['timeout', 2], ['end_of_capture', 1]]);
    expect(h.records[0].end_us - h.records[0].start_us).toBe(350_000_000);
  });

  it('the sweep closes idle sessions of every class as frame time passes', () => {
    const h = harness();
    h.c(0, { flags: 'S', seq: 1 }); // opening: 60 s
    h.send(0, { proto: IpProto.UDP, sp: 5353, dp: 53 }); // udp: 120 s
    h.send(0, { proto: IpProto.ICMP, icmpType: 8, icmpId: 7 }); // icmp: 30 s
    h.send(31_000_000, { src: 0x0a000009, dst: B, proto: IpProto.UDP, sp: 1, dp: 2 });
    expect(h.records.map((r) => r.proto)).toEqual([IpProto.ICMP]);
    h.send(61_000_000, { src: 0x0a000009, dst: B, proto: IpProto.UDP, sp: 1, dp: 2 });
    expect(h.records.map((r) => r.proto)).toEqual([IpProto.ICMP, IpProto.TCP]);
    expect(h.records[1].close_reason).toBe('timeout');
    expect(h.records[1].one_sided).toBe(true);
  });

  it('mid-stream start: initiator by port, marked mid-stream; one-sided counted', () => {
    const h = harness();
    h.s(0, { flags: 'PA', seq: 500, ack: 77, len: 20 }); // only the server side is mirrored
    h.s(10, { flags: 'PA', seq: 520, ack: 77, len: 20 });
    h.tracker.finish();
    const r = h.records[0];
    expect([r.mid_stream, r.one_sided, r.initiator_method, r.initiator]).toEqual([true, true, 'port', '10.0.0.1:40000']);
    expect([r.fwd.packets, r.rev.packets, r.fwd.first_us]).toEqual([0, 2, -1]);
    expect([h.vni().tcp.mid_stream, h.vni().tcp.one_sided]).toEqual([1, 1]);
  });

  it('a session first seen at its SYN-ACK: initiator is the SYN-ACK receiver', () => {
    const h = harness();
    h.s(0, { flags: 'SA', seq: 1, ack: 2 });
    h.c(400, { flags: 'A', seq: 2, ack: 2 });
    h.tracker.finish();
    const r = h.records[0];
    expect([r.initiator_method, r.initiator, r.rtt_server_us, r.rtt_client_us, r.mid_stream]).toEqual(['synack', '10.0.0.1:40000', -1, 400, false]);
  });

  it('the original SYN delivered after its SYN-ACK (reordered by the mirror) is no SYN retransmission', () => {
    const h = harness();
    h.s(0, { flags: 'SA', seq: 5000, ack: 1001 });
    h.c(50, { flags: 'S', seq: 1000 }); // 50 µs after the SYN-ACK: the original, not a retransmission (>= 200 ms)
    h.c(400, { flags: 'A', seq: 1001, ack: 5001 });
    h.tracker.finish();
    const r = h.records[0];
    expect([r.initiator_method, r.initiator, r.syn_retransmissions, r.rtt_server_us, r.rtt_client_us, r.state]).toEqual(['syn', '10.0.0.1:40000', 0, -1, 400, 'established']);
    expect(h.vni().tcp.syn_retransmissions).toBe(0);
  });

  it('a one-sided mirror (client side only): a new SYN from the side whose FIN was seen starts a new session', () => {
    const h = harness();
    h.c(0, { flags: 'S', seq: 1000 });
    h.c(200, { flags: 'A', seq: 1001, ack: 5001 });
    h.c(300, { flags: 'PA', seq: 1001, ack: 5001, len: 100 });
    h.c(400, { flags: 'FA', seq: 1101, ack: 5001 }); // the client's FIN; the server's is never shown
    h.c(1_000_000, { flags: 'S', seq: 90000 }); // port reuse 1 s later: a new connection
    h.c(1_000_200, { flags: 'A', seq: 90001, ack: 7001 });
    h.tracker.finish();
    // Session 1: 4 packets, ended by the FIN the mirror showed; session 2: 2 packets, open at the end.
    expect(h.records.map((r) => [r.fwd.packets, r.rev.packets, r.state, r.close_reason, r.one_sided])).toEqual([
      [4, 0, 'fin_wait', 'fin', true],
      [2, 0, 'established', 'end_of_capture', true], // its ACK without a SYN-ACK seen: established (one-sided)
    ]);
    expect(h.vni().tcp.opened).toBe(2);
  });

  it('a SYN from the side that has not sent its FIN stays in the session (no new connection without a close)', () => {
    const h = harness();
    h.c(0, { flags: 'S', seq: 1000 });
    h.s(100, { flags: 'SA', seq: 5000, ack: 1001 });
    h.c(200, { flags: 'A', seq: 1001, ack: 5001 });
    h.s(300, { flags: 'FA', seq: 5001, ack: 1001 }); // the server half-closes
    h.c(400, { flags: 'S', seq: 1000 }); // a stray SYN from the client, whose FIN was not seen
    h.tracker.finish();
    expect(h.records.map((r) => [r.fwd.packets, r.rev.packets, r.close_reason])).toEqual([[3, 2, 'end_of_capture']]);
  });

  it('a SYN 1 s after the SYN-ACK that opened its session is a retransmission (the SYN-ACK did not reach the client)', () => {
    const h = harness();
    h.s(0, { flags: 'SA', seq: 5000, ack: 1001 });
    h.c(1_000_000, { flags: 'S', seq: 1000 }); // Linux's initial RTO, 1 s (RFC 6298)
    h.tracker.finish();
    const r = h.records[0];
    expect([r.initiator_method, r.syn_retransmissions]).toEqual(['synack', 1]);
  });
});

describe('SessionTracker: sequence gaps, RST,ACK, one-sided opening, timeouts between sweeps', () => {
  // The client's data: 100-byte segments from 1001 (s1 1001..1100, s2 1101..1200, ... s5 1401..1500).
  const open = (h: ReturnType<typeof harness>) => {
    h.c(0, { flags: 'S', seq: 1000 });
    h.s(100, { flags: 'SA', seq: 5000, ack: 1001 });
    h.c(200, { flags: 'A', seq: 1001, ack: 5001 });
  };
  const seg = (h: ReturnType<typeof harness>, us: number, n: number, segments = 1) =>
    h.c(us, { flags: 'PA', seq: 1001 + 100 * (n - 1), ack: 5001, len: 100 * segments });

  it('a retransmission that covers a gap and runs past it closes the gap: the ACK after it is no mirror loss', () => {
    const h = harness();
    open(h);
    seg(h, 1000, 1); // next 1101
    seg(h, 2000, 3); // s2 lost: gap 1101..1201, next 1301
    seg(h, 300_000, 2, 2); // s2 and s3 again in one segment, 1101..1301: a retransmission (s3 was seen) that fills the gap
    h.s(300_100, { flags: 'A', seq: 5001, ack: 1301 }); // every byte below 1301 was seen: nothing unseen
    h.tracker.finish();
    const r = h.records[0];
    expect([r.retransmitted_packets, r.retransmitted_bytes, r.out_of_order, r.unseen_bytes]).toEqual([1, 200, 0, 0]);
  });

  it('segments that fill gaps, in any order, are out of order and not retransmissions (order 1, 5, 3, 2, 4)', () => {
    const h = harness();
    open(h);
    seg(h, 1000, 1); // next 1101
    seg(h, 1100, 5); // gap 1101..1401, next 1501
    seg(h, 1200, 3); // inside the gap: out of order; gaps 1101..1201 and 1301..1401
    seg(h, 1300, 2); // fills the first: out of order
    seg(h, 1400, 4); // fills the second: out of order
    h.s(1500, { flags: 'A', seq: 5001, ack: 1501 }); // all seen
    h.tracker.finish();
    const r = h.records[0];
    expect([r.retransmitted_packets, r.retransmitted_bytes, r.out_of_order, r.unseen_bytes]).toEqual([0, 0, 3, 0]);
  });

  it('two gaps open at once: ACKs over them count both as unseen, a part at a time', () => {
    const h = harness();
    open(h);
    seg(h, 1000, 1);
    seg(h, 1100, 3); // s2 lost to the mirror: gap 1101..1201
    seg(h, 1200, 5); // s4 lost too: gap 1301..1401, next 1501
    h.s(1300, { flags: 'A', seq: 5001, ack: 1351 }); // the first gap whole (100) and 1301..1351 (50): 150
    h.s(1400, { flags: 'A', seq: 5001, ack: 1501 }); // the rest of the second gap: 50
    seg(h, 1500, 2); // late copies of s2 and s4, after their ACKs: already acknowledged, retransmissions
    seg(h, 1600, 4);
    h.tracker.finish();
    const r = h.records[0];
    expect([r.unseen_bytes, r.out_of_order, r.retransmitted_packets]).toEqual([200, 0, 2]);
    expect(h.vni().tcp.unseen_bytes).toBe(200);
  });

  it('more gaps than are kept: the ones beyond the list count as before (no unseen bytes, fills as retransmissions)', () => {
    const h = harness();
    open(h);
    // Every other segment of 20 seen: gaps after s1, s3, ..., s19, nine of them; the list keeps 8.
    for (let n = 1; n <= 19; n += 2) seg(h, 1000 + n, n);
    h.s(5000, { flags: 'A', seq: 5001, ack: 1001 + 100 * 19 }); // acknowledges everything up to s19's end
    h.tracker.finish();
    // Gaps s2, s4, ..., s16 (8 kept) count 800 unseen bytes; the ninth (s18) was never recorded.
    expect(h.records[0].unseen_bytes).toBe(800);
  });

  it('the second and later gaps take a pool slot only while they are open, and give it back when the session ends', () => {
    const h = harness();
    const pool = h.tracker.table.extraHoles;
    for (let port = 1; port <= 50; port++) {
      const c = (us: number, p: Pkt) => h.send(us, { src: A, dst: B, sp: port, dp: 80, ...p });
      c(0, { flags: 'S', seq: 1000 });
      c(1, { flags: 'PA', seq: 1001, ack: 1, len: 100 });
      c(2, { flags: 'PA', seq: 1201, ack: 1, len: 100 }); // gap 1101..1201 (in the row)
      c(3, { flags: 'PA', seq: 1401, ack: 1, len: 100 }); // gap 1301..1401: a pool slot
    }
    expect(pool.inUse).toBe(50);
    // Port 1's second gap filled: down to one gap, its slot is given back.
    h.send(10, { src: A, dst: B, sp: 1, dp: 80, flags: 'PA', seq: 1301, ack: 1, len: 100 });
    expect(pool.inUse).toBe(49);
    h.tracker.finish();
    expect(pool.inUse).toBe(0);
    expect(h.records.reduce((n, r) => n + r.out_of_order, 0)).toBe(1);
  });

  it("an RST,ACK acknowledges like any ACK: bytes it covers that the mirror never saw are unseen", () => {
    const h = harness();
    open(h);
    // The server sends 5001..5100; the mirror loses it. The client aborts, acknowledging it.
    h.c(1000, { flags: 'RA', seq: 1001, ack: 5101 });
    h.tracker.finish();
    const r = h.records[0];
    expect([r.close_reason, r.unseen_bytes]).toEqual(['rst', 100]);
  });

  it('a mirror that shows only the server: its data establishes the session, so the opening timeout (60 s) does not split it', () => {
    const h = harness();
    h.s(0, { flags: 'SA', seq: 5000, ack: 1001 });
    h.s(1_000_000, { flags: 'PA', seq: 5001, ack: 1001, len: 100 }); // data from the responder: established
    h.s(101_000_000, { flags: 'PA', seq: 5101, ack: 1001, len: 100 }); // 100 s later: within 350 s
    h.tracker.finish();
    expect(h.records.map((r) => [r.state, r.close_reason, r.rev.packets, r.one_sided])).toEqual([['established', 'end_of_capture', 3, true]]);
  });

  it("frames out of time order: each side's first and last are its earliest and latest times, and the duration follows", () => {
    const h = harness();
    const udp = (us: number) => h.send(us, { proto: IpProto.UDP, sp: 50000, dp: 53 });
    udp(1000);
    udp(1900);
    udp(1500);
    udp(400); // earliest, arriving last
    h.tracker.finish();
    const r = h.records[0];
    expect([r.fwd.first_us - T * 1e6, r.fwd.last_us - T * 1e6, r.start_us - T * 1e6, r.end_us - T * 1e6, r.duration_us]).toEqual([400, 1900, 400, 1900, 1500]);
  });

  it('an RTT beyond what its uint32 µs column holds (a 3 h opening timeout) saturates instead of wrapping', () => {
    const h = harness({ timeouts: { tcpOpening: 3 * 3600 } });
    h.c(0, { flags: 'S', seq: 1000 });
    h.s(5000e6, { flags: 'SA', seq: 5000, ack: 1001 }); // server side 5000 s
    h.c(10000e6, { flags: 'A', seq: 1001, ack: 5001 }); // client side 5000 s
    h.tracker.finish();
    expect([h.records[0].rtt_server_us, h.records[0].rtt_client_us]).toEqual([0xffffffff, 0xffffffff]);
  });

  it('a session past its timeout between two sweeps closes as timeout, not evicted, and not end_of_capture', () => {
    const udp = (h: ReturnType<typeof harness>, us: number, src: number) => h.send(us, { src, dst: B, proto: IpProto.UDP, sp: 40000, dp: 53 });
    // Table of 2; UDP times out after 120 s; sweeps run once a second of frame time.
    const h = harness({ maxSessions: 2 });
    udp(h, 0, 0x0a000001); // flow 1
    udp(h, 119_900_000, 0x0a000005); // flow 2; a sweep runs (flow 1 idle 119.9 s: stays), the next at 120.9 s
    udp(h, 120_500_000, 0x0a000003); // flow 3 needs room: flow 1 has been idle 120.5 s, past its 120 s
    h.tracker.finish();
    expect(h.records.map((r) => [r.initiator.split(':')[0], r.close_reason])).toEqual([
      ['10.0.0.1', 'timeout'],
      ['10.0.0.5', 'end_of_capture'],
      ['10.0.0.3', 'end_of_capture'],
    ]);
    expect(h.vni().evictions).toBe(0);
    // The same without the full table: the capture ends at 120.5 s, when flow 1 had timed out.
    const g = harness();
    udp(g, 0, 0x0a000001);
    udp(g, 119_900_000, 0x0a000005);
    udp(g, 120_500_000, 0x0a000005);
    g.tracker.finish();
    expect(g.records.map((r) => [r.initiator.split(':')[0], r.close_reason])).toEqual([
      ['10.0.0.1', 'timeout'],
      ['10.0.0.5', 'end_of_capture'],
    ]);
  });
});

describe('SessionTracker: UDP, ICMP, VNIs, eviction', () => {
  it('UDP flow: both directions, initiator by ephemeral port', () => {
    const h = harness();
    h.send(0, { src: B, dst: A, proto: IpProto.UDP, sp: 53, dp: 33000, len: 40 });
    h.send(5, { src: A, dst: B, proto: IpProto.UDP, sp: 33000, dp: 53, len: 30 });
    h.tracker.finish();
    const r = h.records[0];
    expect([r.initiator, r.responder, r.initiator_method]).toEqual(['10.0.0.1:33000', '10.0.0.2:53', 'port']);
    // IP bytes: 20 + 8 + payload.
    expect([r.fwd.packets, r.fwd.ip_bytes, r.rev.packets, r.rev.ip_bytes]).toEqual([1, 58, 1, 68]);
    expect(h.vni().udp).toEqual({ flows: 1, active: 0, one_sided: 0 });
  });

  it('ICMP echo: request and reply one flow per identifier; the requester initiates', () => {
    const h = harness();
    h.send(0, { src: A, dst: B, proto: IpProto.ICMP, icmpType: 8, len: 60, icmpId: 0x77 });
    h.send(500, { src: B, dst: A, proto: IpProto.ICMP, icmpType: 0, len: 60, icmpId: 0x77 });
    h.send(1000, { src: A, dst: B, proto: IpProto.ICMP, icmpType: 8, len: 60, icmpId: 0x78 });
    h.tracker.finish();
    expect(h.records).toHaveLength(2);
    const r = h.records.find((x) => x.initiator === '10.0.0.1:119')!;
    expect([r.initiator_method, r.fwd.packets, r.rev.packets, r.fwd.ip_bytes]).toEqual(['icmp_request', 1, 1, 84]);
    expect(h.vni().icmp.flows).toBe(2);
  });

  it('every VNI counts its first session, also when its stats row makes the rows grow (past 16 VNIs)', () => {
    // The per-VNI rows start with room for 16 and double: the 17th VNI's first
    // session creates its row and grows the array it is counted in.
    const h = harness();
    for (let i = 0; i < 40; i++) {
      h.c(i, { vni: 1000 + i, flags: 'S', seq: 1 });
      h.send(i, { vni: 1000 + i, proto: IpProto.UDP, sp: 33000, dp: 53, len: 10 });
    }
    h.tracker.finish();
    const figures = h.tracker.stats.figures();
    expect(figures).toHaveLength(40);
    for (const f of figures) expect([f.tcp.opened, f.tcp.closed.end_of_capture, f.udp.flows]).toEqual([1, 1, 1]);
  });

  it('the same tuple in two VNIs is two sessions', () => {
    const h = harness();
    h.c(0, { vni: 4711, flags: 'S', seq: 1 });
    h.c(0, { vni: 4242, flags: 'S', seq: 1 });
    h.tracker.finish();
    expect(h.records.map((r) => r.vni).sort()).toEqual([4242, 4711]);
  });

  it('when full, evicts the least recently active session and counts it', () => {
    const h = harness({ maxSessions: 2 });
    h.c(0, { sp: 1, flags: 'S', seq: 1 });
    h.c(10, { sp: 2, flags: 'S', seq: 1 });
    h.c(20, { sp: 1, flags: 'S', seq: 1 }); // port 1 is now the more recent (SYN retransmission)
    h.c(30, { sp: 3, flags: 'S', seq: 1 }); // evicts port 2
    expect(h.records.map((r) => [r.initiator, r.close_reason])).toEqual([['10.0.0.1:2', 'evicted']]);
    expect(h.tracker.liveSessions).toBe(2);
    h.tracker.finish('shutdown');
    const v = h.vni();
    expect([v.evictions, v.tcp.closed.evicted, v.tcp.closed.shutdown, v.tcp.opened, v.tcp.active]).toEqual([1, 1, 2, 3, 0]);
  });

  it('prefers a lingering closed session over an open one when evicting', () => {
    const h = harness({ maxSessions: 2 });
    h.c(0, { sp: 1, flags: 'S', seq: 1 });
    h.c(10, { sp: 2, flags: 'R', seq: 1 }); // closed at once, lingering
    h.c(20, { sp: 3, flags: 'S', seq: 1 });
    // The RST-only session is mid-stream: its initiator is the higher port (80 > 2), i.e. 10.0.0.2:80.
    expect(h.records.map((r) => [r.initiator, r.close_reason, r.mid_stream])).toEqual([['10.0.0.2:80', 'rst', true]]);
    expect(h.vni().evictions).toBe(1);
  });
});
