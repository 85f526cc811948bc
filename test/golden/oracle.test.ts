/**
 * Golden test: every capture under pcaps/ that has a tshark oracle
 * (`X.oracle.json`, made by pcaps/gen/oracle.py; the exact tshark command is
 * recorded inside each JSON) is replayed through vxmon, and vxmon's per-VNI
 * figures must equal the oracle's `vxlan_<port>.outer` table (rows
 * `vxlan/<vni>`) and `geneve_6081.outer` table (rows `geneve/<vni>`).
 *
 * The oracles are never rewritten here (DESIGN.md §7). Where vxmon means to
 * differ, `X.deviations.json` says so, with its reason (printed):
 *   fields: { "<row>": { field: value } } overrides the oracle's values for
 *     those fields of a row the oracle has; `frames: 0` means vxmon must not
 *     report that row at all (its frames are dropped before a VNI is
 *     accepted, or counted under another row);
 *   from_embedded: ["<row>"] takes a row from the oracle's `embedded` table
 *     of that tunnel (the oracle counts a tunnel inside another tunnel there;
 *     vxmon counts a nested frame under its innermost tunnel);
 *   added: { "<row>": { every field } } a row the oracle has no table for,
 *     its figures counted by hand from tshark's or tcpdump's output as the
 *     reason says.
 * A row is `<tunnel>/<vni>`; a bare `<vni>` means `vxlan/<vni>`.
 *
 * `X.decode-as-<port>.oracle.json` is the oracle made with
 * `-d udp.port==<port>,vxlan`: the capture is replayed with vxlanPorts [<port>].
 *
 * Nothing outside the repository is read: the corpus files were copied into
 * pcaps/corpus/ (see pcaps/README.md).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { makeDecoderConfig } from '../../src/decode/decoder-config.js';
import { replay } from '../../src/replay.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const PCAPS = path.join(ROOT, 'pcaps');

interface OracleTunnel {
  frames: number;
  outer_frame_bytes: number;
  inner_l2_bytes: number;
  truncated_frames: number;
  inner_ipv4_packets: number;
  inner_ipv4_bytes: number;
  inner_ipv4_fragments: number;
  inner_ipv6_fragments?: number;
  inner_ipv6_packets: number;
  inner_ipv6_bytes: number;
  inner_l4: Record<string, number>;
  tcp: Record<string, { syn: number; synack: number; fin: number; rst: number }>;
}

interface Oracle {
  file: string;
  frames_total: number;
  generated_by: { tshark_command: string };
  [table: string]: unknown;
}

/** The fields compared, in vxmon's names. */
interface Figures {
  frames: number;
  wire_bytes: number;
  inner_l2_bytes: number;
  inner_ipv4_packets: number;
  inner_ipv4_bytes: number;
  inner_ipv6_packets: number;
  inner_ipv6_bytes: number;
  truncated_frames: number;
  inner_fragments: number;
  l4: { tcp: number; udp: number; icmp: number; other: number };
  tcp: { syn: number; synack: number; fin: number; rst: number };
}

interface Deviations {
  reason: string;
  fields?: Record<string, Partial<Omit<Figures, 'l4' | 'tcp'>> & { l4?: Partial<Figures['l4']>; tcp?: Partial<Figures['tcp']> }>;
  from_embedded?: string[];
  added?: Record<string, Figures>;
}

/** `<tunnel>/<vni>`; a bare VNI is VXLAN's (the deviations files written before Geneve). */
const rowName = (key: string): string => (key.includes('/') ? key : `vxlan/${key}`);

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(p));
    else if (e.name.endsWith('.oracle.json')) out.push(p);
  }
  return out.sort();
}

interface Case {
  oraclePath: string;
  capture: string;
  port: number;
  deviationsPath: string;
}

/** `X.oracle.json` -> capture X on 4789; `X.decode-as-N.oracle.json` -> capture X on port N. */
function caseOf(oraclePath: string): Case {
  const m = /^(.*)\.decode-as-(\d+)\.oracle\.json$/.exec(oraclePath);
  const capture = m ? m[1] : oraclePath.slice(0, -'.oracle.json'.length);
  const port = m ? Number(m[2]) : 4789;
  const stem = capture.replace(/\.(pcapng|pcap)$/, '');
  const deviationsPath = `${stem}${m ? `.decode-as-${port}` : ''}.deviations.json`;
  return { oraclePath, capture, port, deviationsPath };
}

function fromOracle(t: OracleTunnel): Figures {
  const l4 = t.inner_l4;
  let other = 0;
  for (const [k, n] of Object.entries(l4)) if (!['tcp', 'udp', 'icmp', 'icmpv6'].includes(k)) other += n;
  const tcp = { syn: 0, synack: 0, fin: 0, rst: 0 };
  for (const table of Object.values(t.tcp)) {
    tcp.syn += table.syn;
    tcp.synack += table.synack;
    tcp.fin += table.fin;
    tcp.rst += table.rst;
  }
  return {
    frames: t.frames,
    wire_bytes: t.outer_frame_bytes,
    inner_l2_bytes: t.inner_l2_bytes,
    inner_ipv4_packets: t.inner_ipv4_packets,
    inner_ipv4_bytes: t.inner_ipv4_bytes,
    inner_ipv6_packets: t.inner_ipv6_packets,
    inner_ipv6_bytes: t.inner_ipv6_bytes,
    truncated_frames: t.truncated_frames,
    inner_fragments: t.inner_ipv4_fragments + (t.inner_ipv6_fragments ?? 0),
    l4: { tcp: l4.tcp ?? 0, udp: l4.udp ?? 0, icmp: (l4.icmp ?? 0) + (l4.icmpv6 ?? 0), other },
    tcp,
  };
}

function applyDeviations(expected: Map<string, Figures>, dev: Deviations, embedded: (row: string) => OracleTunnel | undefined): void {
  for (const key of dev.from_embedded ?? []) {
    const row = rowName(key);
    const t = embedded(row);
    if (!t) throw new Error(`from_embedded ${row}: the oracle's embedded table has no such row`);
    if (expected.has(row)) throw new Error(`from_embedded ${row}: the outer table has that row too`);
    expected.set(row, fromOracle(t));
  }
  for (const [key, figures] of Object.entries(dev.added ?? {})) {
    const row = rowName(key);
    if (expected.has(row)) throw new Error(`added ${row}: the oracle lists that row; use fields`);
    expected.set(row, figures);
  }
  for (const [key, over] of Object.entries(dev.fields ?? {})) {
    const row = rowName(key);
    const base = expected.get(row);
    if (!base) throw new Error(`deviation for ${row}, which the oracle does not list`);
    const { l4, tcp, ...flat } = over;
    expected.set(row, { ...base, ...flat, l4: { ...base.l4, ...l4 }, tcp: { ...base.tcp, ...tcp } });
  }
}

const project = (v: Figures): Figures => ({
  frames: v.frames,
  wire_bytes: v.wire_bytes,
  inner_l2_bytes: v.inner_l2_bytes,
  inner_ipv4_packets: v.inner_ipv4_packets,
  inner_ipv4_bytes: v.inner_ipv4_bytes,
  inner_ipv6_packets: v.inner_ipv6_packets,
  inner_ipv6_bytes: v.inner_ipv6_bytes,
  truncated_frames: v.truncated_frames,
  inner_fragments: v.inner_fragments,
  l4: { tcp: v.l4.tcp, udp: v.l4.udp, icmp: v.l4.icmp, other: v.l4.other },
  tcp: { syn: v.tcp.syn, synack: v.tcp.synack, fin: v.tcp.fin, rst: v.tcp.rst },
});

const oracles = walk(PCAPS);

describe('golden: vxmon per-VNI figures equal the tshark oracles', () => {
  it('finds oracle files under pcaps/', () => {
    expect(oracles.length, 'no pcaps/**/*.oracle.json found').toBeGreaterThan(0);
  });

  for (const oraclePath of oracles) {
    const c = caseOf(oraclePath);
    const rel = path.relative(ROOT, c.oraclePath);
    it(`${rel} (vxlan port ${c.port}, geneve 6081)`, async () => {
      expect(fs.existsSync(c.capture), `capture for ${rel}`).toBe(true);
      const oracle = JSON.parse(fs.readFileSync(c.oraclePath, 'utf8')) as Oracle;
      type Tables = { outer: Record<string, OracleTunnel>; embedded: Record<string, OracleTunnel> };
      const tables: Record<string, Tables | undefined> = {
        vxlan: oracle[`vxlan_${c.port}`] as Tables | undefined,
        geneve: oracle['geneve_6081'] as Tables | undefined,
      };
      expect(tables.vxlan, `${rel} has no vxlan_${c.port} table`).toBeDefined();

      const expected = new Map<string, Figures>();
      for (const [tunnel, t] of Object.entries(tables)) {
        for (const [vni, row] of Object.entries(t?.outer ?? {})) expected.set(`${tunnel}/${vni}`, fromOracle(row));
      }
      let reason = '';
      if (fs.existsSync(c.deviationsPath)) {
        const dev = JSON.parse(fs.readFileSync(c.deviationsPath, 'utf8')) as Deviations;
        reason = `deviation (${path.relative(ROOT, c.deviationsPath)}): ${dev.reason}`;
        console.info(`${path.relative(ROOT, c.capture)}: ${reason}`);
        applyDeviations(expected, dev, (row) => {
          const [tunnel, vni] = row.split('/');
          return tables[tunnel]?.embedded[vni];
        });
      }
      for (const [vni, f] of [...expected]) if (f.frames === 0) expected.delete(vni);

      const result = await replay([c.capture], {
        decoder: makeDecoderConfig({ vxlanPorts: [c.port], reservedPolicy: 'permissive' }),
      });
      expect(result.error, `replay error: ${result.error?.message}`).toBeUndefined();
      const report = result.report;
      const why = `${path.relative(ROOT, c.capture)} vs ${oracle.generated_by.tshark_command}${reason ? `\n${reason}` : ''}`;

      // Every frame read, and exactly one outcome per frame.
      expect(report.frames, why).toBe(oracle.frames_total);
      const outcomeSum = Object.values(report.outcomes).reduce((a, b) => a + b, 0);
      expect(outcomeSum, why).toBe(report.frames);

      // Exactly the oracle's rows (tunnel type and VNI).
      const actual = new Map(report.vnis.map((v) => [`${v.tunnel}/${v.vni}`, project(v)]));
      expect([...actual.keys()].sort(), why).toEqual([...expected.keys()].sort());
      for (const [row, want] of expected) {
        expect(actual.get(row), `${row}: ${why}`).toEqual(want);
      }

      // Frames that are not tunnel frames (per the oracle) are drops that no VNI
      // counts; frames a VNI counts are decoded or dropped inside that tunnel.
      let tunnelFrames = 0;
      for (const f of expected.values()) tunnelFrames += f.frames;
      let drops = 0;
      for (const [reasonName, n] of Object.entries(report.outcomes)) if (reasonName !== 'decoded') drops += n;
      const innerDrops = report.vnis.reduce((a, v) => a + v.inner_dropped, 0);
      expect(drops - innerDrops, `frames that are not tunnel frames: ${why}`).toBe(oracle.frames_total - tunnelFrames);
      expect(report.outcomes.decoded + innerDrops, why).toBe(tunnelFrames);
    });
  }
});
