/**
 * Nothing lost on stop, nothing torn on a crash (issue 7): `vxmon run`
 * writes flow records while a flood of distinct SYNs (a process of its own,
 * bench/syn-flood.mjs) makes a 1,000-session table evict a session, so
 * write a record, per frame. SIGKILL at a random moment (printed): every
 * line of the file is whole (JSON for jsonl, 15 fields for vpc-flow-log)
 * but perhaps the last: Linux stops copying a write(2) between two pages
 * when SIGKILL arrives, so a 64 KiB batch can be cut short (flow-output.ts).
 * Then a restart on the same file cuts such an unfinished line and appends
 * (the killed run's whole lines stay), and SIGTERM writes one `shutdown`
 * record per session still open: the test sends 500 new tuples, reads
 * vxmon_session_table_sessions = 500, stops it.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, sample, startDaemon, stopDaemon } from './daemon-process.js';

const DIR = mkdtempSync(join(tmpdir(), 'vxmon-kill-'));
afterAll(() => rmSync(DIR, { recursive: true, force: true }));
const PORT = 24783;

function sender(args: string[]) {
  const child = spawn(process.execPath, [join(ROOT, 'bench/syn-flood.mjs'), '--send', `127.0.0.1:${PORT}`, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  return { child, done: new Promise<{ sent: number }>((r) => child.once('exit', () => r(out ? JSON.parse(out) : { sent: 0 }))) };
}

/** The whole lines a SIGKILLed run left, and what follows the last newline (empty unless a write was cut). */
async function killDuringFlood(format: 'jsonl' | 'vpc-flow-log'): Promise<{ lines: string[]; cut: string }> {
  const path = join(DIR, `flows-${format}`);
  const d = await startDaemon(['--listen-udp', `127.0.0.1:${PORT}`, '--max-sessions', '1000', '--flows', path, '--flows-format', format]);
  const s = sender(['--seconds', '8']);
  const delay = 1500 + Math.floor(Math.random() * 2500);
  await new Promise((r) => setTimeout(r, delay));
  const code = await stopDaemon(d, 'SIGKILL');
  s.child.kill('SIGTERM');
  await s.done;
  expect(code).toBe(null); // killed, no exit of its own
  const text = readFileSync(path, 'utf8');
  const whole = text.lastIndexOf('\n') + 1;
  const cut = text.slice(whole);
  console.log(`${format}: SIGKILL after ${delay} ms of flood: ${text.length} bytes, ${text.split('\n').length - 1} lines, ${cut.length} bytes of a cut write after them`);
  // A cut write leaves part of one line, never more: the batch holds whole lines and the cut is its tail.
  expect(cut.includes('\n')).toBe(false);
  const lines = text.slice(0, whole - 1).split('\n');
  expect(lines.length).toBeGreaterThan(100); // batches reached the file (flushed at 64 KiB and every second)
  return { lines, cut };
}

describe('flow records when vxmon run is killed', () => {
  it('jsonl: every line parses after SIGKILL mid-flood; a restart appends; SIGTERM writes each open session', async () => {
    const { lines, cut } = await killDuringFlood('jsonl');
    for (const l of lines) expect(() => JSON.parse(l), l.slice(0, 80)).not.toThrow();
    expect(JSON.parse(lines[0])).toMatchObject({ close_reason: 'evicted', protocol: 'tcp' });

    const path = join(DIR, 'flows-jsonl');
    const d = await startDaemon(['--listen-udp', `127.0.0.1:${PORT}`, '--max-sessions', '1000', '--flows', path]);
    // 500 tuples the flood did not use (it starts at 0 and cannot reach 2^24 in 8 s)
    const s = sender(['--frames', '500', '--first', String(0x1000000)]);
    expect((await s.done).sent).toBe(500);
    let open = 0;
    for (let i = 0; i < 100 && open < 500; i++) {
      open = sample(await d.metrics(), 'vxmon_session_table_sessions') ?? 0;
      if (open < 500) await new Promise((r) => setTimeout(r, 50));
    }
    expect(open).toBe(500);
    expect(await stopDaemon(d, 'SIGTERM')).toBe(0);
    const text = readFileSync(path, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    const after = text.slice(0, -1).split('\n');
    // The killed run's whole lines come first, as they were; an unfinished line it left (`cut`) is gone, or the
    // first record appended would have been glued to it and would not parse below.
    expect(after.slice(0, lines.length)).toEqual(lines);
    if (cut.length > 0) console.log(`jsonl: the restart cut the ${cut.length} bytes of the unfinished line`);
    const added = after.slice(lines.length).map((l) => JSON.parse(l));
    expect(added).toHaveLength(500);
    for (const r of added) expect(r).toMatchObject({ close_reason: 'shutdown', responder: '192.168.0.1:443' });
  });

  it('vpc-flow-log: one header and 15 fields on every line after SIGKILL mid-flood', async () => {
    const { lines } = await killDuringFlood('vpc-flow-log');
    expect(lines[0]).toMatch(/^version account-id /);
    for (const l of lines) expect(l.split(' '), l).toHaveLength(15);
    expect(lines.filter((l) => l.startsWith('version '))).toHaveLength(1);
  });
});
