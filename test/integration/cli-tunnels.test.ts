/**
 * Issue 6 through the CLI as a process: Geneve and nesting, the tunnel flags,
 * double mirroring with and without --dedup. Expected values:
 *   - sessions-gwlb-geneve-vxlan.pcap (crafted, hand-computed in its .sessions.json): one TCP session
 *     198.51.100.61:50600 -> 10.76.1.10:443, 6/4 packets, under VXLAN VNI 7601 behind Geneve VNI 0;
 *   - mirror-double.pcap (crafted): 13 packets each mirrored under VNI 100 then VNI 200, 50 µs apart;
 *   - tcpdump vxlan_port_8472.pcap: 10 frames, VNI 100 only when 8472 is a VXLAN port (its
 *     decode-as-8472 tshark oracle), all udp_not_tunnel_port otherwise.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = join(ROOT, 'dist/cli.js');
const GWLB = join(ROOT, 'pcaps/crafted/sessions-gwlb-geneve-vxlan.pcap');
const DOUBLE = join(ROOT, 'pcaps/crafted/mirror-double.pcap');
const PORT_8472 = join(ROOT, 'pcaps/corpus/tcpdump/vxlan_port_8472.pcap');

function vxmon(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('vxmon replay: tunnels and double mirroring', () => {
  it('GWLB: the flow record carries the mirror VNI and the Geneve outer tunnel', () => {
    const r = vxmon(['replay', GWLB, '--flows', '-']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      tunnel: 'vxlan', vni: 7601, tunnel_depth: 2, outer_tunnel: 'geneve', outer_vni: 0,
      initiator: '198.51.100.61:50600', responder: '10.76.1.10:443', close_reason: 'fin',
      initiator_to_responder: { packets: 6 }, responder_to_initiator: { packets: 4 },
    });
  });

  it('--geneve-port "" turns Geneve off: the GWLB frames are not tunnel frames', () => {
    const j = JSON.parse(vxmon(['replay', '--json', '--geneve-port', '', GWLB]).stdout);
    expect(j.vnis).toEqual([]);
    expect(j.outcomes.udp_not_tunnel_port).toBe(10);
  });

  it('--vxlan-port 4789,8472 decodes Linux-port VXLAN; the default does not', () => {
    expect(JSON.parse(vxmon(['replay', '--json', PORT_8472]).stdout).outcomes.udp_not_tunnel_port).toBe(10);
    const j = JSON.parse(vxmon(['replay', '--json', '--vxlan-port', '4789,8472', PORT_8472]).stdout);
    expect(j.vnis.map((v: { tunnel: string; vni: number; frames: number }) => [v.tunnel, v.vni, v.frames])).toEqual([['vxlan', 100, 10]]);
  });

  it('a port given to two tunnel types is a usage error (exit 2, one line)', () => {
    const r = vxmon(['replay', '--geneve-port', '4789', GWLB]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/port 4789 is in both --vxlan-port and --geneve-port/);
  });

  it('double mirror: duplicates reported without --dedup, set aside with it', () => {
    const raw = JSON.parse(vxmon(['replay', '--json', DOUBLE]).stdout);
    expect(raw.duplicates).toEqual({
      dedup: false, window_seconds: 0.005, frames: 13,
      pairs: [{ a: { tunnel: 'vxlan', vni: 100 }, b: { tunnel: 'vxlan', vni: 200 }, frames: 13 }],
    });
    expect(raw.vnis.map((v: { vni: number }) => v.vni)).toEqual([100, 200]);
    const dedup = JSON.parse(vxmon(['replay', '--json', '--dedup', DOUBLE]).stdout);
    expect(dedup.duplicates.dedup).toBe(true);
    expect(dedup.outcomes.mirror_duplicate).toBe(13);
    expect(dedup.vnis.map((v: { vni: number }) => v.vni)).toEqual([100]);
    const table = vxmon(['replay', DOUBLE]).stdout;
    expect(table).toMatch(/double mirroring: 13 frames were copies of a packet seen within 5 ms/);
    expect(JSON.parse(vxmon(['replay', '--json', '--dedup-window', '0.04ms', DOUBLE]).stdout).duplicates.frames).toBe(0);
    expect(vxmon(['replay', '--dedup-window', 'soon', DOUBLE]).code).toBe(2);
  });
});
