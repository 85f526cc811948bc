/**
 * Without the libpcap binding (cap not built, as after `npm ci` on a machine
 * without libpcap-dev), live capture must say exactly what to install, and
 * replay and the UDP socket source must still work. We build that situation
 * for real: a copy of the installed tree whose node_modules lacks cap.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { attachDaemon, stopDaemon } from './daemon-process.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const tree = mkdtempSync(join(tmpdir(), 'vxmon-nocap-'));
cpSync(join(ROOT, 'dist'), join(tree, 'dist'), { recursive: true });
cpSync(join(ROOT, 'package.json'), join(tree, 'package.json'));
mkdirSync(join(tree, 'node_modules'));
for (const entry of readdirSync(join(ROOT, 'node_modules'))) {
  if (entry !== 'cap' && entry !== '.bin') symlinkSync(join(ROOT, 'node_modules', entry), join(tree, 'node_modules', entry));
}
afterAll(() => rmSync(tree, { recursive: true, force: true }));
const CLI = join(tree, 'dist/cli.js');

describe('without the cap binding', () => {
  it('vxmon run --interface: one line saying what to install, exit 4', () => {
    const r = spawnSync(process.execPath, [CLI, 'run', '--interface', 'lo', '--web.listen-address', '127.0.0.1:0'], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(r.status).toBe(4);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^vxmon: live capture needs the libpcap binding .*apt-get install libpcap-dev && npm rebuild cap/);
  });

  it('replay still works', () => {
    const r = spawnSync(process.execPath, [CLI, 'replay', '--json', join(ROOT, 'pcaps/crafted/aws-multi-vni.pcap')], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).frames).toBe(132); // the capture's tshark oracle: 132 frames
  });

  it('vxmon run --listen-udp still starts, serves and stops', async () => {
    const d = await attachDaemon(spawn(process.execPath, [CLI, 'run', '--listen-udp', '127.0.0.1:0', '--web.listen-address', '127.0.0.1:0',
      '--log.summary-interval', '0'], { stdio: ['ignore', 'pipe', 'pipe'] }));
    expect((await fetch(`http://127.0.0.1:${d.webPort}/-/healthy`)).status).toBe(200);
    expect(await stopDaemon(d)).toBe(0);
  });
});
