/**
 * Live on `lo`: the test sends VXLAN datagrams to 127.0.0.1:24789 while
 * `vxmon run` captures them twice, through libpcap on lo (filter udp dst port
 * 24789) and through a UDP socket bound to that port. The payloads are the
 * VXLAN parts of pcaps/crafted/aws-multi-vni.pcap (132 frames: VNI 4012345 60,
 * 4012346 25, 8123456 31, 16777215 16, from its tshark oracle) plus 3 copies
 * with the VXLAN I flag cleared. Each source must count exactly 132 decoded
 * and 3 vxlan_i_flag_unset; the per-VNI counts are the sum of both sources.
 * A port other than 4789 keeps the test apart from anything else on lo.
 * Needs root for libpcap; skipped with a message otherwise (not under CI).
 */
import { createSocket } from 'node:dgram';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MUST_HAVE_TOOLS, capBuilt } from './tools.js';
import { sample } from './exposition.js';
import { udpPayloads } from './pcap-payloads.js';
import { startDaemon, type Daemon } from './daemon-process.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PORT = 24789;
const isRoot = process.getuid?.() === 0;
const capOk = capBuilt();
const canRun = isRoot && capOk;

if (!canRun && !MUST_HAVE_TOOLS) {
  describe('live capture on lo', () =>
    it.skip(`skipped: ${!isRoot ? 'needs root for libpcap on lo' : 'the cap binding is not built (apt-get install libpcap-dev && npm rebuild cap)'}`, () => {}));
} else {
  describe('vxmon run on lo: libpcap and the UDP socket count the same datagrams', () => {
    let d: Daemon;
    beforeAll(async () => {
      expect(isRoot, 'needs root').toBe(true);
      expect(capOk, 'cap not built').toBe(true);
      d = await startDaemon(['--interface', 'lo', '--vxlan-port', String(PORT), '--listen-udp', `127.0.0.1:${PORT}`]);
    });
    afterAll(() => d?.child.kill('SIGKILL'));

    it('exact counts from both sources, and the drop is logged once per reason', async () => {
      const good = udpPayloads(join(ROOT, 'pcaps/crafted/aws-multi-vni.pcap'));
      expect(good).toHaveLength(132);
      const bad = good.slice(0, 3).map((p) => {
        const b = Buffer.from(p);
        b[0] = 0x00; // I flag cleared
        return b;
      });
      const sock = createSocket('udp4');
      for (const p of [...good, ...bad]) {
        await new Promise<void>((resolve, reject) => sock.send(p, PORT, '127.0.0.1', (e) => (e ? reject(e) : resolve())));
      }
      sock.close();
      const metrics = async () => (await fetch(`http://127.0.0.1:${d.webPort}/metrics`)).text();
      let text = '';
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline) {
        text = await metrics();
        if (sample(text, 'vxmon_frames_total') === 2 * 135) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      for (const source of ['pcap:lo', `udp:127.0.0.1:${PORT}`]) {
        expect(sample(text, `vxmon_source_frames_total{source="${source}",outcome="decoded"}`), source).toBe(132);
        expect(sample(text, `vxmon_source_frames_total{source="${source}",outcome="vxlan_i_flag_unset"}`), source).toBe(3);
      }
      expect(sample(text, 'vxmon_frames_total')).toBe(270);
      for (const [vni, frames] of [['4012345', 60], ['4012346', 25], ['8123456', 31], ['16777215', 16]] as const) {
        expect(sample(text, `vxmon_vni_frames_total{tunnel="vxlan",vni="${vni}"}`), vni).toBe(2 * frames);
      }
      // One warning per source for the first drop of each reason (sampling: first 10, so all 3 of each source).
      const drops = d.out().split('\n').filter((l) => l.includes('"reason":"vxlan_i_flag_unset"'));
      expect(drops).toHaveLength(6);
    });
  });
}
