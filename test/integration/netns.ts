import { execFileSync } from 'node:child_process';

/**
 * A throwaway test network: a veth pair between the root namespace and a
 * network namespace, and the kernel's own VXLAN devices on top, so the VXLAN
 * that vxmon sees is made by Linux, not by us. Needs root (CAP_NET_ADMIN).
 *
 *   root ns                                   namespace <ns>
 *   <p>a 10.213.N.1/30  <---- veth ---->      <p>b 10.213.N.2/30
 *   <p>x vxlan VNI 42 192.168.213.1/24      <p>y vxlan VNI 42 192.168.213.2/24 (dstport 4789)
 *                                             <p>z vxlan VNI 43 192.168.214.2/24 (dstport 14790,
 *                                                 to 10.213.N.1, where a UDP socket can listen)
 */
export interface TestNet {
  ns: string;
  /** The root-namespace end of the veth: where live capture listens. */
  rootIf: string;
  rootAddr: string;
  nsAddr: string;
  /** Runs a command inside the namespace. */
  nsExec(cmd: string[]): string;
  destroy(): void;
}

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

export function canMakeNetns(): { ok: boolean; why: string } {
  if (process.getuid?.() !== 0) return { ok: false, why: 'needs root (network namespaces, veth, vxlan devices)' };
  try {
    execFileSync('ip', ['-V'], { stdio: 'ignore' });
  } catch {
    return { ok: false, why: 'needs the ip command: apt-get install iproute2' };
  }
  return { ok: true, why: '' };
}

export function makeTestNet(): TestNet {
  const n = process.pid % 250;
  const p = `vxm${process.pid % 100000}`;
  const ns = `${p}ns`;
  const rootIf = `${p}a`;
  const rootAddr = `10.213.${n}.1`;
  const nsAddr = `10.213.${n}.2`;
  const destroy = () => {
    for (const args of [['link', 'del', rootIf], ['link', 'del', `${p}x`], ['netns', 'del', ns]]) {
      try {
        ip(...args);
      } catch {
        // already gone
      }
    }
  };
  destroy();
  try {
    ip('netns', 'add', ns);
    ip('link', 'add', rootIf, 'type', 'veth', 'peer', 'name', `${p}b`);
    ip('link', 'set', `${p}b`, 'netns', ns);
    ip('addr', 'add', `${rootAddr}/30`, 'dev', rootIf);
    ip('link', 'set', rootIf, 'up');
    ip('-n', ns, 'addr', 'add', `${nsAddr}/30`, 'dev', `${p}b`);
    ip('-n', ns, 'link', 'set', `${p}b`, 'up');
    ip('-n', ns, 'link', 'set', 'lo', 'up');
    // VNI 42 both ways on the standard port.
    ip('link', 'add', `${p}x`, 'type', 'vxlan', 'id', '42', 'remote', nsAddr, 'local', rootAddr, 'dstport', '4789', 'dev', rootIf);
    ip('-n', ns, 'link', 'add', `${p}y`, 'type', 'vxlan', 'id', '42', 'remote', rootAddr, 'local', nsAddr, 'dstport', '4789', 'dev', `${p}b`);
    // VNI 43 one way, to a UDP port in the root namespace where no kernel VXLAN device listens.
    ip('-n', ns, 'link', 'add', `${p}z`, 'type', 'vxlan', 'id', '43', 'remote', rootAddr, 'local', nsAddr, 'dstport', '14790', 'dev', `${p}b`);
    for (const [where, dev] of [[[], `${p}x`], [['-n', ns], `${p}y`], [['-n', ns], `${p}z`]] as const) {
      // No IPv6 on the overlay: no router solicitations or MLD reports mixed into the counts.
      execFileSync(
        'ip',
        [...where, 'link', 'set', dev, 'up'],
        { stdio: 'ignore' },
      );
    }
    execFileSync('sysctl', ['-qw', `net.ipv6.conf.${p}x.disable_ipv6=1`], { stdio: 'ignore' });
    execFileSync('ip', ['netns', 'exec', ns, 'sysctl', '-qw', `net.ipv6.conf.${p}y.disable_ipv6=1`, `net.ipv6.conf.${p}z.disable_ipv6=1`], { stdio: 'ignore' });
    ip('addr', 'add', '192.168.213.1/24', 'dev', `${p}x`);
    ip('-n', ns, 'addr', 'add', '192.168.213.2/24', 'dev', `${p}y`);
    ip('-n', ns, 'addr', 'add', '192.168.214.2/24', 'dev', `${p}z`);
    // Nobody answers ARP for the far end of VNI 43: a static neighbour lets the namespace send to it.
    ip('-n', ns, 'neigh', 'add', '192.168.214.1', 'lladdr', '02:00:00:00:43:43', 'dev', `${p}z`);
  } catch (e) {
    destroy();
    throw e;
  }
  return {
    ns,
    rootIf,
    rootAddr,
    nsAddr,
    nsExec: (cmd) => execFileSync('ip', ['netns', 'exec', ns, ...cmd], { encoding: 'utf8' }),
    destroy,
  };
}
