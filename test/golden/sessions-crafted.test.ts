/**
 * Golden sessions on crafted captures: each pcaps/crafted/sessions-*.pcap is
 * replayed through the real decoder and the SessionTracker (the sink of
 * test/unit/session/helpers.ts; finish('end_of_capture') at the end) and
 * compared field by field with `X.sessions.json` beside it.
 *
 * Those files were worked out by hand from the packet lists in
 * pcaps/gen/make-fixtures.mjs (each VNI has a `why` with the arithmetic);
 * they were not produced by running vxmon, and this test never rewrites them.
 * The per-VNI packet figures of the same captures are checked against tshark
 * by oracle.test.ts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { trackCapture, type PlainRecord } from '../unit/session/helpers.js';

const CRAFTED = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'pcaps', 'crafted');
/** 2024-06-01T12:00:00Z in µs: the crafted captures' clock starts here; expectations are relative to it. */
const T0_US = 1_717_243_200 * 1e6;

interface Direction {
  packets: number;
  ip_bytes: number;
  payload_bytes: number;
  tcp_flags: string;
}
interface Session {
  proto: 'tcp' | 'udp' | 'icmp';
  initiator: string;
  responder: string;
  initiator_method: string;
  close_reason: string;
  start_us: number;
  duration_us: number;
  fwd: Direction;
  rev: Direction;
  rtt_server_us: number;
  rtt_client_us: number;
  retransmitted_packets: number;
  retransmitted_bytes: number;
  out_of_order: number;
  unseen_bytes: number;
  zero_windows: number;
  mid_stream: boolean;
  one_sided: boolean;
}
interface Rtt {
  count: number;
  /** Only given where every sample is equal (the histogram quantile is then exact); null = not checked. */
  p50_us: number | null;
}
interface Figures {
  tcp: {
    opened: number;
    closed: Record<'fin' | 'rst' | 'timeout' | 'evicted' | 'end_of_capture' | 'shutdown', number>;
    mid_stream: number;
    one_sided: number;
    retransmitted_packets: number;
    retransmitted_bytes: number;
    syn_retransmissions: number;
    out_of_order: number;
    unseen_bytes: number;
    zero_windows: number;
    rtt_server: Rtt;
    rtt_client: Rtt;
  };
  udp: { flows: number; one_sided: number };
  icmp: { flows: number; one_sided: number };
  /** Sessions evicted from a full table; checked where given. */
  evictions?: number;
}
interface Expectations {
  capture: string;
  /** How the capture is replayed, when not with the defaults (e.g. a small table to force evictions). */
  replay?: { max_sessions?: number };
  vnis: Record<string, { behaviour: string; figures: Figures; sessions: Session[]; why: string[] }>;
}

/**
 * Cases where vxmon disagrees with the hand computation after re-checking it:
 * `<capture>#<vni>` -> why. Those cases run as it.fails, so they turn red the
 * day vxmon starts agreeing. (None at the moment.)
 */
const DISAGREEMENTS: Record<string, string> = {};

const PROTO: Record<number, Session['proto']> = { 6: 'tcp', 17: 'udp', 1: 'icmp', 58: 'icmp' };
const hex = (n: number) => `0x${n.toString(16).padStart(2, '0')}`;

function asExpected(r: PlainRecord): Session {
  const dir = (d: PlainRecord['fwd']): Direction => ({ packets: d.packets, ip_bytes: d.ip_bytes, payload_bytes: d.payload_bytes, tcp_flags: hex(d.tcp_flags) });
  return {
    proto: PROTO[r.proto],
    initiator: r.initiator,
    responder: r.responder,
    initiator_method: r.initiator_method,
    close_reason: r.close_reason,
    start_us: r.start_us - T0_US,
    duration_us: r.duration_us,
    fwd: dir(r.fwd),
    rev: dir(r.rev),
    rtt_server_us: r.rtt_server_us,
    rtt_client_us: r.rtt_client_us,
    retransmitted_packets: r.retransmitted_packets,
    retransmitted_bytes: r.retransmitted_bytes,
    out_of_order: r.out_of_order,
    unseen_bytes: r.unseen_bytes,
    zero_windows: r.zero_windows,
    mid_stream: r.mid_stream,
    one_sided: r.one_sided,
  };
}

type Tracked = Awaited<ReturnType<typeof trackCapture>>;
type VniFigures = NonNullable<ReturnType<Tracked['tracker']['stats']['figuresOf']>>;

function figuresAsExpected(f: VniFigures, want: Figures): Figures {
  const rtt = (q: { count: number; p50: number | null }, w: Rtt): Rtt => ({
    count: q.count,
    p50_us: w.p50_us === null || q.p50 === null ? null : Math.round(q.p50 * 1e6),
  });
  const t = f.tcp;
  return {
    tcp: {
      opened: t.opened,
      closed: t.closed,
      mid_stream: t.mid_stream,
      one_sided: t.one_sided,
      retransmitted_packets: t.retransmitted_packets,
      retransmitted_bytes: t.retransmitted_bytes,
      syn_retransmissions: t.syn_retransmissions,
      out_of_order: t.out_of_order,
      unseen_bytes: t.unseen_bytes,
      zero_windows: t.zero_windows,
      rtt_server: rtt(t.rtt_server_seconds, want.tcp.rtt_server),
      rtt_client: rtt(t.rtt_client_seconds, want.tcp.rtt_client),
    },
    udp: { flows: f.udp.flows, one_sided: f.udp.one_sided },
    icmp: { flows: f.icmp.flows, one_sided: f.icmp.one_sided },
    ...(want.evictions === undefined ? {} : { evictions: f.evictions }),
  };
}

const byStart = (a: Session, b: Session) => a.start_us - b.start_us || a.initiator.localeCompare(b.initiator);

const files = fs.readdirSync(CRAFTED).filter((f) => /^sessions-.*\.sessions\.json$/.test(f)).sort();

describe('crafted session captures against hand-computed expectations', () => {
  it('finds the expectation files', () => expect(files.length).toBeGreaterThanOrEqual(7));

  for (const file of files) {
    const exp = JSON.parse(fs.readFileSync(path.join(CRAFTED, file), 'utf8')) as Expectations;
    let run: Promise<Tracked> | undefined;
    const opts = exp.replay?.max_sessions === undefined ? {} : { maxSessions: exp.replay.max_sessions };
    const tracked = () => (run ??= trackCapture(path.join(CRAFTED, exp.capture), opts));

    describe(exp.capture, () => {
      it('sessions appear in exactly the expected VNIs, and every one is closed at the end', async () => {
        const { tracker, records } = await tracked();
        const want = Object.keys(exp.vnis).map(Number).sort((a, b) => a - b);
        expect([...new Set(records.map((r) => r.vni))].sort((a, b) => a - b)).toEqual(want);
        expect(tracker.stats.figures().map((f) => f.vni)).toEqual(want);
        expect(records.every((r) => r.tunnel === 1)).toBe(true); // VXLAN
        // The outermost tunnel: the same VXLAN at depth 1; behind GWLB, its Geneve (type 2, VNI 0) at depth 2.
        const gwlb = exp.capture.includes('gwlb');
        for (const r of records) {
          expect([r.tunnel_depth, r.outer_tunnel, r.outer_vni]).toEqual(gwlb ? [2, 2, 0] : [1, 1, r.vni]);
        }
        expect(tracker.liveSessions).toBe(0);
        expect(tracker.untracked).toBe(0);
        for (const f of tracker.stats.figures()) {
          const closed = Object.values(f.tcp.closed).reduce((a, b) => a + b, 0);
          expect(closed, `VNI ${f.vni}: opened == sum of closed`).toBe(f.tcp.opened);
          expect([f.tcp.active, f.udp.active, f.icmp.active], `VNI ${f.vni} active`).toEqual([0, 0, 0]);
        }
      });

      for (const [vni, v] of Object.entries(exp.vnis)) {
        const disagreement = DISAGREEMENTS[`${exp.capture}#${vni}`];
        const test = disagreement ? it.fails : it;
        test(`VNI ${vni}: ${v.behaviour}`, async () => {
          const { tracker, records } = await tracked();
          const why = `${exp.capture} VNI ${vni}:\n  ${v.why.join('\n  ')}`;
          const actual = records.filter((r) => r.vni === Number(vni)).map(asExpected).sort(byStart);
          expect(actual.length, why).toBe(v.sessions.length);
          const want = [...v.sessions].sort(byStart);
          for (let i = 0; i < want.length; i++) expect(actual[i], `session ${i + 1}; ${why}`).toEqual(want[i]);
          const f = tracker.stats.figuresOf(2 ** 24 + Number(vni));
          expect(f, why).toBeDefined();
          expect(figuresAsExpected(f!, v.figures), `per-VNI figures; ${why}`).toEqual(v.figures);
        });
      }
    });
  }
});
