/**
 * `vxmon run` with plain UDP sockets on lo (no root, no libpcap): a Gateway
 * Load Balancer appliance listening on a Geneve port, and a VXLAN port with
 * --dedup. The test sends the UDP payloads of two crafted captures:
 *   - sessions-gwlb-geneve-vxlan.pcap to 127.0.0.1:26081 (declared a Geneve port): 10 frames, one TCP
 *     session under VXLAN VNI 7601 behind Geneve VNI 0 (hand-computed in its .sessions.json);
 *   - mirror-double.pcap to 127.0.0.1:24799 (a VXLAN port besides 4789, which the Geneve frames carry
 *     inside: nothing is sent to 4789): 13 packets each under VNI 100 then VNI 200
 *     (pcaps/gen/make-fixtures.mjs), so 13 copies, set aside with --dedup.
 * Ports 26081 and 24799 are this test's own (nothing else on lo uses them).
 */
import { createSocket } from 'node:dgram';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sample } from './exposition.js';
import { udpPayloads } from './pcap-payloads.js';
import { startDaemon, type Daemon } from './daemon-process.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const GENEVE_PORT = 26081;
const VXLAN_PORT = 24799;

describe('vxmon run: Geneve on a UDP socket, --dedup on another', () => {
  let d: Daemon;
  beforeAll(async () => {
    d = await startDaemon([
      '--listen-udp', `127.0.0.1:${GENEVE_PORT}`, '--listen-udp', `127.0.0.1:${VXLAN_PORT}`,
      '--geneve-port', String(GENEVE_PORT), '--vxlan-port', `4789,${VXLAN_PORT}`, '--dedup',
      // Live frames are stamped on arrival, and a loaded machine can stall vxmon between a packet and its copy:
      // a window far longer than the test keeps the outcome independent of timing.
      '--dedup-window', '10s',
    ]);
  });
  afterAll(() => d?.child.kill('SIGKILL'));

  it('counts the GWLB session under its mirror VNI and sets the double-mirror copies aside', async () => {
    const geneve = udpPayloads(join(ROOT, 'pcaps/crafted/sessions-gwlb-geneve-vxlan.pcap'));
    const double = udpPayloads(join(ROOT, 'pcaps/crafted/mirror-double.pcap'));
    expect([geneve.length, double.length]).toEqual([10, 26]);
    const sock = createSocket('udp4');
    const send = (p: Buffer, to: number) => new Promise<void>((resolve, reject) => sock.send(p, to, '127.0.0.1', (e) => (e ? reject(e) : resolve())));
    for (const p of geneve) await send(p, GENEVE_PORT);
    for (const p of double) await send(p, VXLAN_PORT);
    sock.close();

    let text = '';
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      text = await (await fetch(`http://127.0.0.1:${d.webPort}/metrics`)).text();
      if (sample(text, 'vxmon_frames_total') === 36) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(sample(text, "vxmon_frames_total")).toBe(36);
    expect(sample(text, `vxmon_source_frames_total{source="udp:127.0.0.1:${GENEVE_PORT}",outcome="decoded"}`)).toBe(10);
    expect(sample(text, 'vxmon_vni_frames_total{tunnel="vxlan",vni="7601"}')).toBe(10);
    expect(sample(text, 'vxmon_vni_outer_tunnel_frames_total{tunnel="vxlan",vni="7601",outer_tunnel="geneve",outer_vni="0"}')).toBe(10);
    expect(sample(text, 'vxmon_tcp_sessions_opened_total{tunnel="vxlan",vni="7601"}')).toBe(1);
    expect(sample(text, 'vxmon_vni_geneve_options_total{tunnel="geneve",vni="0"}')).toBeUndefined(); // counted under the mirror VNI's row only
    expect(sample(text, 'vxmon_dedup_enabled')).toBe(1);
    expect(sample(text, 'vxmon_mirror_duplicate_frames_total{tunnel_a="vxlan",vni_a="100",tunnel_b="vxlan",vni_b="200"}')).toBe(13);
    expect(sample(text, 'vxmon_frames_dropped_total{reason="mirror_duplicate"}')).toBe(13);
    expect(sample(text, 'vxmon_vni_frames_total{tunnel="vxlan",vni="100"}')).toBe(13);
    expect(sample(text, 'vxmon_vni_frames_total{tunnel="vxlan",vni="200"}')).toBeUndefined();
    expect(d.out() + d.err()).toMatch(/"tunnel":"geneve"[^\n]*udp socket open|udp socket open[^\n]*"tunnel":"geneve"/);
  });
});
