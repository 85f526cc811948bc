/**
 * `vxmon replay --openmetrics OUT --step 5s`, then the backfill round trip a
 * user runs: `promtool tsdb create-blocks-from openmetrics OUT DIR` and
 * `promtool tsdb dump DIR`, whose samples must sit at the expected capture
 * times with the expected values.
 *
 * Timestamps must be seconds (10 integer digits here): promtool reads
 * milliseconds as seconds too, silently, 1000 times later.
 *
 * Capture: pcaps/corpus/suricata-verify/vxlan-decoder-03/vxlan.pcap, one VNI
 * (5569041), 100 frames, 26048 bytes (its tshark oracle). Cumulative figures
 * before each 5 s boundary, from
 *   tshark -r vxlan.pcap -T fields -e frame.time_epoch -e frame.len |
 *   awk '{for (b=1561644075;b<=1561644100;b+=5) if ($1<b) {c[b]++; s[b]+=$2}}
 *        END {for (b in c) print b, c[b], s[b]}'
 * (first frame 1561644070.047, last 1561644100.877673):
 *   1561644075: 2 frames, 280 bytes      1561644090: 29, 7033
 *   1561644080: 26, 6685                 1561644095: 29, 7033
 *   1561644085: 29, 7033                 1561644100: 54, 13554
 * and the final sample at the last frame, rounded up to the millisecond
 * (1561644100.878): 100 frames, 26048 bytes.
 * TCP SYNs (tshark -Y 'tcp.flags.syn==1 && tcp.flags.ack==0'): streams 0-3 at
 * ...078.257, ...098.953, ...100.136, ...100.817, so sessions opened: 0 at
 * ...075, 1 at ...080 to ...095, 2 at ...100, 4 at the end; at the end 3 closed
 * by FIN and 1 by the end of the capture (as the exporter test has it).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasTool, MUST_HAVE_TOOLS } from './tools.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = join(ROOT, 'dist/cli.js');
const CAPTURE = join(ROOT, 'pcaps/corpus/suricata-verify/vxlan-decoder-03/vxlan.pcap');
const VNI = 'tunnel="vxlan", vni="5569041"';
const T0 = 1561644075_000;
const STEPS_MS = [T0, T0 + 5000, T0 + 10000, T0 + 15000, T0 + 20000, T0 + 25000, T0 + 25878];
const FRAMES = [2, 26, 29, 29, 29, 54, 100];
const WIRE_BYTES = [280, 6685, 7033, 7033, 7033, 13554, 26048];
const OPENED = [0, 1, 1, 1, 1, 2, 4];

const tmp = mkdtempSync(join(tmpdir(), 'vxmon-backfill-'));
const OUT = join(tmp, 'vxlan.om');
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  rmSync(tmp, { recursive: true, force: true });
});

/** A loopback port free right now (never 9090 or 14789, which other tests use). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

// Four VNIs that appear one after another over 5.5 s (pcaps/crafted/aws-multi-vni.pcap, its tshark
// oracle): frames per VNI 4012345: 60, 4012346: 25, 8123456: 31, 16777215: 16.
const MULTI = join(ROOT, 'pcaps/crafted/aws-multi-vni.pcap');
const MULTI_OUT = join(tmp, 'multi.om');
const MULTI_FRAMES: Record<string, number> = { '4012345': 60, '4012346': 25, '8123456': 31, '16777215': 16 };

function backfill(capture: string, out: string, step: string): string {
  const r = spawnSync(process.execPath, [CLI, 'replay', capture, '--openmetrics', out, '--step', step], { encoding: 'utf8', timeout: 60_000 });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return readFileSync(out, 'utf8');
}

let text = '';
let multiText = '';
beforeAll(() => {
  text = backfill(CAPTURE, OUT, '5s');
  multiText = backfill(MULTI, MULTI_OUT, '1s');
});

describe('--openmetrics file', () => {
  it('ends with # EOF, has no blank line, and stamps samples in epoch seconds', () => {
    expect(text.endsWith('\n# EOF\n')).toBe(true);
    expect(text.split('\n').slice(0, -1)).not.toContain('');
    const samples = text.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
    expect(samples.length).toBeGreaterThan(0);
    for (const l of samples) expect(l).toMatch(/ \d+(\.\d+)?(e-\d+)? 156164(40[7-9]\d|410\d)(\.\d{1,3})?$/);
  });

  it.each([['one VNI', () => text], ['VNIs appearing over time', () => multiText]])('keeps each family together and each labelset in time order (%s)', (_name, file) => {
    const text = file();
    const seenFamilies = new Set<string>();
    let family = '';
    let lastTimeOf = new Map<string, number>();
    for (const l of text.split('\n')) {
      const type = /^# TYPE (\S+) (counter|gauge|histogram)$/.exec(l);
      if (type) {
        expect(seenFamilies.has(type[1]), type[1]).toBe(false);
        seenFamilies.add(type[1]);
        family = type[1];
        lastTimeOf = new Map();
        continue;
      }
      if (l.startsWith('#') || l === '') continue;
      const m = /^(\S+?)(\{.*\})? (\S+) (\S+)$/.exec(l)!;
      expect(m[1].startsWith(family), l).toBe(true);
      const series = m[1] + (m[2] ?? '');
      const t = Number(m[4]);
      expect(t, series).toBeGreaterThan(lastTimeOf.get(series) ?? -Infinity);
      lastTimeOf.set(series, t);
    }
    expect(seenFamilies).toContain('vxmon_vni_frames');
    expect(seenFamilies).toContain('vxmon_tcp_handshake_rtt_server_seconds');
  });

  it('starts a counter family with its TYPE and HELP, samples named _total', () => {
    expect(text).toMatch(/^# TYPE vxmon_vni_frames counter\n# HELP vxmon_vni_frames .+\nvxmon_vni_frames_total\{tunnel="vxlan",vni="5569041"\} 2 1561644075$/m);
  });
});

describe('--openmetrics across a gap in the capture', () => {
  // pcaps/crafted/sessions-idle.pcap (tshark -T fields -e frame.time_epoch): 12 frames at
  // 1717243201.000-202.00245, then nothing until 5 frames at 542.00245-542.00485, then 5 at
  // 601.00325-601.00645. With a 15 s step, samples go on through Prometheus's 5-minute
  // staleness window after the last frame (21 samples: 215 ... 515), skip the rest of the
  // silence, and resume at the last boundary before the next frame (530).
  it('samples through the staleness window, then resumes at the last boundary before the next frame', () => {
    const text = backfill(join(ROOT, 'pcaps/crafted/sessions-idle.pcap'), join(tmp, 'idle.om'), '15s');
    const points = text
      .split('\n')
      .filter((l) => l.startsWith('vxmon_frames_total '))
      .map((l) => l.split(' ').slice(1).map(Number));
    const expected: number[][] = [];
    for (let t = 1717243215; t <= 1717243515; t += 15) expected.push([12, t]);
    expected.push([12, 1717243530], [17, 1717243545], [17, 1717243560], [17, 1717243575], [17, 1717243590], [22, 1717243601.007]);
    expect(points).toEqual(expected);
  });
});

describe('backfill round trip through promtool', () => {
  if (!hasTool('promtool') && !MUST_HAVE_TOOLS) {
    it.skip('promtool not installed: apt-get install prometheus', () => {});
    return;
  }
  it('create-blocks-from openmetrics accepts the file; tsdb dump has the per-VNI values at the capture times', () => {
    const data = join(tmp, 'data');
    const create = spawnSync('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', OUT, data], { encoding: 'utf8', timeout: 60_000 });
    expect(create.stderr).toBe('');
    expect(create.status).toBe(0);
    // promtool 2.42's dump opens the directory as a database, which needs a WAL directory (empty is fine).
    mkdirSync(join(data, 'wal'), { recursive: true });
    const dump = spawnSync('promtool', ['tsdb', 'dump', data], { encoding: 'utf8', timeout: 60_000, maxBuffer: 64 << 20 });
    expect(dump.status).toBe(0);
    const series = (name: string, labels = VNI) => {
      const prefix = `{__name__="${name}", ${labels}} `;
      return dump.stdout
        .split('\n')
        .filter((l) => l.startsWith(prefix))
        .map((l) => l.slice(prefix.length).split(' ').map(Number))
        .sort((a, b) => a[1] - b[1]);
    };
    const at = (values: number[]) => STEPS_MS.map((t, i) => [values[i], t]);
    expect(series('vxmon_vni_frames_total')).toEqual(at(FRAMES));
    expect(series('vxmon_vni_wire_bytes_total')).toEqual(at(WIRE_BYTES));
    expect(series('vxmon_tcp_sessions_opened_total')).toEqual(at(OPENED));
    expect(dump.stdout).toContain(`{__name__="vxmon_frames_total"} 100 ${T0 + 25878}`);
    expect(series('vxmon_tcp_sessions_closed_total', `reason="fin", ${VNI}`).at(-1)).toEqual([3, T0 + 25878]);
    expect(series('vxmon_tcp_sessions_closed_total', `reason="end_of_capture", ${VNI}`).at(-1)).toEqual([1, T0 + 25878]);
  });

  it('with VNIs appearing over time, every VNI ends at its oracle frame count', () => {
    const data = join(tmp, 'multi-data');
    const create = spawnSync('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', MULTI_OUT, data], { encoding: 'utf8', timeout: 60_000 });
    expect(create.status, create.stderr).toBe(0);
    mkdirSync(join(data, 'wal'), { recursive: true });
    const dump = spawnSync('promtool', ['tsdb', 'dump', data], { encoding: 'utf8', timeout: 60_000, maxBuffer: 64 << 20 });
    const last: Record<string, [number, number]> = {};
    for (const l of dump.stdout.split('\n')) {
      const m = /^\{__name__="vxmon_vni_frames_total", tunnel="vxlan", vni="(\d+)"\} (\S+) (\d+)$/.exec(l);
      if (m && (last[m[1]] === undefined || Number(m[3]) > last[m[1]][1])) last[m[1]] = [Number(m[2]), Number(m[3])];
    }
    expect(Object.fromEntries(Object.entries(last).map(([vni, [v]]) => [vni, v]))).toEqual(MULTI_FRAMES);
    // The last sample sits at the last frame (capinfos: 2024-06-01 12:00:05.500410 UTC), rounded up to the ms.
    for (const [, t] of Object.values(last)) expect(t).toBe(Date.UTC(2024, 5, 1, 12, 0, 5, 501));
  });
});

describe('a Prometheus on the backfilled blocks (the README commands)', () => {
  if ((!hasTool('promtool') || !hasTool('prometheus')) && !MUST_HAVE_TOOLS) {
    it.skip('prometheus not installed: apt-get install prometheus', () => {});
    return;
  }
  it('answers queries at the capture times with the expected per-VNI values', async () => {
    const data = join(tmp, 'served-data');
    const create = spawnSync('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', OUT, data], { encoding: 'utf8', timeout: 60_000 });
    expect(create.status, create.stderr).toBe(0);
    writeFileSync(join(tmp, 'backfill.yml'), 'global: {}\n');
    const port = await freePort();
    const prom = spawn(
      'prometheus',
      [`--config.file=${join(tmp, 'backfill.yml')}`, `--storage.tsdb.path=${data}`, '--storage.tsdb.retention.time=10y',
        `--web.listen-address=127.0.0.1:${port}`],
      { stdio: 'ignore' },
    );
    children.push(prom);
    const query = async (q: string, t: number): Promise<number | undefined> => {
      const body = (await (await fetch(`http://127.0.0.1:${port}/api/v1/query?query=${encodeURIComponent(q)}&time=${t}`)).json()) as {
        data: { result: { value: [number, string] }[] };
      };
      return body.data.result.length === 1 ? Number(body.data.result[0].value[1]) : undefined;
    };
    const q = 'vxmon_vni_frames_total{vni="5569041"}';
    const deadline = Date.now() + 45_000;
    let last: number | undefined;
    while (Date.now() < deadline) {
      try {
        if ((await fetch(`http://127.0.0.1:${port}/-/ready`)).status === 200 && (last = await query(q, 1561644100.878)) !== undefined) break;
      } catch {
        // still starting
      }
      await new Promise((r) => setTimeout(r, 300));
    }
    expect(last).toBe(100);
    // An instant query returns the latest sample at or before its time.
    expect(await query(q, 1561644090)).toBe(29);
    expect(await query(q, 1561644099.999)).toBe(29);
    expect(await query(q, 1561644100)).toBe(54);
    expect(await query('vxmon_vni_wire_bytes_total{vni="5569041"}', 1561644080)).toBe(6685);
    prom.kill('SIGTERM');
  });
});

describe('blocks moved into a running Prometheus (the README "or:" commands)', () => {
  if ((!hasTool('promtool') || !hasTool('prometheus')) && !MUST_HAVE_TOOLS) {
    it.skip('prometheus not installed: apt-get install prometheus', () => {});
    return;
  }
  // Prometheus 2.42 rescans --storage.tsdb.path once a minute, counted from when its TSDB opened,
  // not from the move (tsdb/db.go, DB.run: reloadBlocks on a 1-minute timer); no flag shortens it.
  // Measured here: blocks moved in 0.2-0.5 s after start answer queries 59.9-60.5 s after start
  // (59.8 s after the move), so these tests take about a minute, the three Prometheuses side by
  // side. Time retention counts back from the newest block's end, not from now, and 2.42 applies
  // it only while it already has a block loaded (BeyondTimeRetention returns nothing while
  // db.blocks is empty): a fresh Prometheus keeps 2019 blocks under the default 15d; one with a
  // block of its own (as one scraping for more than about 3 hours has) deletes them at that rescan.
  type Prom = { name: string; port: number; path: string; proc: ChildProcess; startedAt: number };
  const proms: Record<'keep' | 'fresh' | 'old', Prom> = {} as never;
  let staged = '';
  let blockDir = '';
  let movedAt = 0;

  async function startPrometheus(name: string, retention: string[]): Promise<Prom> {
    const path = join(tmp, `running-${name}`);
    const port = await freePort();
    const proc = spawn(
      'prometheus',
      [`--config.file=${join(tmp, 'scrape-nothing.yml')}`, `--storage.tsdb.path=${path}`, ...retention, `--web.listen-address=127.0.0.1:${port}`],
      { stdio: 'ignore' },
    );
    children.push(proc);
    return { name, port, path, proc, startedAt: Date.now() };
  }
  const api = async (p: Prom, q: string, t: number): Promise<number | undefined> => {
    const body = (await (await fetch(`http://127.0.0.1:${p.port}/api/v1/query?query=${encodeURIComponent(q)}&time=${t}`)).json()) as {
      data: { result: { value: [number, string] }[] };
    };
    return body.data.result.length === 1 ? Number(body.data.result[0].value[1]) : undefined;
  };
  /** A metric from the Prometheus's own /metrics (its TSDB counters). */
  const own = async (p: Prom, name: string): Promise<number> => {
    const text = await (await fetch(`http://127.0.0.1:${p.port}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith(`${name} `));
    return Number(line?.split(' ')[1]);
  };
  const frames = (p: Prom, t: number) => api(p, 'vxmon_vni_frames_total{vni="5569041"}', t);
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  /** mv DIR/01* DEST/ : rename each ULID-named block directory (same filesystem, so atomic). */
  const moveBlocks = (from: string, to: string) => {
    const ulids = readdirSync(from).filter((d) => /^[0-9A-HJKMNP-TV-Z]{26}$/.test(d));
    for (const d of ulids) renameSync(join(from, d), join(to, d));
    return ulids;
  };

  beforeAll(async () => {
    writeFileSync(join(tmp, 'scrape-nothing.yml'), 'global: {}\n');
    // "old" stands for a Prometheus that has run for hours: a block of its own, an hour ago,
    // there before it starts.
    const recent = join(tmp, 'recent.om');
    const hourAgo = Math.floor(Date.now() / 1000) - 3600;
    writeFileSync(recent, `# TYPE own_data gauge\nown_data 1 ${hourAgo}\n# EOF\n`);
    const ownBlock = spawnSync('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', recent, join(tmp, 'running-old')], { encoding: 'utf8', timeout: 60_000 });
    expect(ownBlock.status, ownBlock.stderr).toBe(0);

    proms.keep = await startPrometheus('keep', ['--storage.tsdb.retention.time=10y']);
    proms.fresh = await startPrometheus('fresh', []);
    proms.old = await startPrometheus('old', []);

    // While they start: the blocks, made apart from any Prometheus (OUT is the replay's --openmetrics file).
    staged = join(tmp, 'moved-blocks');
    const create = spawnSync('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', OUT, staged], { encoding: 'utf8', timeout: 60_000 });
    expect(create.status, create.stderr).toBe(0);
    const copies = { keep: staged, fresh: `${staged}-fresh`, old: `${staged}-old` };
    cpSync(staged, copies.fresh, { recursive: true });
    cpSync(staged, copies.old, { recursive: true });

    for (const p of Object.values(proms)) {
      for (;;) {
        if (p.proc.exitCode !== null) throw new Error(`prometheus (${p.name}) exited with ${p.proc.exitCode}`);
        try {
          if ((await fetch(`http://127.0.0.1:${p.port}/-/ready`)).status === 200) break;
        } catch {
          // still starting
        }
        await sleep(100);
      }
    }
    const moved = Object.entries(copies).map(([name, from]) => moveBlocks(from, proms[name as keyof typeof proms].path));
    movedAt = Date.now();
    for (const ulids of moved) expect(ulids).toHaveLength(1); // 26 s of capture: one 2-hour block
    blockDir = moved[0][0];
    // Not at once: the blocks wait for the next rescan.
    expect(await frames(proms.keep, 1561644100.878)).toBeUndefined();
  });

  /** Polls until the Prometheus has rescanned its directory since it opened (2 reloads: open, then the timer). */
  async function afterRescan(p: Prom, deadlineMs = 120_000): Promise<void> {
    while (!((await own(p, 'prometheus_tsdb_reloads_total')) >= 2) && Date.now() - p.startedAt < deadlineMs) await sleep(250);
    expect(await own(p, 'prometheus_tsdb_reloads_total'), p.name).toBeGreaterThanOrEqual(2);
  }

  it('picks them up without a restart, within a minute, with the per-VNI values at the capture times', async () => {
    const p = proms.keep;
    let last: number | undefined;
    while ((last = await frames(p, 1561644100.878)) === undefined && Date.now() - movedAt < 120_000) await sleep(250);
    const pickupS = (Date.now() - p.startedAt) / 1000;
    expect(last, `after ${pickupS} s`).toBe(FRAMES.at(-1));
    expect(pickupS).toBeLessThan(75);
    expect(readdirSync(staged)).toEqual([]); // moved, not copied
    expect(readdirSync(p.path)).toContain(blockDir);
    for (const [i, t] of STEPS_MS.entries()) {
      expect(await frames(p, t / 1000), `frames at ${t}`).toBe(FRAMES[i]);
      expect(await api(p, 'vxmon_vni_wire_bytes_total{vni="5569041"}', t / 1000), `bytes at ${t}`).toBe(WIRE_BYTES[i]);
      expect(await api(p, `vxmon_tcp_sessions_opened_total{${VNI}}`, t / 1000), `opened at ${t}`).toBe(OPENED[i]);
    }
    // An instant query returns the latest sample at or before its time.
    expect(await frames(p, 1561644099.999)).toBe(29);
  }, 150_000);

  it('with the default 15d retention: kept while the Prometheus has no block of its own, deleted at the rescan once it has one', async () => {
    await afterRescan(proms.fresh);
    await afterRescan(proms.old);
    // Fresh: retention has nothing newer to count back from.
    expect(await frames(proms.fresh, 1561644100.878)).toBe(FRAMES.at(-1));
    expect(readdirSync(proms.fresh.path).filter((d) => d.length === 26)).toHaveLength(1);
    // Old: 2019 is more than 15 days before its own block, so the moved block is gone, never queryable.
    expect(await own(proms.old, 'prometheus_tsdb_time_retentions_total')).toBe(1);
    expect(readdirSync(proms.old.path).filter((d) => d.length === 26)).toHaveLength(1); // its own block only
    expect(await frames(proms.old, 1561644100.878)).toBeUndefined();
    expect(await api(proms.old, 'own_data', Math.floor(Date.now() / 1000) - 3600)).toBe(1);
  }, 150_000);
});

describe('--openmetrics usage', () => {
  it('--step without --openmetrics, a bad step, an unwritable OUT: one line, exit 2', () => {
    for (const [args, message] of [
      [['--step', '5s'], '--step needs --openmetrics'],
      [['--openmetrics', join(tmp, 'x.om'), '--step', 'soon'], '--step: "soon" is not a duration'],
      [['--openmetrics', join(tmp, 'no-such-dir', 'x.om')], 'cannot write: no such directory'],
    ] as const) {
      const r = spawnSync(process.execPath, [CLI, 'replay', CAPTURE, ...args], { encoding: 'utf8', timeout: 20_000 });
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain(message);
    }
  });
});

describe('--openmetrics spool', () => {
  it('leaves nothing in the temp directory, even when the process is killed mid-replay', async () => {
    // A paced replay (26 s of capture at 5x: about 5 s) in a temp directory of its own.
    const own = join(tmp, 'tmpdir-kill');
    mkdirSync(own);
    const child = spawn(process.execPath, [CLI, 'replay', '--pace', '5x', '--openmetrics', join(tmp, 'killed.om'), '--step', '1s', CAPTURE], {
      env: { ...process.env, TMPDIR: own },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    children.push(child);
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    await new Promise((r) => setTimeout(r, 1500)); // well into the replay: the spool is open
    expect(child.exitCode).toBe(null);
    expect(readdirSync(own)).toEqual([]);
    child.kill('SIGKILL');
    await exited;
    expect(readdirSync(own)).toEqual([]);
  });
});
