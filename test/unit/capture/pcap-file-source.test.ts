/**
 * Public entry points: readCaptureFile on regular files (readSync path),
 * FIFOs and '-' (stream path), open errors, progress reporting, and constant
 * memory on a 64 MiB capture.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { FrameSink } from '../../../src/capture/frame-source.js';
import { ReadStopped, readCaptureFile, readCaptureStream } from '../../../src/capture/pcap-file-source.js';
import { InputError } from '../../../src/errors.js';
import { LE_FRAMES, BE_FRAMES, PCAP_US_LE, TWO_SECTIONS, classicFrames } from './fixtures.js';
import { RecordingSink } from './helpers.js';
import { AS_NOBODY, cliForNobody, removeCliCopy } from '../../integration/as-nobody.js';

afterAll(removeCliCopy);

vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  return { ...real, openSync: vi.fn(real.openSync) };
});

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vxmon-capture-'));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function tmpFile(name: string, bytes: Uint8Array): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, bytes);
  return p;
}

async function openErrorOf(p: string): Promise<InputError> {
  try {
    await readCaptureFile(p, new RecordingSink());
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('expected an InputError');
}

describe('readCaptureFile on regular files', () => {
  it('classic pcap: frames and totals', async () => {
    const p = tmpFile('us-le.pcap', PCAP_US_LE);
    const sink = new RecordingSink();
    const stats = await readCaptureFile(p, sink);
    expect(sink.frames).toEqual(classicFrames(1, 123456000, 999999000));
    expect(stats).toEqual({ format: 'pcap', frames: 3, bytesRead: 82, fileSize: 82, linkTypes: [1] });
  });

  it('pcapng: frames and totals', async () => {
    const p = tmpFile('two.pcapng', TWO_SECTIONS);
    const sink = new RecordingSink();
    const stats = await readCaptureFile(p, sink);
    expect(sink.frames).toEqual([...LE_FRAMES, ...BE_FRAMES]);
    expect(stats).toEqual({ format: 'pcapng', frames: 6, bytesRead: 416, fileSize: 416, linkTypes: [1, 228, 101, 113] });
  });

  it('every chunk size 1..64 reads the same frames through readSync', async () => {
    const a = tmpFile('chunks.pcap', PCAP_US_LE);
    const b = tmpFile('chunks.pcapng', TWO_SECTIONS);
    for (let chunkSize = 1; chunkSize <= 64; chunkSize++) {
      const sa = new RecordingSink();
      await readCaptureFile(a, sa, { chunkSize });
      expect(sa.frames, `chunkSize ${chunkSize}`).toEqual(classicFrames(1, 123456000, 999999000));
      const sb = new RecordingSink();
      await readCaptureFile(b, sb, { chunkSize });
      expect(sb.frames, `chunkSize ${chunkSize}`).toEqual([...LE_FRAMES, ...BE_FRAMES]);
    }
  });

  it('format errors name the file and the offset; earlier frames stay delivered', async () => {
    const p = tmpFile('cut.pcap', PCAP_US_LE.subarray(0, 62));
    const sink = new RecordingSink();
    const err = await readCaptureFile(p, sink).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).code).toBe('E_INPUT_FORMAT');
    expect((err as InputError).offset).toBe(44);
    expect((err as InputError).message).toBe(`${p}: at byte 44: record data cut at end of file: 4 of 6 captured bytes missing`);
    expect(sink.frames.length).toBe(1);
  });

  it('an empty file is a format error at offset 0', async () => {
    const p = tmpFile('empty.pcap', new Uint8Array(0));
    const err = await openErrorOf(p);
    expect(err.code).toBe('E_INPUT_FORMAT');
    expect(err.offset).toBe(0);
    expect(err.message).toBe(`${p}: at byte 0: empty file: no pcap or pcapng header`);
  });

  it('onProgress: once per chunk at most, monotonic, ends at the file size', async () => {
    const p = tmpFile('progress.pcapng', TWO_SECTIONS);
    const calls: Array<[number, number]> = [];
    await readCaptureFile(p, new RecordingSink(), { chunkSize: 100, onProgress: (r, s) => calls.push([r, s]) });
    expect(calls.length).toBeGreaterThanOrEqual(5); // 416 bytes, at most 100 per read
    expect(calls.length).toBeLessThanOrEqual(9);
    for (let i = 1; i < calls.length; i++) expect(calls[i][0]).toBeGreaterThan(calls[i - 1][0]);
    expect(calls[calls.length - 1]).toEqual([416, 416]);
    const one: Array<[number, number]> = [];
    await readCaptureFile(p, new RecordingSink(), { onProgress: (r, s) => one.push([r, s]) });
    expect(one).toEqual([[416, 416]]);
  });
});

describe('open errors', () => {
  it('missing file', async () => {
    const p = path.join(dir, 'does-not-exist.pcap');
    const err = await openErrorOf(p);
    expect(err.code).toBe('E_INPUT_OPEN');
    expect(err.offset).toBe(-1);
    expect(err.message).toBe(`${p}: no such file`);
  });

  it('a directory', async () => {
    const err = await openErrorOf(dir);
    expect(err.code).toBe('E_INPUT_OPEN');
    expect(err.offset).toBe(-1);
    expect(err.message).toBe(`${dir}: is a directory`);
  });

  it('permission denied (open fails with EACCES)', async () => {
    const p = tmpFile('secret.pcap', PCAP_US_LE);
    // Root reads any file, so make open itself fail as it does for other users.
    vi.mocked(fs.openSync).mockImplementationOnce(() => {
      throw Object.assign(new Error(`EACCES: permission denied, open '${p}'`), { code: 'EACCES' });
    });
    const err = await openErrorOf(p);
    expect(err.code).toBe('E_INPUT_OPEN');
    expect(err.offset).toBe(-1);
    expect(err.message).toBe(`${p}: permission denied`);
  });

  it('permission denied on a real mode-000 file, through the CLI as an unprivileged user', () => {
    // Root reads any file, so as root the CLI runs as nobody (setpriv, util-linux), with no capability.
    const p = tmpFile('mode000.pcap', PCAP_US_LE);
    fs.chmodSync(dir, 0o755);
    fs.chmodSync(p, 0o000);
    const asRoot = process.getuid?.() === 0;
    const argv = asRoot
      ? ['setpriv', ...AS_NOBODY, '--inh-caps=-all', '--bounding-set=-all', process.execPath, cliForNobody()]
      : [process.execPath, path.join(path.dirname(new URL(import.meta.url).pathname), '../../../dist/cli.js')];
    let status = 0;
    let stderr = '';
    try {
      execFileSync(argv[0], [...argv.slice(1), 'replay', p], { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
    } catch (e) {
      status = (e as { status: number }).status;
      stderr = (e as { stderr: string }).stderr;
    }
    expect(status).toBe(3);
    expect(stderr.trim().split('\n')).toEqual([`vxmon: ${p}: permission denied`]);
  });

  it('a stream that fails reports E_INPUT_OPEN', async () => {
    const failing = new Readable({
      read() {
        this.destroy(Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' }));
      },
    });
    const err = await readCaptureStream(failing, 'dev', new RecordingSink()).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).code).toBe('E_INPUT_OPEN');
    expect((err as InputError).message).toBe('dev: cannot read: EIO: i/o error, read');
  });
});

describe('non-regular inputs', () => {
  it("'-' reads standard input", async () => {
    const desc = Object.getOwnPropertyDescriptor(process, 'stdin')!;
    const pieces = [PCAP_US_LE.subarray(0, 5), PCAP_US_LE.subarray(5, 50), PCAP_US_LE.subarray(50)];
    Object.defineProperty(process, 'stdin', { value: Readable.from(pieces), configurable: true });
    try {
      const sink = new RecordingSink();
      const stats = await readCaptureFile('-', sink);
      expect(sink.frames).toEqual(classicFrames(1, 123456000, 999999000));
      expect(stats).toEqual({ format: 'pcap', frames: 3, bytesRead: 82, fileSize: -1, linkTypes: [1] });
    } finally {
      Object.defineProperty(process, 'stdin', desc);
    }
  });

  it("'-' errors are named '-'", async () => {
    const desc = Object.getOwnPropertyDescriptor(process, 'stdin')!;
    Object.defineProperty(process, 'stdin', { value: Readable.from([PCAP_US_LE.subarray(0, 54)]), configurable: true });
    try {
      const err = await openErrorOf('-');
      expect(err.message).toBe('-: at byte 44: record header cut at end of file: 6 of 16 bytes missing');
    } finally {
      Object.defineProperty(process, 'stdin', desc);
    }
  });

  it('a FIFO is read as a stream (fileSize -1)', async () => {
    const fifo = path.join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    // Both ends open asynchronously; a blocking open for reading would wait forever for this writer.
    const writer = fs.createWriteStream(fifo);
    writer.end(TWO_SECTIONS);
    const sink = new RecordingSink();
    const stats = await readCaptureFile(fifo, sink);
    expect(sink.frames).toEqual([...LE_FRAMES, ...BE_FRAMES]);
    expect(stats.fileSize).toBe(-1);
    expect(stats.bytesRead).toBe(416);
  });
});

describe('constant memory on a large file', () => {
  const RECORDS = 500_000;
  const CAPLEN = 112; // 16 + 112 = 128 bytes per record: 64 MiB of records
  let big: string;

  beforeAll(() => {
    big = path.join(dir, 'big.pcap');
    const fd = fs.openSync(big, 'w');
    const gh = Buffer.from('d4c3b2a1020004000000000000000000000004000100000000', 'hex').subarray(0, 24); // µs LE, snaplen 262144, Ethernet
    fs.writeSync(fd, gh);
    const batch = Buffer.alloc(8192 * 128);
    for (let i = 0; i < RECORDS; i += 8192) {
      const n = Math.min(8192, RECORDS - i);
      for (let j = 0; j < n; j++) {
        const o = j * 128;
        batch.writeUInt32LE(1700000000 + ((i + j) >>> 10), o); // seconds
        batch.writeUInt32LE((i + j) & 1023, o + 4); // microseconds
        batch.writeUInt32LE(CAPLEN, o + 8);
        batch.writeUInt32LE(CAPLEN + 1000, o + 12);
        batch.writeUInt32LE(i + j, o + 16); // record index as the first data bytes
      }
      fs.writeSync(fd, batch, 0, n * 128);
    }
    fs.closeSync(fd);
  });

  it('reads 64 MiB through one reused buffer without growing memory', async () => {
    let next = 0;
    let bad = 0;
    let firstBuf: Buffer | null = null;
    let otherBuffers = 0;
    const sink: FrameSink = {
      onFrame(buf, offset, capLen, wireLen, sec, nsec) {
        if (firstBuf === null) firstBuf = buf;
        else if (buf !== firstBuf) otherBuffers++;
        if (buf.readUInt32LE(offset) !== next || capLen !== CAPLEN || wireLen !== CAPLEN + 1000) bad++;
        if (sec !== 1700000000 + (next >>> 10) || nsec !== (next & 1023) * 1000) bad++;
        next++;
      },
    };
    const before = process.memoryUsage();
    let peakExternal = 0;
    let peakHeap = 0;
    const stats = await readCaptureFile(big, sink, {
      onProgress: () => {
        const m = process.memoryUsage();
        peakExternal = Math.max(peakExternal, m.arrayBuffers - before.arrayBuffers);
        peakHeap = Math.max(peakHeap, m.heapUsed - before.heapUsed);
      },
    });
    expect(stats.frames).toBe(RECORDS);
    expect(stats.fileSize).toBe(24 + RECORDS * 128);
    expect(next).toBe(RECORDS);
    expect(bad).toBe(0);
    expect(otherBuffers).toBe(0); // every frame came from the same 4 MiB chunk buffer
    expect(peakExternal).toBeLessThan(8 * 1024 * 1024); // one 4 MiB chunk, not the 64 MiB file
    expect(peakHeap).toBeLessThan(8 * 1024 * 1024);
  });
  it('stops at the next pause (16 MiB) once its stop signal is aborted, every frame before it whole', async () => {
    const stop = new AbortController();
    let next = 0;
    let bad = 0;
    const sink: FrameSink = {
      onFrame(buf, offset, capLen) {
        if (buf.readUInt32LE(offset) !== next || capLen !== CAPLEN) bad++;
        next++;
        if (next === 1000) stop.abort();
      },
    };
    const err = await readCaptureFile(big, sink, { stop: stop.signal }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReadStopped);
    expect((err as ReadStopped).file).toBe(big);
    expect(bad).toBe(0);
    // Aborted at record 1,000 (128 KiB in); the read goes on to the pause after 16 MiB of input,
    // i.e. at most 16 MiB + one 512 KiB chunk, and stops far short of the 500,000 records.
    expect(next).toBeGreaterThanOrEqual(1000);
    expect(next * 128).toBeLessThanOrEqual(16 * 1024 * 1024 + 512 * 1024);
  });

  it('a stream stops at once, even while it waits for input', async () => {
    const stop = new AbortController();
    const stream = new Readable({ read() {} }); // never ends by itself
    stream.push(PCAP_US_LE);
    const sink = new RecordingSink();
    const reading = readCaptureStream(stream, 'stdin', sink, { stop: stop.signal });
    await new Promise((r) => setTimeout(r, 50));
    expect(sink.frames).toEqual(classicFrames(1, 123456000, 999999000)); // all three, then it waits
    stop.abort();
    await expect(reading).rejects.toBeInstanceOf(ReadStopped);
  });
});
