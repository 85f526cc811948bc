/**
 * Session floods: every frame a SYN from a new tuple (bench/syn-flood.mjs).
 * - Replay: 300,000 SYNs with --max-sessions 10,000. Each SYN opens a
 *   session, and once the table holds 10,000 each one evicts the oldest, so
 *   by arithmetic evictions = 300,000 - 10,000 = 290,000 and the 10,000 left
 *   close as end_of_capture (the SYNs are 1 µs apart: nothing times out).
 *   Memory is bounded by the table: the peak RSS of the 300 k replay is
 *   within 30 MB of a 30 k one (same table), while the file is 10x longer.
 * - Live: `vxmon run --listen-udp 127.0.0.1:24780 --max-sessions 1000`
 *   under a SYN flood still answers every /metrics scrape; the table stays
 *   at its bound and every frame beyond it evicted one. Scrape latencies are
 *   printed (reported, never asserted).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM bench module, no type declarations
import { writeSynPcap } from '../../bench/syn-flood.mjs';
import { CLI, ROOT, sample, startDaemon, stopDaemon, sumOf } from './daemon-process.js';

const DIR = mkdtempSync(join(tmpdir(), 'vxmon-flood-'));
afterAll(() => rmSync(DIR, { recursive: true, force: true }));
const HAVE_TIME = existsSync('/usr/bin/time');

function replayFlood(frames: number, maxSessions: number) {
  const path = join(DIR, `syn-${frames}.pcap`);
  writeSynPcap(path, frames);
  const cmd = [CLI, 'replay', path, '--json', '--max-sessions', String(maxSessions)];
  const r = HAVE_TIME
    ? spawnSync('/usr/bin/time', ['-f', 'maxrss %M', process.execPath, ...cmd], { encoding: 'utf8', maxBuffer: 1 << 24 })
    : spawnSync(process.execPath, cmd, { encoding: 'utf8', maxBuffer: 1 << 24 });
  expect(r.status, r.stderr).toBe(0);
  const rss = Number(/maxrss (\d+)/.exec(r.stderr)?.[1] ?? -1);
  return { report: JSON.parse(r.stdout), rssKb: rss };
}

/** Runs bench/syn-flood.mjs --send ... and returns its {sent, errors}. */
export async function sendFromProcess(args: string[]): Promise<{ sent: number; errors: number }> {
  const child = spawn(process.execPath, [join(ROOT, 'bench/syn-flood.mjs'), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  const code = await new Promise((r) => child.once('exit', r));
  if (code !== 0) throw new Error(`sender exited ${code}`);
  return JSON.parse(out);
}

describe('session flood', () => {
  it('replay of 300,000 distinct SYNs with --max-sessions 10000: 290,000 evictions exactly, memory bounded', () => {
    const big = replayFlood(300_000, 10_000);
    expect(big.report.frames).toBe(300_000);
    expect(big.report.outcomes.decoded).toBe(300_000);
    const s = big.report.vnis[0].sessions;
    expect(s.evictions).toBe(290_000);
    expect(s.tcp.opened).toBe(300_000);
    expect(s.tcp.closed).toMatchObject({ evicted: 290_000, end_of_capture: 10_000, timeout: 0 });
    if (HAVE_TIME) {
      const small = replayFlood(30_000, 10_000);
      expect(small.report.vnis[0].sessions.evictions).toBe(20_000);
      console.log(`session flood replay: peak RSS ${Math.round(small.rssKb / 1024)} MB at 30 k SYNs, ${Math.round(big.rssKb / 1024)} MB at 300 k (--max-sessions 10000)`);
      expect(big.rssKb - small.rssKb).toBeLessThan(30 * 1024);
    }
  });

  it('a live daemon under a SYN flood keeps answering /metrics, table at its bound, evictions counted', async () => {
    // a 1,000-session table: even a daemon starved of CPU by parallel tests counts far more frames than that
    const d = await startDaemon(['--listen-udp', '127.0.0.1:24780', '--max-sessions', '1000']);
    try {
      const latencies: number[] = [];
      let flooding = true;
      const scraper = (async () => {
        while (flooding) {
          const t0 = performance.now();
          const text = await d.metrics(); // throws unless 200
          latencies.push(performance.now() - t0);
          expect(sample(text, 'vxmon_session_table_sessions')).toBeLessThanOrEqual(1000);
          await new Promise((r) => setTimeout(r, 100));
        }
      })();
      // the sender is a process of its own, so it does not starve this one's scrapes
      const flood = await sendFromProcess(['--send', '127.0.0.1:24780', '--seconds', '4']);
      flooding = false;
      await scraper;
      // let the daemon drain its socket, then check the accounting
      let text = '';
      for (let i = 0; i < 50; i++) {
        text = await d.metrics();
        const seen = sample(text, 'vxmon_frames_total')! + sumOf(text, 'vxmon_udp_receive_drops_total');
        if (seen >= flood.sent) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const frames = sample(text, 'vxmon_frames_total')!;
      const opened = sample(text, 'vxmon_tcp_sessions_opened_total{tunnel="vxlan",vni="4012345"}')!;
      const evictions = sample(text, 'vxmon_session_evictions_total{tunnel="vxlan",vni="4012345"}')!;
      expect(frames).toBeGreaterThan(1000);
      expect(sample(text, 'vxmon_frames_decoded_total')).toBe(frames);
      expect(opened).toBe(frames); // every frame a new tuple
      expect(sample(text, 'vxmon_session_table_sessions')).toBe(1000);
      expect(evictions).toBe(opened - 1000);
      expect(latencies.length).toBeGreaterThan(5);
      const sorted = [...latencies].sort((a, b) => a - b);
      const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))].toFixed(1);
      console.log(`live SYN flood: sent ${flood.sent} in 4 s, counted ${frames}, kernel drops ${sumOf(text, 'vxmon_udp_receive_drops_total')}; ` +
        `/metrics latency over ${latencies.length} scrapes: p50 ${q(0.5)} ms, p99 ${q(0.99)} ms, max ${sorted[sorted.length - 1].toFixed(1)} ms`);
    } finally {
      expect(await stopDaemon(d)).toBe(0);
    }
  });
});
