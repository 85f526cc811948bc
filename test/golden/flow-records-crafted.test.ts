/**
 * Flow records of crafted captures, through the CLI as a user runs it
 * (`vxmon replay FILE --flows - --flows-format jsonl|vpc-flow-log`), compared
 * field by field with the expected files beside each capture:
 * pcaps/crafted/<name>.flows.jsonl and <name>.flows.vpc-flow-log.
 *
 * Those files were written by hand from the numbered packet lists in
 * pcaps/gen/make-fixtures.mjs (times, sizes, flags; pcaps/README.md gives the
 * rules used: IP bytes, epoch and ISO times, Flow Logs tcp-flags), not from
 * vxmon's output, and this test never rewrites them. Together they cover TCP
 * closes by fin, rst, timeout, evicted (--max-sessions 2) and end_of_capture,
 * port reuse, mid-stream and SYN-ACK-first starts, SYN and SYN-ACK
 * retransmissions, a one-sided flow, a UDP flow and an ICMP echo flow.
 *
 * Records are matched by identity (VNI, protocol, endpoints, start), not by
 * line order, so a failure names the record and the field that differs.
 * Expected files list records in the order vxmon closes them only where one
 * identity repeats (see compareRecords).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = join(ROOT, 'dist/cli.js');
const CRAFTED = join(ROOT, 'pcaps/crafted');
/** Capture -> extra replay flags. sessions-evict is replayed with a table of two sessions, to force evictions. */
const CAPTURES: Record<string, string[]> = {
  'sessions-tcp-close': [],
  'sessions-idle': [],
  'sessions-partial': [],
  'sessions-udp-icmp': [],
  'sessions-syn-retx': [],
  'sessions-evict': ['--max-sessions', '2'],
};

function flowsOf(capture: string, format: 'jsonl' | 'vpc-flow-log', extra: string[] = []): string {
  const args = [CLI, 'replay', join(CRAFTED, `${capture}.pcap`), ...CAPTURES[capture], '--flows', '-', '--flows-format', format, ...extra];
  const r = spawnSync(process.execPath, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`vxmon replay ${capture}.pcap exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

const lines = (text: string) => text.split('\n').filter((l) => l.length > 0);

/** Every leaf of a JSON object as `path -> value` (nested objects flattened with dots). */
function leaves(o: Record<string, unknown>, prefix = '', out = new Map<string, unknown>()): Map<string, unknown> {
  for (const [k, v] of Object.entries(o)) {
    if (v !== null && typeof v === 'object') leaves(v as Record<string, unknown>, `${prefix}${k}.`, out);
    else out.set(prefix + k, v);
  }
  return out;
}

/** "field: got X, expected Y" for each field of `got` and `want` that differs (missing and extra fields too). */
function fieldDiffs(got: Map<string, unknown>, want: Map<string, unknown>): string[] {
  const diffs: string[] = [];
  for (const [k, w] of want) {
    if (!got.has(k)) diffs.push(`${k}: missing, expected ${JSON.stringify(w)}`);
    else if (!Object.is(got.get(k), w)) diffs.push(`${k}: got ${JSON.stringify(got.get(k))}, expected ${JSON.stringify(w)}`);
  }
  for (const k of got.keys()) if (!want.has(k)) diffs.push(`${k}: not expected (got ${JSON.stringify(got.get(k))})`);
  return diffs;
}

/**
 * Pairs got and want records by identity and returns one line per difference:
 * `record <id>: <field>: got X, expected Y`, plus records missing on either side.
 */
function compareRecords(got: Map<string, unknown>[], want: Map<string, unknown>[], identity: (r: Map<string, unknown>) => string): string[] {
  const index = (rs: Map<string, unknown>[]) => {
    const m = new Map<string, Map<string, unknown>>();
    for (const r of rs) {
      // Flow Logs lines carry whole seconds only: the same tuple twice in one second (a session evicted, then
      // seen again) is told apart by order of appearance, which is the order the flows closed.
      let id = identity(r);
      for (let n = 2; m.has(id); n++) id = `${identity(r)} #${n}`;
      m.set(id, r);
    }
    return m;
  };
  const g = index(got);
  const w = index(want);
  const problems: string[] = [];
  for (const [id, wr] of w) {
    const gr = g.get(id);
    if (!gr) problems.push(`record ${id}: missing from vxmon's output`);
    else for (const d of fieldDiffs(gr, wr)) problems.push(`record ${id}: ${d}`);
  }
  for (const id of g.keys()) if (!w.has(id)) problems.push(`record ${id}: in vxmon's output, not expected`);
  return problems;
}

const jsonlIdentity = (r: Map<string, unknown>) =>
  `vni ${r.get('vni')} ${r.get('protocol')} ${r.get('initiator')} -> ${r.get('responder')} start ${r.get('start')}`;

const VPC_FIELDS = lines(readFileSync(join(CRAFTED, 'sessions-tcp-close.flows.vpc-flow-log'), 'utf8'))[0].split(' ');
/** A Flow Logs line as `field name -> text`, named by the header line. */
function vpcRecord(header: string[], line: string): Map<string, unknown> {
  const values = line.split(' ');
  const m = new Map<string, unknown>();
  header.forEach((name, i) => m.set(name, values[i]));
  if (values.length !== header.length) m.set('(field count)', String(values.length));
  return m;
}
const vpcIdentity = (r: Map<string, unknown>) =>
  `${r.get('srcaddr')}:${r.get('srcport')} -> ${r.get('dstaddr')}:${r.get('dstport')} proto ${r.get('protocol')} start ${r.get('start')}`;

describe('flow records of crafted captures match the hand-written files field by field', () => {
  for (const capture of Object.keys(CAPTURES)) {
    it(`${capture}: jsonl`, () => {
      const want = lines(readFileSync(join(CRAFTED, `${capture}.flows.jsonl`), 'utf8')).map((l) => leaves(JSON.parse(l)));
      const got = lines(flowsOf(capture, 'jsonl')).map((l) => leaves(JSON.parse(l)));
      expect(want.length).toBeGreaterThan(0);
      expect(compareRecords(got, want, jsonlIdentity)).toEqual([]);
    });

    it(`${capture}: vpc-flow-log`, () => {
      const wantLines = lines(readFileSync(join(CRAFTED, `${capture}.flows.vpc-flow-log`), 'utf8'));
      const gotLines = lines(flowsOf(capture, 'vpc-flow-log'));
      // The header line names the fields in the VPC Flow Logs order (then tcp-flags).
      expect(gotLines[0]).toBe(wantLines[0]);
      const header = wantLines[0].split(' ');
      const want = wantLines.slice(1).map((l) => vpcRecord(header, l));
      const got = gotLines.slice(1).map((l) => vpcRecord(header, l));
      expect(want.length).toBeGreaterThan(0);
      expect(compareRecords(got, want, vpcIdentity)).toEqual([]);
    });
  }

  it('--vni-owner (repeated, and a comma list): a named VNI\'s lines carry its account-id and interface-id, the others stay - -', () => {
    // sessions-tcp-close: VNI 7101 is 198.51.100.11 <-> 10.71.1.10, VNI 7102 198.51.100.12 <-> 10.71.2.10,
    // VNI 7103 198.51.100.13 <-> 10.71.3.10 (make-fixtures.mjs); 7103 is not named.
    const owner: Record<string, [string, string]> = { '10.71.1.10': ['111122223333', 'eni-07101'], '10.71.2.10': ['-', 'eni-07102'] };
    const wantLines = lines(readFileSync(join(CRAFTED, 'sessions-tcp-close.flows.vpc-flow-log'), 'utf8')).map((l, i) => {
      if (i === 0) return l;
      const f = l.split(' ');
      const o = owner[f[3]] ?? owner[f[4]];
      if (o) [f[1], f[2]] = o;
      return f.join(' ');
    });
    const gotLines = lines(flowsOf('sessions-tcp-close', 'vpc-flow-log', ['--vni-owner', '7101=111122223333/eni-07101', '--vni-owner', '7102=-/eni-07102,7999=-/-']));
    const header = wantLines[0].split(' ');
    const want = wantLines.slice(1).map((l) => vpcRecord(header, l));
    expect(want.filter((r) => r.get('account-id') === '111122223333')).toHaveLength(2);
    expect(compareRecords(gotLines.slice(1).map((l) => vpcRecord(header, l)), want, vpcIdentity)).toEqual([]);
  });

  it('the expected Flow Logs files use the default field order, then tcp-flags', () => {
    // https://docs.aws.amazon.com/vpc/latest/userguide/flow-log-records.html (default format, version 2 fields)
    expect(VPC_FIELDS).toEqual([
      'version', 'account-id', 'interface-id', 'srcaddr', 'dstaddr', 'srcport', 'dstport', 'protocol',
      'packets', 'bytes', 'start', 'end', 'action', 'log-status', 'tcp-flags',
    ]);
  });
});
