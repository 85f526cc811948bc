import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * Sessions through the CLI. Expected values come from the tshark oracle of the
 * real AWS capture (pcaps/corpus/suricata-verify/vxlan-decoder-03/vxlan.pcap.oracle.json,
 * session_list): 4 SSH sessions 18.196.145.224:<port> -> 172.31.0.238:22,
 *   37180: 13/10 packets, 2285/2313 IP bytes, 2 FIN
 *   37182: 11/10 packets, 2181/2313 IP bytes, 2 FIN
 *   37184: 11/10 packets, 2181/2313 IP bytes, 2 FIN
 *   37186:  9/8  packets, 2077/2125 IP bytes, no FIN (still open at the end)
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = join(ROOT, 'dist/cli.js');
const AWS = join(ROOT, 'pcaps/corpus/suricata-verify/vxlan-decoder-03/vxlan.pcap');
const tmp = mkdtempSync(join(tmpdir(), 'vxmon-flows-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const ORACLE: Record<number, [number, number, number, number]> = {
  37180: [13, 10, 2285, 2313],
  37182: [11, 10, 2181, 2313],
  37184: [11, 10, 2181, 2313],
  37186: [9, 8, 2077, 2125],
};

function vxmon(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('vxmon replay: sessions', () => {
  it('--json: per-VNI sessions, every open session closed as end_of_capture', () => {
    const j = JSON.parse(vxmon(['replay', '--json', AWS]).stdout);
    const t = j.vnis[0].sessions.tcp;
    expect(t.opened).toBe(4);
    expect(t.active).toBe(0);
    expect(t.closed).toEqual({ fin: 3, rst: 0, timeout: 0, evicted: 0, end_of_capture: 1, shutdown: 0 });
    expect(t.mid_stream).toBe(0);
    expect(t.rtt_client_seconds.count).toBe(4);
    expect(t.rtt_server_seconds.count).toBe(4);
  });

  it('--flows PATH (jsonl): the four SSH sessions with the oracle per-direction figures', () => {
    const path = join(tmp, 'flows.jsonl');
    const r = vxmon(['replay', '--flows', path, AWS]);
    expect(r.code).toBe(0);
    const records = readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const ssh = records.filter((f) => f.protocol === 'tcp');
    expect(ssh).toHaveLength(4);
    for (const f of ssh) {
      const port = Number(f.initiator.split(':')[1]);
      const [pc, ps, bc, bs] = ORACLE[port];
      expect(f.initiator).toBe(`18.196.145.224:${port}`);
      expect(f.responder).toBe('172.31.0.238:22');
      expect([f.initiator_to_responder.packets, f.responder_to_initiator.packets]).toEqual([pc, ps]);
      expect([f.initiator_to_responder.ip_bytes, f.responder_to_initiator.ip_bytes]).toEqual([bc, bs]);
      expect(f.close_reason).toBe(port === 37186 ? 'end_of_capture' : 'fin');
      expect(f.initiator_method).toBe('syn');
      expect([f.initiator_class, f.responder_class]).toEqual(['public', 'private']);
      expect(f.vni).toBe(5569041);
      expect(f.start_iso).toMatch(/^2019-06-27T/); // the capture's own date (upstream README)
    }
  });

  it('--flows - --flows-format vpc-flow-log: Flow Logs lines on stdout, report on stderr', () => {
    const r = vxmon(['replay', '--flows', '-', '--flows-format', 'vpc-flow-log', AWS]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^read 100 frames/);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status tcp-flags');
    // 37180: SYN + FIN from the client (2|1 = 3), SYN-ACK + FIN from the server (18|1 = 19).
    expect(lines).toContain('3 - - 18.196.145.224 172.31.0.238 37180 22 6 13 2285 1561644078 1561644080 ACCEPT OK 3');
    expect(lines).toContain('3 - - 172.31.0.238 18.196.145.224 22 37180 6 10 2313 1561644078 1561644080 ACCEPT OK 19');
    // 37186 never closed: SYN (2) one way, SYN-ACK (18) the other.
    expect(lines.some((l) => / 37186 22 6 9 2077 \d+ \d+ ACCEPT OK 2$/.test(l))).toBe(true);
    expect(lines.some((l) => / 22 37186 6 8 2125 \d+ \d+ ACCEPT OK 18$/.test(l))).toBe(true);
    for (const l of lines.slice(1)) expect(l.split(' ')).toHaveLength(15);
  });

  it('--top: largest talkers by IP bytes (sums of the oracle session list)', () => {
    const j = JSON.parse(vxmon(['replay', '--json', '--top', '2', AWS]).stdout);
    expect(j.vnis[0].top_talkers).toEqual([
      // server -> client: 2313 + 2313 + 2313 + 2125 bytes, 10 + 10 + 10 + 8 packets
      { source: '172.31.0.238', destination: '18.196.145.224', bytes: 9064, packets: 38 },
      // client -> server: 2285 + 2181 + 2181 + 2077 bytes, 13 + 11 + 11 + 9 packets
      { source: '18.196.145.224', destination: '172.31.0.238', bytes: 8724, packets: 44 },
    ]);
  });

  it('the same tuple in two VNIs is two sessions (zeek vxlan-overlapping-http-get: VNIs 4242 and 4711)', () => {
    const j = JSON.parse(vxmon(['replay', '--json', join(ROOT, 'pcaps/corpus/zeek/vxlan-overlapping-http-get.pcap')]).stdout);
    expect(j.vnis.map((v: { vni: number; sessions: { tcp: { opened: number } } }) => [v.vni, v.sessions.tcp.opened])).toEqual([
      [4242, 1],
      [4711, 1],
    ]);
  });

  it('--top with --max-vnis: the folded VNIs have their talkers under "other" too', () => {
    // zeek vxlan-overlapping-http-get: one HTTP session in each of VNIs 4242 and 4711; with one VNI of its own
    // allowed, the second folds into "other". Its oracle row: 14 inner IPv4 packets, 5891 bytes, so its two
    // directions' talkers add up to that.
    const j = JSON.parse(vxmon(['replay', '--json', '--max-vnis', '1', '--top', '2', join(ROOT, 'pcaps/corpus/zeek/vxlan-overlapping-http-get.pcap')]).stdout);
    const other = j.vnis.find((v: { vni: number | string }) => v.vni === 'other');
    expect(other.top_talkers).toHaveLength(2);
    const sum = (k: 'bytes' | 'packets') => other.top_talkers.reduce((n: number, t: Record<string, number>) => n + t[k], 0);
    expect([sum('packets'), sum('bytes')]).toEqual([14, 5891]);
  });

  it('--flows - | head: the reader going away ends the records quietly; the report still comes, exit 0', async () => {
    // zeek-history vxlan-sample: 10,000 sessions, so 20,000 Flow Logs lines, far more than a pipe holds.
    const child = spawn(process.execPath, [CLI, 'replay', '--flows', '-', '--flows-format', 'vpc-flow-log', join(ROOT, 'pcaps/corpus/zeek-history/vxlan-sample.pcap')], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.stdout.once('data', () => child.stdout.destroy()); // like head: read a little, then close
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(stderr).not.toMatch(/internal error|EPIPE/);
    expect(stderr).toMatch(/VNI/); // the report, on stderr when the records take stdout
    expect(code).toBe(0);
  });

  it('--flows or --openmetrics naming the capture being replayed is a usage error, and the capture is left whole', () => {
    const capture = join(tmp, 'same.pcap');
    copyFileSync(AWS, capture);
    const size = statSync(capture).size;
    for (const flag of ['--flows', '--openmetrics']) {
      const r = vxmon(['replay', flag, capture, capture]);
      expect(r.code, flag).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/is the capture .* it would be emptied before it is read/);
      expect(statSync(capture).size).toBe(size);
    }
  });

  it('bad session flags are one-line usage errors', () => {
    for (const args of [
      ['--flows-format', 'csv', '--flows', '-'],
      ['--flows-format', 'jsonl'],
      ['--top', '0'],
      ['--max-sessions', 'many'],
      ['--timeout.udp', 'forever'],
    ]) {
      const r = vxmon(['replay', ...args, AWS]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
    const r = vxmon(['replay', '--flows', join(tmp, 'no/such/dir/flows.jsonl'), AWS]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/cannot write flow records: no such directory/);
  });
});
