/**
 * --allow-source / --allow-vni on a live `vxmon run --listen-udp`, where the
 * outer IP header is gone and the sender comes from the socket (rinfo), and
 * their reload on SIGHUP.
 *
 * The test sends the VXLAN payloads of pcaps/crafted/aws-multi-vni.pcap
 * (132 datagrams; its tshark oracle: VNI 4012345 60, 4012346 25, 8123456 31,
 * 16777215 16) from 127.0.0.1 to the daemon's socket on 127.0.0.1:24794
 * (this branch's port range), three times:
 *   1. allow_source 10.0.0.0/8 (the file): 127.0.0.1 is outside it, so all 132
 *      are tunnel_source_not_allowed and no VNI series exists;
 *   2. after SIGHUP with allow_source 127.0.0.0/8 and allow_vni 4012345: 60
 *      decoded (VNI 4012345), 72 tunnel_vni_not_allowed;
 *   3. after SIGHUP with the lists removed: 132 more decoded.
 */
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { udpPayloads } from './pcap-payloads.js';
import { attachDaemon, stopDaemon, type Daemon } from './daemon-process.js';
import { sample as exposed } from './exposition.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = join(ROOT, 'dist/cli.js');
const UDP_PORT = 24794;
const tmp = mkdtempSync(join(tmpdir(), 'vxmon-allow-'));
const CONFIG = join(tmp, 'vxmon.yml');

/** One series' value, 0 when vxmon does not expose it (yet). */
function sample(text: string, series: string): number {
  return exposed(text, series) ?? 0;
}

function writeConfig(extra: string): void {
  writeFileSync(CONFIG, `listen_udp: ["127.0.0.1:${UDP_PORT}"]\nweb:\n  listen_address: "127.0.0.1:0"\nlog:\n  summary_interval: 0\n${extra}`);
}

describe('allow lists on a live UDP socket, reloaded on SIGHUP', () => {
  let d: Daemon;
  const payloads = udpPayloads(join(ROOT, 'pcaps/crafted/aws-multi-vni.pcap'));

  beforeAll(async () => {
    writeConfig('allow_source: [10.0.0.0/8]\n');
    d = await attachDaemon(spawn(process.execPath, [CLI, 'run', '--config', CONFIG], { stdio: ['ignore', 'pipe', 'pipe'] }));
  }, 30_000);
  afterAll(async () => {
    if (d) await stopDaemon(d);
    rmSync(tmp, { recursive: true, force: true });
  });

  async function metrics(): Promise<string> {
    return (await fetch(`http://127.0.0.1:${d.webPort}/metrics`)).text();
  }
  async function sendAllAndWait(expectedFrames: number): Promise<string> {
    const sender = createSocket('udp4');
    for (const p of payloads) await new Promise<void>((r, j) => sender.send(p, UDP_PORT, '127.0.0.1', (e) => (e ? j(e) : r())));
    sender.close();
    let text = '';
    for (let i = 0; i < 100; i++) {
      text = await metrics();
      if (sample(text, 'vxmon_frames_total') >= expectedFrames) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(sample(text, 'vxmon_frames_total')).toBe(expectedFrames);
    return text;
  }
  async function reloadWith(extra: string): Promise<void> {
    writeConfig(extra);
    const before = (d.out().match(/configuration reloaded/g) ?? []).length;
    d.child.kill('SIGHUP');
    for (let i = 0; i < 100 && (d.out().match(/configuration reloaded/g) ?? []).length === before; i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect((d.out().match(/configuration reloaded/g) ?? []).length).toBe(before + 1);
  }

  it('a sender outside allow_source: every datagram dropped, no VNI series', async () => {
    const text = await sendAllAndWait(132);
    expect(sample(text, 'vxmon_frames_dropped_total{reason="tunnel_source_not_allowed"}')).toBe(132);
    expect(sample(text, 'vxmon_frames_decoded_total')).toBe(0);
    expect(text).not.toMatch(/vni="\d+"/);
    expect(sample(text, 'vxmon_source_frames_total{source="udp:127.0.0.1:24794",outcome="tunnel_source_not_allowed"}')).toBe(132);
  }, 30_000);

  it('after SIGHUP: the sender allowed, only VNI 4012345 counted', async () => {
    await reloadWith('allow_source: [127.0.0.0/8]\nallow_vni: [4012345]\n');
    const text = await sendAllAndWait(264);
    expect(sample(text, 'vxmon_frames_decoded_total')).toBe(60);
    expect(sample(text, 'vxmon_frames_dropped_total{reason="tunnel_vni_not_allowed"}')).toBe(72);
    expect(sample(text, 'vxmon_vni_frames_total{tunnel="vxlan",vni="4012345"}')).toBe(60);
    expect(text).not.toMatch(/vni="4012346"/);
  }, 30_000);

  it('after SIGHUP without lists: everything counted', async () => {
    await reloadWith('');
    const text = await sendAllAndWait(396);
    expect(sample(text, 'vxmon_frames_decoded_total')).toBe(60 + 132);
    expect(sample(text, 'vxmon_vni_frames_total{tunnel="vxlan",vni="16777215"}')).toBe(16);
  }, 30_000);
});
