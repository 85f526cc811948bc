/**
 * Hostile capture files: malformed pcap and pcapng written by this test,
 * header field by header field at its extremes, run through `vxmon replay`.
 *
 * Two halves, because a process costs ~150 ms to start:
 * - the matrix (every global-header field, record and block length lies,
 *   loops, unknown versions, missing interfaces, huge options, if_tsresol
 *   extremes): each case is a separate `node --max-old-space-size=64
 *   dist/cli.js replay FILE --json` process, plus the human output for a
 *   sample. Malformed: exit 3, exactly one stderr line
 *   `vxmon: FILE: at byte N: PROBLEM` with N the offset computed below from
 *   the layout we wrote, no stack trace, the frames read before the fault in
 *   the report, peak RSS under a bound (from /usr/bin/time -f %M).
 * - the "file that ends anywhere" sweep: a real capture (zeek's vxlan.pcap,
 *   1552 bytes) and a pcapng we write, cut at every byte offset, through
 *   replay() (src/replay.ts, what the CLI's replay command calls) in this
 *   process: 1,500+ processes would take minutes. The CLI's one-line
 *   rendering of the same InputError is what the process half checks.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { replay } from '../../src/replay.js';
import { makeDecoderConfig } from '../../src/decode/decoder-config.js';
import { InputError } from '../../src/errors.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = join(ROOT, 'dist/cli.js');
const DIR = mkdtempSync(join(tmpdir(), 'vxmon-hostile-'));
afterAll(() => rmSync(DIR, { recursive: true, force: true }));
/** Peak RSS allowed for one replay of a tiny hostile file (an idle node is ~45 MB; a 4 GB allocation would show). */
const MAX_RSS_KB = 160 * 1024;
const HAVE_TIME = existsSync('/usr/bin/time');

// ---------------------------------------------------------------- writers

/** Frames of zeek's vxlan.pcap (classic, little-endian, 10 records), walked by record header. */
const REAL = readFileSync(join(ROOT, 'pcaps/corpus/zeek/vxlan.pcap'));
const FRAMES: Buffer[] = [];
for (let o = 24; o < REAL.length; ) {
  const cap = REAL.readUInt32LE(o + 8);
  FRAMES.push(REAL.subarray(o + 16, o + 16 + cap));
  o += 16 + cap;
}

interface Layout {
  bytes: Buffer;
  /** File offset of each record / block that carries a frame. */
  records: number[];
}

interface PcapOpts {
  le?: boolean;
  nano?: boolean;
  major?: number;
  minor?: number;
  snap?: number;
  linkType?: number;
  /** Per record: captured length / original length written into its header (the data is the frame either way). */
  capLen?: (i: number, frame: Buffer) => number;
  origLen?: (i: number, frame: Buffer) => number;
  frames?: Buffer[];
}

function pcap(o: PcapOpts = {}): Layout {
  const le = o.le ?? true;
  const frames = o.frames ?? FRAMES.slice(0, 3);
  const u32 = (b: Buffer, v: number, at: number) => (le ? b.writeUInt32LE(v >>> 0, at) : b.writeUInt32BE(v >>> 0, at));
  const u16 = (b: Buffer, v: number, at: number) => (le ? b.writeUInt16LE(v, at) : b.writeUInt16BE(v, at));
  const g = Buffer.alloc(24);
  u32(g, o.nano ? 0xa1b23c4d : 0xa1b2c3d4, 0);
  u16(g, o.major ?? 2, 4);
  u16(g, o.minor ?? 4, 6);
  u32(g, o.snap ?? 65535, 16);
  u32(g, o.linkType ?? 1, 20);
  const parts = [g];
  const records: number[] = [];
  let off = 24;
  frames.forEach((f, i) => {
    const h = Buffer.alloc(16);
    u32(h, 1_600_000_000 + i, 0);
    u32(h, 1000 * i, 4);
    u32(h, o.capLen ? o.capLen(i, f) : f.length, 8);
    u32(h, o.origLen ? o.origLen(i, f) : f.length, 12);
    parts.push(h, f);
    records.push(off);
    off += 16 + f.length;
  });
  return { bytes: Buffer.concat(parts), records };
}

/** One pcapng block, little-endian: type, total length, body padded to 4, total length. */
function block(type: number, body: Buffer, lenOverride?: number, trailerOverride?: number): Buffer {
  const padded = Buffer.concat([body, Buffer.alloc(-body.length & 3)]);
  const len = 12 + padded.length;
  const b = Buffer.alloc(len);
  b.writeUInt32LE(type, 0);
  b.writeUInt32LE(lenOverride ?? len, 4);
  padded.copy(b, 8);
  b.writeUInt32LE(trailerOverride ?? lenOverride ?? len, len - 4);
  return b;
}

function shb(major = 1): Buffer {
  const body = Buffer.alloc(16);
  body.writeUInt32LE(0x1a2b3c4d, 0);
  body.writeUInt16LE(major, 4);
  body.writeUInt16LE(0, 6);
  body.writeInt32LE(-1, 8); // section length unknown
  body.writeInt32LE(-1, 12);
  return block(0x0a0d0d0a, body);
}

function idb(options: Buffer = Buffer.alloc(0), linkType = 1, snap = 0): Buffer {
  const body = Buffer.alloc(8);
  body.writeUInt16LE(linkType, 0);
  body.writeUInt32LE(snap, 4);
  return block(1, Buffer.concat([body, options]));
}

function option(code: number, value: Buffer, lenOverride?: number): Buffer {
  const h = Buffer.alloc(4);
  h.writeUInt16LE(code, 0);
  h.writeUInt16LE(lenOverride ?? value.length, 2);
  return Buffer.concat([h, value, Buffer.alloc(-value.length & 3)]);
}

function epb(frame: Buffer, iface = 0, capLenOverride?: number): Buffer {
  const h = Buffer.alloc(20);
  h.writeUInt32LE(iface, 0);
  h.writeUInt32LE(0x0005a000, 4); // timestamp high
  h.writeUInt32LE(0x12345678, 8); // timestamp low
  h.writeUInt32LE(capLenOverride ?? frame.length, 12);
  h.writeUInt32LE(frame.length, 16);
  return block(6, Buffer.concat([h, frame]));
}

/** Blocks laid end to end; `records` are the offsets of the blocks marked as frames. */
function pcapng(blocks: Array<{ b: Buffer; frame?: boolean }>): Layout {
  const records: number[] = [];
  let off = 0;
  for (const x of blocks) {
    if (x.frame) records.push(off);
    off += x.b.length;
  }
  return { bytes: Buffer.concat(blocks.map((x) => x.b)), records };
}

const standardPcapng = (): Layout =>
  pcapng([{ b: shb() }, { b: idb() }, ...FRAMES.slice(0, 3).map((f) => ({ b: epb(f), frame: true }))]);

// ---------------------------------------------------------------- running the CLI

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  maxRssKb: number;
}

function cli(file: string, json: boolean): Run {
  const args = ['--max-old-space-size=64', CLI, 'replay', file, ...(json ? ['--json'] : [])];
  const r = HAVE_TIME
    ? spawnSync('/usr/bin/time', ['-f', 'maxrss %M', process.execPath, ...args], { encoding: 'utf8', timeout: 30_000 })
    : spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 30_000 });
  // GNU time adds a line of its own when the command exits non-zero
  let stderr = r.stderr.replace(/^Command exited with non-zero status \d+\n/m, '');
  let maxRssKb = -1;
  const m = /maxrss (\d+)\n?$/.exec(stderr);
  if (m) {
    maxRssKb = Number(m[1]);
    stderr = stderr.slice(0, m.index);
  }
  return { status: r.status, stdout: r.stdout, stderr, maxRssKb };
}

let n = 0;
function file(layout: Layout | Buffer, ext = 'pcap'): string {
  const p = join(DIR, `case-${n++}.${ext}`);
  writeFileSync(p, Buffer.isBuffer(layout) ? layout : layout.bytes);
  return p;
}

/** Malformed: exit 3, one line naming the file and the byte offset, no stack, frames before the fault reported. */
function expectFault(path: string, offset: number, framesBefore: number, problem: RegExp, human = false): void {
  const r = cli(path, true);
  expect(r.status, r.stderr).toBe(3);
  const lines = r.stderr.split('\n').filter((l) => l !== '');
  expect(lines, r.stderr).toHaveLength(1);
  const esc = path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  expect(lines[0]).toMatch(new RegExp(`^vxmon: ${esc}: at byte ${offset}: `));
  expect(lines[0]).toMatch(problem);
  expect(r.stderr + r.stdout).not.toMatch(/\n\s+at /);
  const report = JSON.parse(r.stdout);
  expect(report.frames).toBe(framesBefore);
  expect(report.error).toMatchObject({ code: 'E_INPUT_FORMAT', offset });
  if (HAVE_TIME) expect(r.maxRssKb).toBeLessThan(MAX_RSS_KB);
  if (!human) return;
  // the human output (for a sample of cases: each is one more process): the same line, then what was read
  const h = cli(path, false);
  expect(h.status).toBe(3);
  expect(h.stderr.split('\n').filter((l) => l !== '')).toEqual(lines);
  expect(h.stdout).toMatch(new RegExp(`^read ${framesBefore} frames from `));
}

/** Odd but readable: exit 0 with every frame counted. */
function expectReadable(path: string, frames: number): Record<string, number> {
  const r = cli(path, true);
  expect(r.status, r.stderr).toBe(0);
  expect(r.stderr).toBe('');
  const report = JSON.parse(r.stdout);
  expect(report.frames).toBe(frames);
  if (HAVE_TIME) expect(r.maxRssKb).toBeLessThan(MAX_RSS_KB);
  return report.outcomes;
}

// ---------------------------------------------------------------- the matrix

describe('hostile classic pcap files through the CLI', () => {
  it('magic: all four valid variants read; anything else is refused at byte 0', () => {
    // the same three records in both byte orders and timestamp units
    for (const le of [true, false]) for (const nano of [true, false]) expectReadable(file(pcap({ le, nano })), 3);
    const swapped = pcap();
    swapped.bytes.writeUInt32BE(0xc3d4a1b2, 0); // halves swapped: no byte order gives a pcap magic
    expectFault(file(swapped), 0, 0, /unknown magic 0xc3d4a1b2/, true);
    const zero = pcap();
    zero.bytes.writeUInt32BE(0, 0);
    expectFault(file(zero), 0, 0, /unknown magic/);
  });

  it('version: a major other than 2 is refused at byte 4 (the field); any minor is read', () => {
    for (const major of [0, 3, 0xffff]) expectFault(file(pcap({ major })), 4, 0, new RegExp(`unsupported pcap version ${major}\\.`));
    expectReadable(file(pcap({ minor: 0xffff })), 3);
  });

  it('snap length 0 and 0xffffffff read; a record longer than a small snap length is refused at that record', () => {
    expectReadable(file(pcap({ snap: 0 })), 3);
    expectReadable(file(pcap({ snap: 0xffffffff })), 3);
    const l = pcap({ snap: 60 }); // zeek's frames are 92+ bytes
    expectFault(file(l), l.records[0], 0, /captured length \d+ exceeds the snap length 60/);
  });

  it('unknown and huge link types: read, every frame link_type_unsupported', () => {
    for (const linkType of [147, 0xffff, 0xffffffff]) {
      const out = expectReadable(file(pcap({ linkType })), 3);
      expect(out.link_type_unsupported).toBe(3);
    }
  });

  it('captured length 0xffffffff (4 GB) in record 2: refused at that record, record 1 counted, memory bounded', () => {
    const l = pcap({ capLen: (i, f) => (i === 1 ? 0xffffffff : f.length) });
    expectFault(file(l), l.records[1], 1, /captured length 4294967295 exceeds the snap length 65535/, true);
    const unlimited = pcap({ snap: 0, capLen: (i, f) => (i === 1 ? 0xffffffff : f.length) });
    expectFault(file(unlimited), unlimited.records[1], 1, /captured length 4294967295 exceeds the 262144-byte limit/);
  });

  it('captured length > snap length is refused; captured length > original length is read as the writer said', () => {
    const l = pcap({ snap: 100, frames: [FRAMES[0], Buffer.alloc(150)] });
    expectFault(file(l), l.records[1], 1, /captured length 150 exceeds the snap length 100/, true);
    // zeek's three frames are whole (captured = what was sent), so they decode; wire_bytes sums the
    // original lengths as written (README), 3 x 10, even though that is less than was captured
    const path = file(pcap({ origLen: () => 10 }));
    const out = expectReadable(path, 3);
    expect(out.decoded).toBe(3);
    const r = cli(path, true);
    expect(JSON.parse(r.stdout).vnis.map((v: { wire_bytes: number }) => v.wire_bytes)).toEqual([30]);
  });

  it('zero-length records are frames: counted as eth_too_short', () => {
    const out = expectReadable(file(pcap({ frames: [Buffer.alloc(0), FRAMES[0], Buffer.alloc(0)] })), 3);
    expect(out.eth_too_short).toBe(2);
  });

  it('an empty file and a file shorter than the header', () => {
    expectFault(file(Buffer.alloc(0)), 0, 0, /empty file/);
    expectFault(file(pcap().bytes.subarray(0, 3)), 0, 0, /file too short/);
    expectFault(file(pcap().bytes.subarray(0, 23)), 0, 0, /global header cut/);
  });
});

describe('hostile pcapng files through the CLI', () => {
  const frame = FRAMES[0];
  it('block length below 12, zero (a loop if believed), not a multiple of 4, past our limit', () => {
    const head = [{ b: shb() }, { b: idb() }, { b: epb(frame), frame: true }];
    for (const [len, problem] of [
      [8, /total length 8 is less than 12/],
      [0, /total length 0 is less than 12/],
      [34, /total length 34 is not a multiple of 4/],
      [0xfffffffc, /total length 4294967292 exceeds the 16777216-byte limit/],
    ] as const) {
      const bad = epb(frame);
      bad.writeUInt32LE(len, 4);
      const l = pcapng([...head, { b: bad, frame: true }]);
      expectFault(file(l, 'pcapng'), l.records[1], 1, problem);
    }
  });

  it('a trailing length that disagrees with the leading one', () => {
    const bad = epb(frame);
    bad.writeUInt32LE(bad.length + 4, bad.length - 4);
    const l = pcapng([{ b: shb() }, { b: idb() }, { b: epb(frame), frame: true }, { b: bad, frame: true }]);
    expectFault(file(l, 'pcapng'), l.records[1], 1, /trailing length \d+ differs from leading length/, true);
  });

  it('an SHB of an unknown major version; a second section with one', () => {
    expectFault(file(pcapng([{ b: shb(2) }, { b: idb() }]), 'pcapng'), 0, 0, /unsupported pcapng version 2\.0/);
    const first = pcapng([{ b: shb() }, { b: idb() }, { b: epb(frame), frame: true }]);
    const both = Buffer.concat([first.bytes, shb(0xffff)]);
    expectFault(file(both, 'pcapng'), first.bytes.length, 1, /unsupported pcapng version 65535/);
  });

  it('a packet block before any interface description block', () => {
    const l = pcapng([{ b: shb() }, { b: epb(frame), frame: true }]);
    expectFault(file(l, 'pcapng'), l.records[0], 0, /refers to interface 0, but this section describes 0 interface/);
    const l2 = pcapng([{ b: shb() }, { b: idb() }, { b: epb(frame, 7), frame: true }]);
    expectFault(file(l2, 'pcapng'), l2.records[0], 0, /refers to interface 7/);
  });

  it('an option length that runs past the block (0xffff)', () => {
    const bad = idb(option(2, Buffer.from('eth0'), 0xffff));
    const shbLen = shb().length;
    expectFault(file(pcapng([{ b: shb() }, { b: bad }]), 'pcapng'), shbLen, 0, /option 2 \(65535 bytes\) runs past the block/);
  });

  it('EPB captured length 0xffffffff: refused at the block, memory bounded', () => {
    const l = pcapng([{ b: shb() }, { b: idb() }, { b: epb(frame), frame: true }, { b: epb(frame, 0, 0xffffffff), frame: true }]);
    expectFault(file(l, 'pcapng'), l.records[1], 1, /captured length 4294967295 runs past the block/, true);
  });

  it('if_tsresol at its extremes (10^0, 10^-127, 2^0, 2^-127) reads every frame', () => {
    for (const r of [0x00, 0x7f, 0x80, 0xff]) {
      const l = pcapng([{ b: shb() }, { b: idb(option(9, Buffer.from([r]))) }, { b: epb(frame), frame: true }, { b: epb(frame), frame: true }]);
      const res = cli(file(l, 'pcapng'), true);
      expect(res.status, `tsresol 0x${r.toString(16)}: ${res.stderr}`).toBe(0);
      const report = JSON.parse(res.stdout);
      expect(report.frames).toBe(2);
      for (const v of report.vnis) expect(Number.isFinite(v.last_frame_time)).toBe(true);
    }
  });
});

// ---------------------------------------------------------------- every offset

/**
 * Expected result of cutting `layout` at byte `cut`: the records wholly
 * before the cut are read; a cut on a record boundary (or the end) is a
 * clean end; a cut inside the header (< `headerEnd`) or inside a record is a
 * fault at the start of what was cut (offset 0 for the file header).
 */
function expectedCut(starts: number[], frameStarts: Set<number>, total: number, headerEnd: number, cut: number) {
  if (cut < headerEnd) return { offset: 0, frames: 0 };
  let frames = 0;
  for (let i = 0; i < starts.length; i++) {
    const s = starts[i];
    const e = i + 1 < starts.length ? starts[i + 1] : total;
    if (cut === s) return { offset: -1, frames };
    if (cut > s && cut < e) return { offset: s, frames };
    if (frameStarts.has(s)) frames++;
  }
  return { offset: -1, frames };
}

async function sweep(bytes: Buffer, starts: number[], frameStarts: Set<number>, headerEnd: number, ext: string) {
  const decoder = makeDecoderConfig();
  const path = join(DIR, `sweep.${ext}`);
  let faults = 0;
  for (let cut = 0; cut <= bytes.length; cut++) {
    writeFileSync(path, bytes.subarray(0, cut));
    const exp = expectedCut(starts, frameStarts, bytes.length, headerEnd, cut);
    const r = await replay([path], { decoder });
    if (exp.offset < 0 && cut > 0) {
      expect(r.error, `cut at ${cut}`).toBeUndefined();
    } else {
      expect(r.error, `cut at ${cut}`).toBeInstanceOf(InputError);
      expect(r.error!.offset, `cut at ${cut}`).toBe(cut === 0 ? 0 : exp.offset);
      expect(r.error!.message).not.toContain('\n');
      faults++;
    }
    expect(r.report.frames, `cut at ${cut}`).toBe(exp.frames);
  }
  return faults;
}

describe('a file that ends anywhere (every byte offset, in process through replay())', () => {
  it('zeek vxlan.pcap (1552 bytes, 10 records) cut at each of its 1553 offsets', async () => {
    // record starts from the record headers: 24, then + 16 + captured length
    const starts: number[] = [];
    for (let o = 24; o < REAL.length; o += 16 + REAL.readUInt32LE(o + 8)) starts.push(o);
    expect(starts).toHaveLength(10);
    const faults = await sweep(REAL, starts, new Set(starts), 24, 'pcap');
    expect(faults).toBe(REAL.length + 1 - 11); // all but the 10 record starts and the end (a cut at 0 is an empty file)
  });

  it('a pcapng (SHB, IDB, 3 EPBs) cut at each offset', async () => {
    const l = standardPcapng();
    const starts = [0, shb().length, ...l.records];
    const faults = await sweep(l.bytes, starts, new Set(l.records), 0, 'pcapng');
    expect(faults).toBe(l.bytes.length + 1 - 5); // all but the 4 block starts after the SHB and the end
  });
});
