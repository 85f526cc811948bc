import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * --allow-source / --allow-vni over a real AWS VPC Traffic Mirroring capture,
 * through the CLI as a process. Its outer sources and VNIs, read with
 *
 *   tshark -r pcaps/corpus/suricata-verify/vxlan-decoder-03/vxlan.pcap -T fields -E occurrence=f -e ip.src | sort | uniq -c
 *       100 172.31.0.238
 *   tshark -r pcaps/corpus/suricata-verify/vxlan-decoder-03/vxlan.pcap -T fields -E occurrence=f -e vxlan.vni | sort | uniq -c
 *       100 5569041
 *
 * (occurrence=f: the outer IP layer, not the mirrored one), and its totals from
 * its tshark oracle: 100 frames, all VXLAN VNI 5569041, 26048 wire bytes.
 */
const CLI = join(__dirname, '../../dist/cli.js');
const AWS_SAMPLE = join(__dirname, '../../pcaps/corpus/suricata-verify/vxlan-decoder-03/vxlan.pcap');

function replayJson(...flags: string[]) {
  const r = spawnSync(process.execPath, [CLI, 'replay', '--json', ...flags, AWS_SAMPLE], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  const j = JSON.parse(r.stdout);
  // The invariant, whatever the lists: every frame has exactly one outcome.
  expect(Object.values(j.outcomes as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(j.frames);
  return j;
}

describe('vxmon replay --allow-source / --allow-vni on the AWS sample', () => {
  it('allowing the mirror source\'s subnet counts every frame as without the lists', () => {
    const plain = replayJson();
    const allowed = replayJson('--allow-source', '172.31.0.0/16', '--allow-vni', '5569041');
    expect(allowed.frames).toBe(100);
    expect(allowed.outcomes.decoded).toBe(100);
    expect(allowed.vnis).toEqual(plain.vnis);
    expect(allowed.vnis[0]).toMatchObject({ vni: 5569041, frames: 100, wire_bytes: 26048 });
  });

  it('allowing only another subnet drops every tunnel frame as tunnel_source_not_allowed: no VNI, no session', () => {
    const j = replayJson('--allow-source', '172.31.1.0/24,2001:db8::/32');
    expect(j.frames).toBe(100);
    expect(j.outcomes.tunnel_source_not_allowed).toBe(100);
    expect(j.outcomes.decoded).toBe(0);
    expect(j.vnis).toEqual([]);
  });

  it('allowing only other VNIs drops every frame as tunnel_vni_not_allowed', () => {
    const j = replayJson('--allow-vni', '1-5569040,5569042');
    expect(j.outcomes.tunnel_vni_not_allowed).toBe(100);
    expect(j.vnis).toEqual([]);
  });

  it('a bad CIDR is a usage error naming the value (exit 2)', () => {
    const r = spawnSync(process.execPath, [CLI, 'replay', '--allow-source', '172.31.0.0/33', AWS_SAMPLE], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('vxmon: replay: --allow-source: "172.31.0.0/33": prefix length must be 0-32\n');
  });
});
