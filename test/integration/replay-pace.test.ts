/**
 * `vxmon replay --pace`: the CLI as a process, paced by the capture's own
 * timestamps, scraped over HTTP while it replays.
 *
 * Capture spans, from `capinfos -a -e` (independent of vxmon):
 * - pcaps/crafted/aws-multi-vni.pcap: first frame 12:00:00.005000, last
 *   12:00:05.500410, so 5.495410 s; 132 frames (its tshark oracle);
 * - pcaps/crafted/sessions-tcp-close.pcap: 2.306 s (capinfos -u).
 * A paced replay may release a frame up to PACE_GRANULARITY_MS (5 ms) early,
 * so the lower bounds below are span / speed - 5 ms. No upper bound: the
 * machine may be slow.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { sample } from './exposition.js';
import { until } from './until.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = join(ROOT, 'dist/cli.js');
const MULTI_VNI = join(ROOT, 'pcaps/crafted/aws-multi-vni.pcap');
const MULTI_VNI_SPAN_S = 5.49541;
const TCP_CLOSE = join(ROOT, 'pcaps/crafted/sessions-tcp-close.pcap');
const TCP_CLOSE_SPAN_S = 2.306;
const EARLY_S = 0.005;

const children: ChildProcess[] = [];
const tmp = mkdtempSync(join(tmpdir(), 'vxmon-pace-'));
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  rmSync(tmp, { recursive: true, force: true });
});

/** A `vxmon replay --serve` child: its output so far, its exit, and (once it says so) the port it serves on. */
async function serving(child: ChildProcess) {
  children.push(child);
  const io = { out: '', err: '' };
  child.stdout!.on('data', (d) => (io.out += d));
  child.stderr!.on('data', (d) => (io.err += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const listening = /serving http:\/\/127\.0\.0\.1:(\d+)\/metrics/;
  const port = await until('vxmon to serve', () => listening.exec(io.err)?.[1], { child, every: 20, detail: () => io.err });
  return { io, exited, port: Number(port) };
}

async function metricsOf(port: number): Promise<string> {
  return (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
}

function replayJson(args: string[]): { report: unknown; seconds: number } {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [CLI, 'replay', '--json', ...args], { encoding: 'utf8', timeout: 60_000 });
  const seconds = (performance.now() - t0) / 1000;
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return { report: JSON.parse(r.stdout), seconds };
}

describe('vxmon replay --pace', () => {
  it('realtime with --serve: /metrics answers mid-replay with partial numbers, then the final ones', async () => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [CLI, 'replay', '--serve', '--web.listen-address', '127.0.0.1:0', '--pace', 'realtime', MULTI_VNI], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const { io, port } = await serving(child);
    const seen: number[] = [];
    let readyWhilePartial = '';
    for (;;) {
      const finished = /replay finished/.test(io.err);
      const text = await metricsOf(port);
      const frames = sample(text, 'vxmon_frames_total')!;
      seen.push(frames);
      if (frames > 0 && frames < 132 && readyWhilePartial === '') {
        readyWhilePartial = await (await fetch(`http://127.0.0.1:${port}/-/ready`)).text();
        const perVni = sample(text, 'vxmon_vni_frames_total{tunnel="vxlan",vni="4012345"}') ?? 0;
        expect(perVni).toBeLessThanOrEqual(60);
      }
      if (finished) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const seconds = (performance.now() - t0) / 1000;
    child.kill('SIGTERM');
    // Scrapes during the replay saw the counts grow, never shrink, some of them partial.
    expect(seen.some((n) => n > 0 && n < 132)).toBe(true);
    expect(readyWhilePartial).toMatch(/replaying/);
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThanOrEqual(seen[i - 1]);
    expect(seen[seen.length - 1]).toBe(132);
    expect(seconds).toBeGreaterThanOrEqual(MULTI_VNI_SPAN_S - EARLY_S);
  });

  it('SIGTERM mid-replay stops it: exit 0, the report and the backfill file hold the frames delivered so far', async () => {
    const om = join(tmp, 'stopped.om');
    const child = spawn(
      process.execPath,
      [CLI, 'replay', '--json', '--serve', '--web.listen-address', '127.0.0.1:0', '--pace', 'realtime', '--openmetrics', om, '--step', '1s', MULTI_VNI],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const { io, exited, port } = await serving(child);
    await until('the first frames', async () => (sample(await metricsOf(port), 'vxmon_frames_total')! > 0 ? true : undefined), {
      child,
      every: 50,
    });
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(io.err).toMatch(/replay stopped by a signal/);
    const report = JSON.parse(io.out);
    expect(report.frames).toBeGreaterThan(0);
    expect(report.frames).toBeLessThan(132); // the capture's 5.5 s had not all played
    expect(Object.values(report.outcomes as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(report.frames);
    expect(report.files).toEqual([{ path: MULTI_VNI, format: 'unknown', frames: report.frames, bytes: -1 }]);
    const text = readFileSync(om, 'utf8');
    expect(text.endsWith('\n# EOF\n')).toBe(true);
    const last = text.split('\n').filter((l) => l.startsWith('vxmon_frames_total ')).at(-1)!;
    expect(Number(last.split(' ')[1])).toBe(report.frames);
  });

  it('SIGINT stops a max-pace replay of standard input while it waits for data: exit 0, a report of the frames so far', async () => {
    // The pcap header and the first 40 records of aws-multi-vni.pcap (record lengths walked
    // here from the file's own headers), then stdin stays open, as a quiet `tcpdump -w -` keeps it.
    const whole = readFileSync(MULTI_VNI);
    let end = 24;
    for (let i = 0; i < 40; i++) end += 16 + whole.readUInt32LE(end + 8);
    const child = spawn(process.execPath, [CLI, 'replay', '--json', '--serve', '--web.listen-address', '127.0.0.1:0', '-'], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    child.stdin!.write(whole.subarray(0, end));
    const { io, exited, port } = await serving(child);
    await until('40 frames', async () => (sample(await metricsOf(port), 'vxmon_frames_total') === 40 ? true : undefined), {
      child,
      every: 50,
      detail: () => io.err,
    });
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(io.err).toMatch(/replay stopped by a signal/);
    const report = JSON.parse(io.out);
    expect(report.frames).toBe(40);
    expect(Object.values(report.outcomes as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(40);
    expect(report.files).toEqual([{ path: '-', format: 'unknown', frames: 40, bytes: -1 }]);
    // Sessions open at the stop are closed as end_of_capture, so opened == sum(closed).
    for (const v of report.vnis as { sessions: { tcp: { opened: number; closed: Record<string, number> } } }[]) {
      const closed = Object.values(v.sessions.tcp.closed).reduce((a, b) => a + b, 0);
      expect(closed).toBe(v.sessions.tcp.opened);
    }
  });

  it('2x takes at least half the capture span, and reports the same numbers as max', () => {
    const paced = replayJson(['--pace', '2x', TCP_CLOSE]);
    expect(paced.seconds).toBeGreaterThanOrEqual(TCP_CLOSE_SPAN_S / 2 - EARLY_S);
    expect(paced.report).toEqual(replayJson([TCP_CLOSE]).report);
    expect(replayJson(['--pace', '1000x', TCP_CLOSE]).report).toEqual(paced.report);
  });

  it('a capture cut mid-record: paced and --openmetrics count the same frames before the fault, exit 3', () => {
    // sessions-tcp-close.pcap cut 10 bytes into its last record: every frame but the last is whole.
    const whole = readFileSync(TCP_CLOSE);
    const cut = join(tmp, 'cut.pcap');
    let last = 24;
    for (let o = 24; o + 16 <= whole.length; o += 16 + whole.readUInt32LE(o + 8)) last = o;
    writeFileSync(cut, whole.subarray(0, last + 10));
    const run = (extra: string[]) => {
      const r = spawnSync(process.execPath, [CLI, 'replay', '--json', ...extra, cut], { encoding: 'utf8', timeout: 60_000 });
      expect(r.status).toBe(3);
      return JSON.parse(r.stdout);
    };
    const plain = run([]);
    expect(plain.frames).toBe(33 - 1); // 33 frames in the capture (capinfos), the last one cut
    expect(plain.error.code).toBe('E_INPUT_FORMAT');
    expect(run(['--pace', '1000000x'])).toEqual(plain);
    const om = join(tmp, 'cut.om');
    expect(run(['--openmetrics', om, '--step', '1s'])).toEqual(plain);
    const text = readFileSync(om, 'utf8');
    expect(text.endsWith('\n# EOF\n')).toBe(true);
    expect(text).toMatch(new RegExp(`^vxmon_frames_total ${plain.frames} \\d+(\\.\\d+)?$`, 'm'));
  });

  it.each([['fast'], ['0x'], ['-2x'], ['2'], ['x'], ['1e3x']])('--pace %s is a one-line usage error, exit 2', (pace) => {
    const r = spawnSync(process.execPath, [CLI, 'replay', `--pace=${pace}`, TCP_CLOSE], { encoding: 'utf8', timeout: 20_000 });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`--pace must be max, realtime or a speed such as 2x or 0.5x`);
    expect(r.stdout).toBe('');
  });
});
