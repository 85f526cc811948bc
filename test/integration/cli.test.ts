import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * The CLI as a user runs it: the compiled `dist/cli.js` as a child process
 * (`npm test` runs tsc first). Expected figures for the AWS sample come from
 * its tshark oracle (pcaps/corpus/suricata-verify/vxlan-decoder-03/vxlan.pcap.oracle.json):
 * 100 frames, all VXLAN VNI 5569041, 26048 wire bytes, 19648 inner IPv4 bytes.
 */
const CLI = join(__dirname, '../../dist/cli.js');
const AWS_SAMPLE = join(__dirname, '../../pcaps/corpus/suricata-verify/vxlan-decoder-03/vxlan.pcap');
const tmp = mkdtempSync(join(tmpdir(), 'vxmon-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function vxmon(args: string[], input?: Buffer) {
  const r = spawnSync(process.execPath, [CLI, ...args], { input, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('vxmon replay', () => {
  it('prints the per-VNI table for the bundled AWS sample', () => {
    const r = vxmon(['replay', AWS_SAMPLE]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^read 100 frames from /);
    // One row for the VNI: frames 100, wire bytes 26048.
    expect(r.stdout).toMatch(/vxlan\/5569041\s+100\s+26048\s+21048\s+100\s+19648/);
    expect(r.stdout).toMatch(/^decoded\s+100$/m);
  });

  it('--json has the documented schema', () => {
    const r = vxmon(['replay', '--json', AWS_SAMPLE]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.frames).toBe(100);
    expect(j.outcomes.decoded).toBe(100);
    expect(Object.values(j.outcomes as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(100);
    expect(j.vnis).toHaveLength(1);
    expect(Object.keys(j.vnis[0]).sort()).toEqual(
      ['tunnel', 'vni', 'frames', 'wire_bytes', 'inner_l2_bytes', 'inner_ipv4_packets', 'inner_ipv4_bytes',
        'inner_ipv6_packets', 'inner_ipv6_bytes', 'truncated_frames', 'inner_fragments', 'inner_dropped',
        'l4', 'tcp', 'last_frame_time', 'geneve_options', 'geneve_control_frames', 'outer_tunnels', 'sessions'].sort(),
    );
    // From the oracle: inner TCP 82 packets, UDP 18; SYN 4, SYN-ACK 4, FIN 6, RST 0.
    expect(j.vnis[0]).toMatchObject({ tunnel: 'vxlan', vni: 5569041, l4: { tcp: 82, udp: 18, icmp: 0, other: 0 },
      tcp: { syn: 4, synack: 4, fin: 6, rst: 0 } });
    expect(j.files).toEqual([{ path: AWS_SAMPLE, format: 'pcap', frames: 100, bytes: 27672 }]);
  });

  it('reads standard input with "-" and gets the same figures', () => {
    const fromFile = JSON.parse(vxmon(['replay', '--json', AWS_SAMPLE]).stdout);
    const r = vxmon(['replay', '--json', '-'], readFileSync(AWS_SAMPLE));
    expect(r.code).toBe(0);
    const fromStdin = JSON.parse(r.stdout);
    expect(fromStdin.vnis).toEqual(fromFile.vnis);
    expect(fromStdin.outcomes).toEqual(fromFile.outcomes);
  });

  it('adds up several files as one capture', () => {
    const r = vxmon(['replay', '--json', AWS_SAMPLE, AWS_SAMPLE]);
    const j = JSON.parse(r.stdout);
    expect(j.frames).toBe(200);
    expect(j.vnis[0].wire_bytes).toBe(2 * 26048);
  });

  it('a record cut at end of file: figures read so far, one error line with file and offset, exit 3', () => {
    const whole = readFileSync(AWS_SAMPLE);
    const cut = join(tmp, 'cut.pcap');
    writeFileSync(cut, whole.subarray(0, whole.length - 10)); // the last record loses 10 bytes
    const r = vxmon(['replay', cut]);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/^read 99 frames/);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^vxmon: ${cut}: at byte \\d+: `));
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('--json still reports the numbers and names the error', () => {
    const bad = join(tmp, 'bad-magic.pcap');
    writeFileSync(bad, Buffer.from('this is not a capture file at all, just text\n'));
    const r = vxmon(['replay', '--json', bad]);
    expect(r.code).toBe(3);
    const j = JSON.parse(r.stdout);
    expect(j.frames).toBe(0);
    expect(j.error).toMatchObject({ code: 'E_INPUT_FORMAT', file: bad, offset: 0 });
  });

  it('a missing file is one line and exit 3', () => {
    const r = vxmon(['replay', join(tmp, 'nope.pcap')]);
    expect(r.code).toBe(3);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/nope\.pcap: no such file/);
  });

  it('bad flags are usage errors (exit 2), one line', () => {
    for (const args of [
      ['replay', '--bogus', AWS_SAMPLE],
      ['replay', '--reserved-bits', 'lenient', AWS_SAMPLE],
      ['replay', '--vxlan-port', '70000', AWS_SAMPLE],
      ['replay', '--vxlan-port', '4789,x', AWS_SAMPLE],
      ['replay', AWS_SAMPLE, '--flows', '-', '--flows-format', 'vpc-flow-log', '--vni-owner', '5569041=1234/eni-0abc'], // not 12 digits
      ['replay', AWS_SAMPLE, '--flows', '-', '--flows-format', 'vpc-flow-log', '--vni-owner', '5569041=123456789012/x%'],
      ['replay', AWS_SAMPLE, '--flows', '-', '--flows-format', 'vpc-flow-log', '--vni-owner', '5569041=123456789012'],
      ['replay', AWS_SAMPLE, '--flows', '-', '--vni-owner', '5569041=123456789012/eni-0abc'], // jsonl has no such fields
      ['replay'],
      ['frobnicate'],
    ]) {
      const r = vxmon(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr).toMatch(/^vxmon: /);
    }
  });

  it('--vxlan-port moves the tunnel port: the AWS sample on 8472 only is all udp_not_tunnel_port', () => {
    const j = JSON.parse(vxmon(['replay', '--json', '--vxlan-port', '8472', AWS_SAMPLE]).stdout);
    expect(j.vnis).toEqual([]);
    expect(j.outcomes.udp_not_tunnel_port).toBe(100);
  });

  it('--help on every command exits 0', () => {
    for (const args of [['--help'], ['replay', '--help'], ['run', '--help']]) {
      const r = vxmon(args);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^usage: vxmon/);
    }
    expect(vxmon(['--version']).stdout).toMatch(/^vxmon \d+\.\d+\.\d+/);
  });
});

/**
 * A capture whose report is larger than a pipe holds (64 KiB on Linux): the
 * first record of tcpdump's vxlan.pcap 300 times, with VNI 1..300 written
 * into bytes 46-48 of each frame (outer Ethernet 14 + IPv4 20 + UDP 8 + the
 * VXLAN flags and reserved 4). With --max-vnis 300 the JSON report has 300
 * VNI rows, well over 64 KiB.
 */
function manyVniCapture(): string {
  const src = readFileSync(join(__dirname, '../../pcaps/corpus/tcpdump/vxlan.pcap'));
  const capLen = src.readUInt32LE(24 + 8);
  const record = src.subarray(24, 24 + 16 + capLen);
  const parts = [src.subarray(0, 24)];
  for (let vni = 1; vni <= 300; vni++) {
    const r = Buffer.from(record);
    r.writeUIntBE(vni, 16 + 46, 3);
    parts.push(r);
  }
  const path = join(tmp, 'vnis300.pcap');
  writeFileSync(path, Buffer.concat(parts));
  return path;
}

describe('vxmon replay: where the report cannot go', () => {
  it('a reader that goes away (| head -c 1) ends the replay quietly with exit 0, no stack trace', async () => {
    const args = ['replay', '--json', '--max-vnis', '300', manyVniCapture()];
    const whole = vxmon(args).stdout.length;
    expect(whole).toBeGreaterThan(4 * 65536);
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    let got = 0;
    child.stdout!.once('data', (d: Buffer) => {
      got = d.length;
      child.stdout!.destroy(); // the reader closes its end, as head does after its bytes
    });
    const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    expect(got).toBeGreaterThan(0);
    expect(got).toBeLessThan(whole); // it closed before the report's end
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  it('a full device: one line naming standard output and the reason, exit 5', () => {
    const r = spawnSync(process.execPath, [CLI, 'replay', '--json', AWS_SAMPLE], { stdio: ['ignore', openSync('/dev/full', 'w'), 'pipe'], encoding: 'utf8' });
    expect(r.stderr).toBe('vxmon: standard output: cannot write the report: no space left on the device\n');
    expect(r.status).toBe(5);
  });

  it('--serve: an output that fails mid-replay closes the web server too, so the process exits 5', () => {
    // --max-sessions 1: each of the 300 VNIs' session evicts the one before, so records are written (and fail)
    // during the replay, not after it; an open listener would keep the process alive (the timeout kills it).
    const r = spawnSync(process.execPath, [CLI, 'replay', manyVniCapture(), '--max-sessions', '1', '--flows', '/dev/full', '--serve', '--web.listen-address', '127.0.0.1:0'], { encoding: 'utf8', timeout: 20_000 });
    expect(r.signal).toBe(null);
    expect(r.stderr).toContain('vxmon: /dev/full: cannot write flow records: no space left on the device\n');
    expect(r.status).toBe(5);
  });

  it('flow records and the OpenMetrics file on a full device: one line each naming the path, exit 5', () => {
    const flows = vxmon(['replay', AWS_SAMPLE, '--flows', '/dev/full']);
    expect(flows.stderr).toBe('vxmon: /dev/full: cannot write flow records: no space left on the device\n');
    expect(flows.code).toBe(5);
    const om = vxmon(['replay', AWS_SAMPLE, '--openmetrics', '/dev/full']);
    expect(om.stderr).toBe('vxmon: --openmetrics /dev/full: cannot write: no space left on the device\n');
    expect(om.code).toBe(5);
    // The samples are spooled in the temp directory: one that does not exist is the same kind of failure.
    const out = join(tmp, 'spool-less.om');
    const spool = spawnSync(process.execPath, [CLI, 'replay', AWS_SAMPLE, '--openmetrics', out], { encoding: 'utf8', env: { ...process.env, TMPDIR: join(tmp, 'no-such-dir') } });
    expect(spool.stderr).toBe(`vxmon: --openmetrics ${out}: cannot keep the samples in ${join(tmp, 'no-such-dir')}: no such directory (TMPDIR sets where)\n`);
    expect(spool.status).toBe(5);
  });
});
