#!/usr/bin/env node
/**
 * Live-capture bench on the loopback interface.
 *
 *   npm run build && node bench/live-lo.mjs [options]        (as root: libpcap on lo)
 *
 * For every target rate it runs three captures of the same kind of traffic,
 * one after the other, each with a fresh capturer and a fresh sender:
 *
 *   vxmon-pcap  node dist/cli.js run --interface lo           (libpcap via cap)
 *   tcpdump     tcpdump -i lo -w /dev/null -B <same buffer>   (the reference)
 *   vxmon-udp   node dist/cli.js run --listen-udp 127.0.0.1:4789
 *
 * The sender is this file run again as a child (--sender). It sends real
 * VXLAN datagrams to 127.0.0.1:4789: the VXLAN header and mirrored frame of
 * every VXLAN record of pcaps/crafted/aws-multi-vni.pcap (outer 42 bytes
 * stripped), in turn, paced in batches, for a fixed time, and reports how
 * many sends the kernel accepted. For the two libpcap captures the sender
 * also holds a socket bound to 127.0.0.1:4789 that never reads, so the
 * kernel delivers (and then drops) the datagrams instead of answering ICMP
 * port unreachable; `udp dst port 4789` matches each datagram once.
 *
 * Loss is sent minus counted. CPU is utime+stime of the capturing process
 * (from /proc/PID/stat) between the start of sending and the moment its
 * count stops growing, divided by the frames it counted.
 *
 * Only loopback traffic; every send loop is bounded in time and in count.
 * Figures are reported, never judged: the exit status is 0 whatever they
 * are, 0 with a message when the bench cannot capture here (not root, cap
 * not built), and 1 only when it cannot run at all (dist/ missing).
 * See bench/LIVE.md.
 */
import { spawn, execFileSync } from 'node:child_process';
import dgram from 'node:dgram';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..');
const CLI = join(ROOT, 'dist', 'cli.js');
const DEFAULT_PCAP = join(ROOT, 'pcaps', 'crafted', 'aws-multi-vni.pcap');
const VXLAN_PORT = 4789;
const DEST = '127.0.0.1';

/** Upper bound on sends in one step, whatever the rate and duration. */
const MAX_SENDS_PER_STEP = 20_000_000;
/** The pause probe: rate and seconds sent while the capturer is stopped. */
const PROBE_RATE = 20_000;
const PROBE_SECONDS = 1;
/** Sends the sender issues before yielding to the event loop. */
const BATCH = 256;
/** Sends issued but not yet completed, at most. */
const MAX_IN_FLIGHT = 8192;

// ---------------------------------------------------------------- options

function parseArgs(argv) {
  const o = {
    sender: false,
    rates: ['20000', '50000', '80000', '110000', 'max'],
    duration: 5,
    bufferMiB: 256,
    bpf: `udp dst port ${VXLAN_PORT}`,
    modes: ['pcap', 'tcpdump', 'udp'],
    pcap: DEFAULT_PCAP,
    json: false,
    pauseProbe: true,
    // sender-only
    rate: 0,
    sink: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) usage(`${a} needs a value`);
      return argv[++i];
    };
    switch (a) {
      case '--sender': o.sender = true; break;
      case '--sink': o.sink = true; break;
      case '--rate': o.rate = Number(next()); break;
      case '--rates': o.rates = next().split(',').map((s) => s.trim()).filter(Boolean); break;
      case '--duration': o.duration = Number(next()); break;
      case '--buffer-mib': o.bufferMiB = Number(next()); break;
      case '--bpf': o.bpf = next(); break;
      case '--only': o.modes = next().split(',').map((s) => s.trim()); break;
      case '--pcap': o.pcap = next(); break;
      case '--json': o.json = true; break;
      case '--no-pause-probe': o.pauseProbe = false; break;
      case '-h': case '--help': usage(); break;
      default: usage(`unknown option ${a}`);
    }
  }
  if (!(o.duration > 0 && o.duration <= 60)) usage('--duration must be 1..60 seconds');
  if (!(o.bufferMiB >= 1 && o.bufferMiB <= 4096)) usage('--buffer-mib must be 1..4096');
  for (const r of o.rates) if (r !== 'max' && !(Number(r) > 0)) usage(`--rates: "${r}" is neither a positive number nor max`);
  for (const m of o.modes) if (!['pcap', 'tcpdump', 'udp'].includes(m)) usage(`--only: "${m}" is not pcap, tcpdump or udp`);
  return o;
}

function usage(problem) {
  const text = `usage: node bench/live-lo.mjs [--rates 20000,50000,80000,110000,max] [--duration 5]
                           [--buffer-mib 256] [--bpf 'udp dst port 4789'] [--only pcap,tcpdump,udp]
                           [--pcap FILE] [--no-pause-probe] [--json]
Runs as root (libpcap on lo) after npm run build. See bench/LIVE.md.`;
  if (problem) {
    process.stderr.write(`live-lo: ${problem}\n${text}\n`);
    process.exit(2);
  }
  process.stdout.write(`${text}\n`);
  process.exit(0);
}

// ---------------------------------------------------------------- traffic

/**
 * The VXLAN payloads (VXLAN header + mirrored frame) of a classic pcap's
 * Ethernet/IPv4(no options)/UDP-to-4789 records, trailing padding removed.
 */
function loadPayloads(path) {
  const f = readFileSync(path);
  const magic = f.readUInt32LE(0);
  let le;
  if (magic === 0xa1b2c3d4 || magic === 0xa1b23c4d) le = true;
  else if (magic === 0xd4c3b2a1 || magic === 0x4d3cb2a1) le = false;
  else throw new Error(`${path}: not a classic pcap file`);
  const u32 = (off) => (le ? f.readUInt32LE(off) : f.readUInt32BE(off));
  if (u32(20) !== 1) throw new Error(`${path}: link type ${u32(20)}, expected Ethernet (1)`);
  const out = [];
  const vnis = new Set();
  for (let off = 24; off + 16 <= f.length; ) {
    const incl = u32(off + 8);
    const frame = f.subarray(off + 16, off + 16 + incl);
    off += 16 + incl;
    if (frame.length < 42 + 8 + 14) continue;
    if (frame.readUInt16BE(12) !== 0x0800 || frame[14] !== 0x45 || frame[23] !== 17) continue;
    if (frame.readUInt16BE(36) !== VXLAN_PORT) continue;
    const udpLen = frame.readUInt16BE(38);
    if (udpLen < 16 || 34 + udpLen > frame.length) continue;
    const payload = Buffer.from(frame.subarray(42, 34 + udpLen));
    if ((payload[0] & 0x08) === 0) continue;
    vnis.add(payload.readUInt32BE(4) >>> 8);
    out.push(payload);
  }
  if (out.length === 0) throw new Error(`${path}: no VXLAN records to send`);
  return { payloads: out, vnis: [...vnis] };
}

/** Binds 127.0.0.1:4789 and stops reading it, so the kernel accepts the datagrams and drops them at no cost to us. */
async function bindSink() {
  const sink = dgram.createSocket({ type: 'udp4', recvBufferSize: 4096 });
  await new Promise((resolve, reject) => {
    sink.once('error', reject);
    sink.bind({ port: VXLAN_PORT, address: DEST, exclusive: true }, resolve);
  });
  sink.on('message', () => {});
  // Node reads every bound socket; its handle can stop that (internal, so fall back to reading if absent).
  let stopped = false;
  for (const sym of Object.getOwnPropertySymbols(sink)) {
    const handle = sink[sym]?.handle;
    if (handle && typeof handle.recvStop === 'function') {
      stopped = handle.recvStop() === 0;
      break;
    }
  }
  return { sink, reading: !stopped };
}

async function senderMain(o) {
  const { payloads } = loadPayloads(o.pcap);
  let sinkInfo;
  if (o.sink) {
    try {
      sinkInfo = await bindSink();
    } catch (e) {
      process.stdout.write(`${JSON.stringify({ error: `cannot bind the sink on ${DEST}:${VXLAN_PORT}: ${e.code ?? e.message}` })}\n`);
      process.exit(0);
    }
  }
  const sock = dgram.createSocket({ type: 'udp4', sendBufferSize: 4 * 1024 * 1024 });
  await new Promise((resolve) => sock.connect(VXLAN_PORT, DEST, resolve));
  sock.on('error', () => {});

  process.stdout.write(`${JSON.stringify({ ready: true, sinkReading: sinkInfo?.reading ?? false })}\n`);
  // Wait for the parent's go (one line on stdin), at most 60 s.
  await new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('no go from the parent')), 60_000);
    process.stdin.once('data', () => {
      clearTimeout(t);
      resolve();
    });
  });

  const durationMs = o.duration * 1000;
  const limit = o.rate > 0 ? Math.min(MAX_SENDS_PER_STEP, Math.ceil(o.rate * o.duration)) : MAX_SENDS_PER_STEP;
  let issued = 0;
  let ok = 0;
  let failed = 0;
  const errors = {};
  const done = (err) => {
    if (err) {
      failed++;
      errors[err.code ?? 'error'] = (errors[err.code ?? 'error'] ?? 0) + 1;
    } else ok++;
  };
  let next = 0;
  const t0 = performance.now();
  let tEnd = t0;
  await new Promise((resolve) => {
    const tick = () => {
      const elapsed = performance.now() - t0;
      if (elapsed >= durationMs || issued >= limit) {
        tEnd = performance.now();
        return resolve();
      }
      const due = o.rate > 0 ? Math.min(limit, Math.floor((o.rate * elapsed) / 1000)) - issued : BATCH;
      const room = MAX_IN_FLIGHT - (issued - ok - failed);
      const n = Math.min(due, BATCH, room, limit - issued);
      for (let i = 0; i < n; i++) {
        sock.send(payloads[next], done);
        if (++next === payloads.length) next = 0;
        issued++;
      }
      // Ahead of schedule: sleep a millisecond; otherwise let completions run and go on.
      if (o.rate > 0 && n === due && n < BATCH) setTimeout(tick, 1);
      else setImmediate(tick);
    };
    tick();
  });
  // Let the last sends complete (bounded).
  const waitUntil = performance.now() + 3000;
  while (ok + failed < issued && performance.now() < waitUntil) await new Promise((r) => setTimeout(r, 5));
  const seconds = (tEnd - t0) / 1000;
  process.stdout.write(`${JSON.stringify({ sent: ok, failed, pending: issued - ok - failed, errors, seconds })}\n`);
  sock.close();
  sinkInfo?.sink.close();
}

// ---------------------------------------------------------------- helpers

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let clkTck = 100;
try {
  clkTck = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
} catch {
  /* 100 is Linux's USER_HZ everywhere we run */
}

/** utime+stime of a process, in seconds, or NaN once it is gone. */
function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After "pid (comm) ", field 3 (state) is f[0]; utime is field 14, stime 15.
    return (Number(f[11]) + Number(f[12])) / clkTck;
  } catch {
    return NaN;
  }
}

function loadAverage() {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  } catch {
    return 'unknown';
  }
}

/** Calls onLine for each line the stream writes. */
function lines(stream, onLine) {
  let rest = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk) => {
    rest += chunk;
    let i;
    while ((i = rest.indexOf('\n')) >= 0) {
      onLine(rest.slice(0, i));
      rest = rest.slice(i + 1);
    }
  });
}

/** Resolves with the first value test() returns for a line, or rejects after ms. */
function waitForLine(stream, test, ms, what) {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
    lines(stream, (line) => {
      const v = test(line);
      if (v !== undefined) {
        clearTimeout(t);
        resolve(v);
      }
    });
  });
}

const children = new Set();
function track(child) {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** Stops one child we started: the signal, then SIGKILL after ms; resolves when it has exited. */
function stop(child, signal, ms) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), ms);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill(signal);
  });
}

for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    for (const c of children) c.kill('SIGKILL');
    process.exit(130);
  });
}

// ---------------------------------------------------------------- one step

/** Starts a sender child; resolves once its sockets are ready. */
async function startSender(o, rate, sink) {
  const args = [fileURLToPath(import.meta.url), '--sender', '--rate', String(rate), '--duration', String(o.duration), '--pcap', o.pcap];
  if (sink) args.push('--sink');
  const child = track(spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'inherit'] }));
  const reports = [];
  const waiters = [];
  lines(child.stdout, (line) => {
    let msg;
    try {
      msg = JSON.parse(line);
    } catch {
      return;
    }
    reports.push(msg);
    while (waiters.length > 0 && reports.length > 0) waiters.shift()(reports.shift());
  });
  child.once('exit', () => {
    for (const w of waiters.splice(0)) w({ error: 'sender exited early' });
  });
  const nextReport = (ms) =>
    Promise.race([
      new Promise((resolve) => (reports.length > 0 ? resolve(reports.shift()) : waiters.push(resolve))),
      sleep(ms).then(() => ({ error: `sender silent for ${ms} ms` })),
    ]);
  const ready = await nextReport(15_000);
  if (ready.error) {
    await stop(child, 'SIGKILL', 1000);
    throw new Error(ready.error);
  }
  return {
    ready,
    /** Tells the sender to start; resolves with its final report. */
    async run() {
      child.stdin.write('go\n');
      const result = await nextReport(o.duration * 1000 + 10_000);
      await stop(child, 'SIGTERM', 2000);
      if (result.error) throw new Error(result.error);
      return result;
    },
    kill: () => stop(child, 'SIGKILL', 1000),
  };
}

async function scrape(port) {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(5000) });
  return res.text();
}

/** Sum of a counter's samples whose labels include source="NAME". */
function sumMetric(text, metric, source) {
  let sum = 0;
  const prefix = `${metric}{`;
  const want = `source="${source}"`;
  for (const line of text.split('\n')) {
    if (!line.startsWith(prefix)) continue;
    const close = line.lastIndexOf('}');
    if (!line.slice(prefix.length, close).split(',').includes(want)) continue;
    sum += Number(line.slice(close + 1).trim());
  }
  return sum;
}

/** Polls until count() reaches target or stops growing for a second (at most maxMs); returns the last count. */
async function settle(count, target, maxMs) {
  const until = performance.now() + maxMs;
  let last = await count();
  let stillSince = performance.now();
  while (last < target && performance.now() < until) {
    await sleep(250);
    const now = await count();
    if (now !== last) {
      last = now;
      stillSince = performance.now();
    } else if (performance.now() - stillSince >= 1000) break;
  }
  return last;
}

/**
 * One capture step. With pause, the capturer is stopped (SIGSTOP) while the
 * sender runs and continued afterwards: what it then counts is what its
 * buffer held, i.e. how long a stall it survives at that rate.
 */
async function stepVxmon(o, rate, mode, pause = false) {
  const source = mode === 'pcap' ? 'pcap:lo' : `udp:${DEST}:${VXLAN_PORT}`;
  const args = [CLI, 'run', '--web.listen-address', '127.0.0.1:0', '--log.summary-interval', '0'];
  if (mode === 'pcap') args.push('--interface', 'lo', '--bpf', o.bpf, '--capture.buffer-size', String(o.bufferMiB * 1024 * 1024));
  else args.push('--listen-udp', `${DEST}:${VXLAN_PORT}`);
  const vx = track(spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] }));
  let stderr = '';
  vx.stderr.setEncoding('utf8');
  vx.stderr.on('data', (d) => (stderr = (stderr + d).slice(-2000)));
  let sender;
  try {
    const port = await Promise.race([
      waitForLine(
        vx.stdout,
        (line) => {
          try {
            const m = JSON.parse(line);
            if (m.msg === 'serving /metrics') return Number(String(m.address).split(':').pop());
          } catch {
            /* not a log line */
          }
          return undefined;
        },
        15_000,
        'vxmon to serve /metrics',
      ),
      new Promise((_, reject) => vx.once('exit', (code) => reject(new Error(`vxmon exited (${code}): ${stderr.trim().split('\n').pop() ?? ''}`)))),
    ]);
    sender = await startSender(o, rate, mode === 'pcap');
    const count = async () => sumMetric(await scrape(port), 'vxmon_source_frames_total', source);
    const before = await count();
    const cpu0 = cpuSeconds(vx.pid);
    if (pause) vx.kill('SIGSTOP');
    const sent = await sender.run().finally(() => pause && vx.kill('SIGCONT'));
    sender = undefined;
    const after = await settle(async () => (await count()) - before, sent.sent, 30_000);
    const cpu1 = cpuSeconds(vx.pid);
    const text = await scrape(port);
    const udpDrops = mode === 'udp' ? sumMetric(text, 'vxmon_udp_receive_drops_total', source) : undefined;
    return { sent, counted: after, cpu: cpu1 - cpu0, udpDrops };
  } finally {
    await sender?.kill();
    await stop(vx, 'SIGTERM', 6000);
  }
}

async function stepTcpdump(o, rate, pause = false) {
  const args = ['-i', 'lo', '-n', '-w', '/dev/null', '-B', String(o.bufferMiB * 1024), o.bpf];
  const td = track(spawn('tcpdump', args, { stdio: ['ignore', 'ignore', 'pipe'] }));
  const summary = {};
  let stderr = '';
  let sender;
  try {
    await Promise.race([
      waitForLine(td.stderr, (line) => {
        stderr += `${line}\n`;
        const m = /^(\d+) packets? (captured|received by filter|dropped by kernel)/.exec(line);
        if (m) summary[m[2]] = Number(m[1]);
        return /listening on/.test(line) ? true : undefined;
      }, 15_000, 'tcpdump to listen'),
      new Promise((_, reject) => td.once('exit', (code) => reject(new Error(`tcpdump exited (${code}): ${stderr.trim()}`)))),
      new Promise((_, reject) => td.once('error', (e) => reject(new Error(`tcpdump: ${e.message}`)))),
    ]);
    sender = await startSender(o, rate, true);
    const cpu0 = cpuSeconds(td.pid);
    if (pause) td.kill('SIGSTOP');
    const sent = await sender.run().finally(() => pause && td.kill('SIGCONT'));
    sender = undefined;
    // tcpdump counts only on exit: give it a moment to drain its ring, then stop it.
    await sleep(1500);
    const cpu1 = cpuSeconds(td.pid);
    const stderrDone = new Promise((resolve) => td.stderr.once('end', resolve));
    await stop(td, 'SIGINT', 5000);
    await Promise.race([stderrDone, sleep(2000)]);
    return { sent, counted: summary.captured ?? NaN, kernelDrops: summary['dropped by kernel'] ?? NaN, cpu: cpu1 - cpu0 };
  } finally {
    await sender?.kill();
    await stop(td, 'SIGKILL', 1000);
  }
}

// ---------------------------------------------------------------- report

const fmtInt = (n) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a');
const fmtPct = (n) => (Number.isFinite(n) ? `${n.toFixed(n === 0 ? 0 : 2)} %` : 'n/a');
const fmtUs = (n) => (Number.isFinite(n) ? n.toFixed(2) : 'n/a');

function summarise(r) {
  if (!r || r.error) return { error: r?.error ?? 'not run' };
  const sent = r.sent.sent;
  const loss = sent - r.counted;
  return {
    sent,
    counted: r.counted,
    loss,
    lossPct: sent > 0 ? (100 * loss) / sent : NaN,
    cpuSeconds: r.cpu,
    cpuUsPerFrame: r.counted > 0 ? (r.cpu * 1e6) / r.counted : NaN,
    sentPerSecond: sent / r.sent.seconds,
    sendFailures: r.sent.failed,
    ...(r.kernelDrops !== undefined ? { tcpdumpKernelDrops: r.kernelDrops } : {}),
    ...(r.udpDrops !== undefined ? { udpReceiveDrops: r.udpDrops } : {}),
  };
}

function cell(s, extra) {
  if (!s) return ['', ''];
  if (s.error) return ['error', ''];
  const foreign = s.loss < 0 ? ' (+extra traffic?)' : '';
  // CPU time comes in clock ticks (10 ms): say so when a step used only a few.
  const ticks = Math.round(s.cpuSeconds * clkTck);
  const cpu = ticks === 0 && s.counted > 0 ? `< ${fmtUs(1e6 / clkTck / s.counted)}` : `${ticks < 10 ? '~' : ''}${fmtUs(s.cpuUsPerFrame)}`;
  return [`${fmtInt(s.counted)} (${fmtPct(s.lossPct)}${extra ? extra(s) : ''})${foreign}`, cpu];
}

function printTable(rows, o) {
  const head = ['target/s', `sent/s (${o.modes.join(' / ')})`];
  if (o.modes.includes('pcap')) head.push('vxmon-pcap counted (loss)', 'CPU-µs/fr');
  if (o.modes.includes('tcpdump')) head.push('tcpdump captured (drop)', 'CPU-µs/fr');
  if (o.modes.includes('udp')) head.push('vxmon-udp counted (loss; kernel drops)', 'CPU-µs/fr');
  const body = rows.map((row) => {
    const cells = [row.target, o.modes.map((m) => fmtInt(row[m]?.sentPerSecond)).join(' / ')];
    if (o.modes.includes('pcap')) cells.push(...cell(row.pcap));
    if (o.modes.includes('tcpdump')) cells.push(...cell(row.tcpdump));
    if (o.modes.includes('udp')) cells.push(...cell(row.udp, (s) => `; ${fmtInt(s.udpReceiveDrops)}`));
    return cells;
  });
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const fmt = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  console.log(fmt(head));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of body) console.log(fmt(r));
}

/**
 * The highest sent rate at which a capturer lost nothing; lossyBelow says a
 * slower step did lose some (a noisy machine), lossyAbove that a faster one did.
 */
function lossFree(rows, mode) {
  const steps = rows.map((r) => r[mode]).filter((s) => s && !s.error);
  const clean = steps.filter((s) => s.loss <= 0).map((s) => s.sentPerSecond);
  const rate = clean.length > 0 ? Math.max(...clean) : undefined;
  const lossy = steps.filter((s) => s.loss > 0).map((s) => s.sentPerSecond);
  return {
    rate,
    lossyBelow: rate !== undefined && lossy.some((r) => r < rate),
    lossyAbove: lossy.some((r) => rate === undefined || r > rate),
  };
}

// ---------------------------------------------------------------- main

async function main() {
  const o = parseArgs(process.argv.slice(2));
  if (o.sender) return senderMain(o);

  if (!existsSync(CLI)) {
    process.stderr.write('live-lo: dist/cli.js is missing: run npm run build first\n');
    process.exit(1);
  }
  const needsPcap = o.modes.includes('pcap') || o.modes.includes('tcpdump');
  if (needsPcap && process.getuid?.() !== 0) {
    console.log('live-lo: skipped: capturing on lo with libpcap needs root (run it as root, e.g. sudo node bench/live-lo.mjs).');
    process.exit(0);
  }
  if (o.modes.includes('pcap')) {
    try {
      createRequire(join(ROOT, 'package.json'))('cap');
    } catch {
      console.log('live-lo: skipped: the libpcap binding cap is not built here (apt-get install libpcap-dev && npm rebuild cap; see native-notes/README.md).');
      process.exit(0);
    }
  }
  if (o.modes.includes('tcpdump')) {
    try {
      execFileSync('tcpdump', ['--version'], { stdio: 'ignore' });
    } catch {
      console.error('live-lo: tcpdump is not installed (apt-get install tcpdump); its columns are left out.');
      o.modes = o.modes.filter((m) => m !== 'tcpdump');
    }
  }

  const { payloads, vnis } = loadPayloads(o.pcap);
  const avgBytes = payloads.reduce((s, p) => s + p.length, 0) / payloads.length;
  const machine = {
    node: process.version,
    cpu: (await import('node:os')).cpus()[0]?.model ?? 'unknown',
    cores: (await import('node:os')).cpus().length,
    loadBefore: loadAverage(),
  };
  const log = (s) => process.stderr.write(`${s}\n`);
  log(`live-lo: ${payloads.length} VXLAN payloads (${vnis.length} VNIs, mean ${avgBytes.toFixed(0)} bytes + 42 outer) from ${o.pcap}`);
  log(`live-lo: ${o.duration} s per step, buffer ${o.bufferMiB} MiB, filter '${o.bpf}', load average ${machine.loadBefore}`);

  const rows = [];
  for (const target of o.rates) {
    const rate = target === 'max' ? 0 : Number(target);
    const row = { target };
    for (const mode of o.modes) {
      log(`live-lo: ${target}/s ${mode}...`);
      let r;
      try {
        r = mode === 'tcpdump' ? await stepTcpdump(o, rate) : await stepVxmon(o, rate, mode);
      } catch (e) {
        r = { error: e.message };
        log(`live-lo:   ${mode} at ${target}/s: ${e.message}`);
      }
      row[mode] = summarise(r);
      if (!row[mode].error) {
        const s = row[mode];
        log(`live-lo:   sent ${fmtInt(s.sent)} (${fmtInt(s.sentPerSecond)}/s), counted ${fmtInt(s.counted)}, CPU ${s.cpuSeconds.toFixed(2)} s`);
      }
      await sleep(500);
    }
    rows.push(row);
  }
  // How many frames each capturer's buffer holds while the capturer does not run at all.
  const probe = {};
  if (o.pauseProbe) {
    for (const mode of o.modes) {
      log(`live-lo: pause probe ${mode}: stopped for ${PROBE_SECONDS} s at ${fmtInt(PROBE_RATE)}/s...`);
      const po = { ...o, duration: PROBE_SECONDS };
      try {
        const r = mode === 'tcpdump' ? await stepTcpdump(po, PROBE_RATE, true) : await stepVxmon(po, PROBE_RATE, mode, true);
        probe[mode] = { sent: r.sent.sent, held: r.counted };
      } catch (e) {
        probe[mode] = { error: e.message };
      }
      await sleep(500);
    }
  }
  machine.loadAfter = loadAverage();

  const verdict = Object.fromEntries(o.modes.map((m) => [m, lossFree(rows, m)]));
  if (o.json) {
    console.log(JSON.stringify({ settings: { ...o, sender: undefined, rate: undefined, sink: undefined }, machine, vnis: vnis.length, rows, lossFree: verdict, pauseProbe: probe }, null, 2));
    return;
  }
  console.log(`\nlive capture on lo: ${o.duration} s per step, buffer ${o.bufferMiB} MiB, filter '${o.bpf}'`);
  console.log(`${machine.cores} × ${machine.cpu}, Node ${machine.node}, load average ${machine.loadBefore} before, ${machine.loadAfter} after\n`);
  printTable(rows, o);
  console.log('');
  const names = { pcap: 'vxmon --interface lo (cap)', tcpdump: 'tcpdump', udp: 'vxmon --listen-udp' };
  if (o.pauseProbe) {
    console.log(`Frames kept while the capturer was stopped (SIGSTOP) for ${PROBE_SECONDS} s of ${fmtInt(PROBE_RATE)} frames/s:`);
    for (const m of o.modes) {
      const p = probe[m];
      console.log(`  ${names[m]}: ${p.error ? `error: ${p.error}` : `${fmtInt(p.held)} of ${fmtInt(p.sent)}`}`);
    }
    console.log('');
  }
  for (const m of o.modes) {
    const v = verdict[m];
    const lossy = rows.map((r) => r[m]).filter((s) => s && !s.error && s.loss > 0);
    const lossyAt = lossy.map((s) => `${fmtInt(s.sentPerSecond)}/s (${fmtPct(s.lossPct)})`).join(', ');
    if (v.rate === undefined) console.log(`${names[m]}: lost frames at every step: ${lossyAt || 'no step ran'}`);
    else if (!v.lossyAbove && !v.lossyBelow) {
      console.log(`${names[m]}: lost nothing at any step; the fastest, ${fmtInt(v.rate)} frames/s, is what the sender reached beside it, so the limit is not below that`);
    } else {
      console.log(`${names[m]}: highest loss-free rate ${fmtInt(v.rate)} frames/s; lost at ${lossyAt}${v.lossyBelow ? ' (a slower step lost some: noisy machine)' : ''}`);
    }
  }
}

main().catch((e) => {
  // Only a failure to run at all ends up here; figures never do.
  process.stderr.write(`live-lo: ${e.stack ?? e}\n`);
  process.exit(1);
});
