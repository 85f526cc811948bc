/**
 * Flow records of `vxmon run`, fed the VXLAN payloads of suricata-verify's
 * AWS sample (pcaps/corpus/suricata-verify/vxlan-decoder-03/vxlan.pcap: 100
 * frames, all VNI 5569041; 13 flows, 4 TCP + 9 UDP, its tshark oracle) as
 * datagrams from 127.0.0.1 to a --listen-udp socket on 127.0.0.1:24796:
 *  - the account and ENI configured for the VNI (`vnis:`) stand in the
 *    account-id and interface-id fields of every Flow Logs line, as a replay
 *    of the same capture with --vni-owner writes them;
 *  - with --flows on a full device (/dev/full), the daemon goes on serving:
 *    the 9 UDP flows it closes after a 1 s idle timeout are counted in
 *    vxmon_flow_records_lost_total and one error line is logged.
 */
import { spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, ROOT, sample, startDaemon, stopDaemon } from './daemon-process.js';
import { udpPayloads } from './pcap-payloads.js';
import { until } from './until.js';

const PORT = 24796;
const SAMPLE = join(ROOT, 'pcaps/corpus/suricata-verify/vxlan-decoder-03/vxlan.pcap');
const DIR = mkdtempSync(join(tmpdir(), 'vxmon-flows-daemon-'));
afterAll(() => rmSync(DIR, { recursive: true, force: true }));

async function sendSample(): Promise<void> {
  const sender = createSocket('udp4');
  for (const p of udpPayloads(SAMPLE)) await new Promise<void>((r, j) => sender.send(p, PORT, '127.0.0.1', (e) => (e ? j(e) : r())));
  sender.close();
}

describe('vxmon run --flows', () => {
  it('vpc-flow-log lines carry the account and ENI configured for their VNI', async () => {
    const config = join(DIR, 'vxmon.yml');
    const flows = join(DIR, 'flows.vpc');
    writeFileSync(config, 'vnis:\n  5569041: {name: aws-sample, account: "123456789012", eni: eni-0abc12345def67890}\n');
    const d = await startDaemon(['--config', config, '--listen-udp', `127.0.0.1:${PORT}`, '--flows', flows, '--flows-format', 'vpc-flow-log']);
    await sendSample();
    await until('100 frames counted', async () => ((sample(await d.metrics(), 'vxmon_frames_total') ?? 0) >= 100 ? true : undefined), { ms: 10_000, every: 50 });
    expect(await stopDaemon(d)).toBe(0); // SIGTERM: every open flow is written, as `shutdown`
    const lines = readFileSync(flows, 'utf8').trimEnd().split('\n');
    expect(lines[0]).toMatch(/^version account-id interface-id /);
    const records = lines.slice(1);
    expect(records.length).toBeGreaterThanOrEqual(13); // a line per direction, 13 flows
    for (const l of records) expect(l.split(' ').slice(0, 3), l).toEqual(['3', '123456789012', 'eni-0abc12345def67890']);

    // The same capture replayed with the same owner: the same flows, line for line but for the times
    // (the daemon stamps frames with its clock, start and end are fields 11 and 12).
    const replayed = spawnSync(process.execPath, [CLI, 'replay', SAMPLE, '--flows', '-', '--flows-format', 'vpc-flow-log', '--vni-owner', '5569041=123456789012/eni-0abc12345def67890'], { encoding: 'utf8' });
    expect(replayed.status).toBe(0);
    const withoutTimes = (ls: string[]) => ls.map((l) => l.split(' ').filter((_, i) => i !== 10 && i !== 11).join(' ')).sort();
    expect(withoutTimes(records)).toEqual(withoutTimes(replayed.stdout.trimEnd().split('\n').slice(1)));
  }, 30_000);

  it('a full device: capture goes on, lost records are counted and logged once', async () => {
    const d = await startDaemon(['--listen-udp', `127.0.0.1:${PORT}`, '--flows', '/dev/full', '--timeout.udp', '1s']);
    try {
      await sendSample();
      // The sample's 9 UDP flows idle out after 1 s; the once-a-second sweep closes them and the write fails.
      const lost = await until('lost flow records counted', async () => {
        const n = sample(await d.metrics(), 'vxmon_flow_records_lost_total') ?? 0;
        return n >= 9 ? n : undefined;
      }, { ms: 15_000, every: 200 });
      expect(lost).toBe(9);
      expect(sample(await d.metrics(), 'vxmon_frames_total')).toBe(100);
      const errors = d.out().split('\n').filter((l) => l.includes('"msg":"flow records lost"'));
      expect(errors).toHaveLength(1);
      expect(errors[0]).toContain('/dev/full: cannot write flow records: no space left on the device');
      expect(d.child.exitCode).toBe(null);
    } finally {
      await stopDaemon(d);
    }
  }, 30_000);
});
