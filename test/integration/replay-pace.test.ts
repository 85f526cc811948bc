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
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = join(ROOT, 'dist/cli.js');
const MULTI_VNI = join(ROOT, 'pcaps/crafted/aws-multi-vni.pcap');
const MULTI_VNI_SPAN_S = 5.49541;
const TCP_CLOSE = join(ROOT, 'pcaps/crafted/sessions-tcp-close.pcap');
const TCP_CLOSE_SPAN_S = 2.306;
const EARLY_S = 0.005;

const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
});

function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(series + ' '));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
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
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    children.push(child);
    let err = '';
    child.stderr!.on('data', (d) => (err += d));
    while (!/serving http:\/\/127\.0\.0\.1:(\d+)\/metrics/.test(err)) {
      if (child.exitCode !== null) throw new Error(`vxmon exited: ${err}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const port = Number(/http:\/\/127\.0\.0\.1:(\d+)\/metrics/.exec(err)![1]);
    const seen: number[] = [];
    let readyWhilePartial = '';
    for (;;) {
      const finished = /replay finished/.test(err);
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
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

  it('2x takes at least half the capture span, and reports the same numbers as max', () => {
    const paced = replayJson(['--pace', '2x', TCP_CLOSE]);
    expect(paced.seconds).toBeGreaterThanOrEqual(TCP_CLOSE_SPAN_S / 2 - EARLY_S);
    expect(paced.report).toEqual(replayJson([TCP_CLOSE]).report);
    expect(replayJson(['--pace', '1000x', TCP_CLOSE]).report).toEqual(paced.report);
  });

  it.each([['fast'], ['0x'], ['-2x'], ['2'], ['x'], ['1e3x']])('--pace %s is a one-line usage error, exit 2', (pace) => {
    const r = spawnSync(process.execPath, [CLI, 'replay', `--pace=${pace}`, TCP_CLOSE], { encoding: 'utf8', timeout: 20_000 });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`--pace must be max, realtime or a speed such as 2x or 0.5x`);
    expect(r.stdout).toBe('');
  });
});
