import { spawnSync } from 'node:child_process';
import { accessSync, constants, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { hasTool, MUST_HAVE_TOOLS } from './tools.js';

/**
 * deploy/systemd/vxmon.service, checked the way systemd itself would read it.
 *
 * - `systemd-analyze verify` parses the unit and its dependencies as PID 1 would at daemon-reload
 *   and prints a line for every unknown key, unparsable value or missing executable, while still
 *   exiting 0 for most of them. So the test fails on any line that concerns our unit, not just on
 *   the exit status.
 * - verify also requires every Exec*= binary to exist. The unit names /usr/bin/node (Debian's and
 *   NodeSource's path), which a test machine may not have (nvm, setup-node...), so the copy under
 *   test runs the node that runs this test instead; everything else is verified as written,
 *   including ExecReload's /bin/kill (Debian package procps).
 * - `systemd-analyze security --offline=true` scores the sandboxing from the file alone (no
 *   running systemd needed) and must stay at or below 2.5 on its 0-10 scale.
 * - Both checks are also run on deliberately broken copies, to prove they can fail.
 *
 * Without systemd-analyze (apt-get install systemd) or /bin/kill (apt-get install procps) these
 * tests are skipped with that message, except under CI=true, where they fail.
 */
const UNIT_PATH = fileURLToPath(new URL('../../deploy/systemd/vxmon.service', import.meta.url));
const UNIT = readFileSync(UNIT_PATH, 'utf8');
const MAX_EXPOSURE = 2.5;

const tmp = mkdtempSync(join(tmpdir(), 'vxmon-systemd-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The [Service] section as key -> values (a key may repeat, e.g. SystemCallFilter). */
function serviceSettings(text: string): Map<string, string[]> {
  const settings = new Map<string, string[]>();
  let section = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      section = header[1];
      continue;
    }
    const eq = line.indexOf('=');
    if (section !== 'Service' || eq < 0) continue;
    const key = line.slice(0, eq).trim();
    settings.set(key, [...(settings.get(key) ?? []), line.slice(eq + 1).trim()]);
  }
  return settings;
}

let copies = 0;
/** Writes `text` as <fresh dir>/vxmon.service, with ExecStart's node made runnable here. */
function unitCopy(text: string): string {
  const dir = join(tmp, String(copies++));
  mkdirSync(dir);
  const path = join(dir, 'vxmon.service');
  writeFileSync(path, text.replace(/^ExecStart=\/usr\/bin\/node /m, `ExecStart=${process.execPath} `));
  return path;
}

/** `systemd-analyze verify`: its exit status and the lines it printed about our unit. */
function verify(text: string): { status: number | null; complaints: string[]; output: string } {
  const path = unitCopy(text);
  const r = spawnSync('systemd-analyze', ['verify', '--man=no', path], { encoding: 'utf8' });
  const output = `${r.stdout}${r.stderr}`.trim();
  // Lines about other units on this machine (if any) are not ours to fix; ours name the file
  // (parse warnings: "/tmp/.../vxmon.service:12: ...") or the unit ("vxmon.service: Command ...").
  const complaints = output.split('\n').filter((l) => l.includes(path) || l.startsWith('vxmon.service:'));
  return { status: r.status, complaints, output };
}

/** `systemd-analyze security --offline=true`: the overall exposure (0 = locked down, 10 = none). */
function exposure(text: string): { level: number; output: string } {
  const r = spawnSync('systemd-analyze', ['security', '--offline=true', '--no-pager', unitCopy(text)], {
    encoding: 'utf8',
  });
  const output = `${r.stdout}${r.stderr}`;
  const m = /Overall exposure level for vxmon\.service: (\d+(?:\.\d+)?)/.exec(output);
  if (!m) throw new Error(`no "Overall exposure level" line in systemd-analyze output:\n${output}`);
  return { level: Number(m[1]), output };
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

describe('vxmon.service as written', () => {
  const s = serviceSettings(UNIT);
  const one = (key: string) => s.get(key)?.join(' ');

  it('runs the daemon with the service config, and reloads with SIGHUP', () => {
    expect(one('ExecStart')).toBe('/usr/bin/node /opt/vxmon/dist/cli.js run --config /etc/vxmon/vxmon.yml');
    expect(one('ExecReload')).toBe('/bin/kill -HUP $MAINPID');
    expect(one('Restart')).toBe('on-failure');
    expect(one('ConfigurationDirectory')).toBe('vxmon');
    // vxmon stops within 5 s; systemd must wait at least that long before SIGKILL.
    expect(Number(/^(\d+)s?$/.exec(one('TimeoutStopSec') ?? '')?.[1])).toBeGreaterThanOrEqual(5);
  });

  it('holds CAP_NET_RAW and nothing else, as a dynamic user', () => {
    expect(one('DynamicUser')).toBe('yes');
    expect(one('AmbientCapabilities')).toBe('CAP_NET_RAW');
    expect(one('CapabilityBoundingSet')).toBe('CAP_NET_RAW');
    expect(one('NoNewPrivileges')).toBe('yes');
    expect(one('ProtectSystem')).toBe('strict');
  });

  it('lets libpcap and the web server open their sockets, and V8 its JIT pages', () => {
    expect(one('RestrictAddressFamilies')?.split(/\s+/).sort()).toEqual(
      ['AF_INET', 'AF_INET6', 'AF_NETLINK', 'AF_PACKET', 'AF_UNIX'],
    );
    // Under MemoryDenyWriteExecute=yes V8 cannot map its compiled code and node aborts.
    expect(s.has('MemoryDenyWriteExecute')).toBe(false);
    // A private user namespace would confine CAP_NET_RAW to it: no capture on the host's NICs.
    expect(s.has('PrivateUsers')).toBe(false);
    // Hides /proc/net, where the UDP source reads the kernel's receive drops.
    expect(s.has('ProcSubset')).toBe(false);
    expect(s.has('PrivateNetwork')).toBe(false);
  });
});

const missing = [
  hasTool('systemd-analyze') ? '' : 'systemd',
  executable('/bin/kill') ? '' : 'procps',
].filter(Boolean);

describe('systemd-analyze on vxmon.service', () => {
  if (missing.length > 0 && !MUST_HAVE_TOOLS) {
    it.skip(`systemd-analyze or /bin/kill missing: apt-get install ${missing.join(' ')}`, () => {});
    return;
  }

  it('has systemd-analyze and /bin/kill (CI installs them)', () => {
    expect(missing, `missing tools: apt-get install ${missing.join(' ')}`).toEqual([]);
  });

  it('verify: no warning and no error', () => {
    const r = verify(UNIT);
    expect(r.complaints, r.output).toEqual([]);
    expect(r.status, r.output).toBe(0);
  });

  it(`security --offline: overall exposure at most ${MAX_EXPOSURE}`, () => {
    const { level, output } = exposure(UNIT);
    console.log(`systemd-analyze security: vxmon.service exposure ${level}`);
    expect(level, output).toBeLessThanOrEqual(MAX_EXPOSURE);
  });

  it('verify catches a misspelt key, a bad value and a missing binary', () => {
    const broken = UNIT.replace(/^ProtectSystem=strict$/m, 'ProtectSystem=sometimes')
      .replace(/^ProtectHostname=yes$/m, 'ProtectHostName=yes')
      .replace(/^ExecReload=\/bin\/kill /m, 'ExecReload=/nonexistent/kill ');
    const r = verify(broken);
    expect(r.complaints.join('\n')).toMatch(/protect system value.*sometimes/i);
    expect(r.complaints.join('\n')).toMatch(/Unknown key.*ProtectHostName/);
    expect(r.complaints.join('\n')).toMatch(/\/nonexistent\/kill is not executable/);
  });

  it(`security scores a copy without the sandboxing above ${MAX_EXPOSURE}`, () => {
    const keep = /^(\[|#|$|Description|Documentation|Wants|After|StartLimit|Type|ExecStart|ExecReload|WorkingDirectory|Restart|KillSignal|TimeoutStopSec|WantedBy)/;
    // The same daemon as a plain unprivileged user with CAP_NET_RAW, and no sandbox.
    const weakened = UNIT.split('\n')
      .filter((l) => keep.test(l))
      .join('\n')
      .replace(/^\[Service\]$/m, '[Service]\nUser=vxmon\nAmbientCapabilities=CAP_NET_RAW');
    expect(weakened).toMatch(/^ExecStart=/m);
    expect(verify(weakened).complaints).toEqual([]);
    expect(exposure(weakened).level).toBeGreaterThan(MAX_EXPOSURE);
  });
});
