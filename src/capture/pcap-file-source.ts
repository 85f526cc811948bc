/**
 * Public entry points for offline capture input (classic pcap and pcapng).
 *
 * A regular file is read with `readSync` straight into the reader's reused
 * chunk buffer; anything else (standard input, a FIFO, a caller's stream) is
 * fed chunk by chunk through the same buffer and parser. Frames reach the
 * sink synchronously, during the walk of the chunk that holds them.
 */
import * as fs from 'node:fs';
import type { FrameSink } from './frame-source.js';
import { InputError } from '../errors.js';
import { CaptureReader, DEFAULT_CHUNK_SIZE } from './capture-reader.js';

export interface CaptureFileStats {
  format: 'pcap' | 'pcapng';
  frames: number;
  bytesRead: number;
  /** -1 for stdin and other streams. */
  fileSize: number;
  /** Distinct link types declared by the file (pcap header, pcapng IDBs), in order first seen. */
  linkTypes: number[];
}

export interface ReadOptions {
  /** Bytes per read and initial buffer size; default 512 KiB (DEFAULT_CHUNK_SIZE). */
  chunkSize?: number;
  /** Called at most once per chunk. */
  onProgress?: (bytesRead: number, fileSize: number) => void;
  /**
   * Aborting it ends the read early with ReadStopped: a regular file at its
   * next pause (every 16 MiB, about 20 ms at full speed), a stream at once,
   * even while it waits for input. Every frame delivered until then stays
   * delivered; a record cut by the stop is not one.
   */
  stop?: AbortSignal;
}

/** The read was ended by ReadOptions.stop (a signal, for `vxmon replay`), not by the end of the input. */
export class ReadStopped extends Error {
  constructor(readonly file: string) {
    super(`${file}: read stopped`);
  }
}

/**
 * A regular-file read loop does not return to the event loop by itself; let
 * timers, signals and HTTP scrapes run after about this many bytes.
 */
const YIELD_EVERY_BYTES = 16 * 1024 * 1024;

/** path '-' reads standard input (so `tcpdump -w - | vxmon replay -` works). */
export async function readCaptureFile(path: string, sink: FrameSink, opts: ReadOptions = {}): Promise<CaptureFileStats> {
  if (path === '-') return readCaptureStream(process.stdin, '-', sink, opts);
  // stat first: opening a FIFO for reading blocks until a writer appears, so
  // anything but a regular file is opened asynchronously, as a stream.
  let pre: fs.Stats;
  try {
    pre = fs.statSync(path);
  } catch (e) {
    throw openError(path, e);
  }
  if (pre.isDirectory()) throw new InputError('E_INPUT_OPEN', path, -1, 'is a directory');
  if (!pre.isFile()) return readCaptureStream(fs.createReadStream(path), path, sink, opts);
  let fd: number;
  try {
    fd = fs.openSync(path, 'r');
  } catch (e) {
    throw openError(path, e);
  }
  try {
    let st: fs.Stats;
    try {
      st = fs.fstatSync(fd);
    } catch (e) {
      throw openError(path, e);
    }
    if (!st.isFile()) throw new InputError('E_INPUT_OPEN', path, -1, 'changed while being opened (no longer a regular file)');
    const fileSize = st.size;
    const reader = new CaptureReader(path, sink, opts.chunkSize ?? DEFAULT_CHUNK_SIZE);
    const onProgress = opts.onProgress;
    const stop = opts.stop;
    let sinceYield = 0;
    for (;;) {
      let n: number;
      try {
        n = fs.readSync(fd, reader.buffer, reader.writeOffset, reader.room, null);
      } catch (e) {
        throw new InputError('E_INPUT_OPEN', path, -1, `read error after ${reader.bytesRead} bytes: ${describe(e)}`);
      }
      if (n === 0) break;
      reader.commit(n);
      if (onProgress !== undefined) onProgress(reader.bytesRead, fileSize);
      sinceYield += n;
      if (sinceYield >= YIELD_EVERY_BYTES) {
        sinceYield = 0;
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (stop?.aborted === true) throw new ReadStopped(path);
      }
    }
    const s = reader.finish();
    return { format: s.format, frames: s.frames, bytesRead: s.bytesRead, fileSize, linkTypes: s.linkTypes };
  } finally {
    fs.closeSync(fd);
  }
}

/** Same parser over any Readable (used for stdin and by tests). `name` is used in error messages. */
export async function readCaptureStream(
  stream: NodeJS.ReadableStream,
  name: string,
  sink: FrameSink,
  opts: ReadOptions = {},
): Promise<CaptureFileStats> {
  const reader = new CaptureReader(name, sink, opts.chunkSize ?? DEFAULT_CHUNK_SIZE);
  const onProgress = opts.onProgress;
  const stop = opts.stop;
  // A function, not a narrowed property: the flag changes while we await.
  const stopped = (): boolean => stop?.aborted === true;
  if (stopped()) throw new ReadStopped(name);
  const it = stream[Symbol.asyncIterator]();
  // A stream can keep us waiting for input indefinitely (a quiet `tcpdump -w -`):
  // a stop ends the wait by ending the stream.
  const onStop = () => (stream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
  stop?.addEventListener('abort', onStop, { once: true });
  try {
    for (;;) {
      let r: IteratorResult<string | Buffer>;
      try {
        r = await it.next();
      } catch (e) {
        if (stopped()) throw new ReadStopped(name);
        throw openError(name, e);
      }
      if (stopped()) throw new ReadStopped(name);
      if (r.done === true) break;
      const chunk: unknown = r.value;
      try {
        if (!(chunk instanceof Uint8Array)) {
          throw new TypeError(`${name}: stream yielded a ${typeof chunk}, expected Buffer chunks (do not set an encoding)`);
        }
        reader.feed(chunk);
      } catch (e) {
        await stopIterator(it);
        throw e;
      }
      if (onProgress !== undefined) onProgress(reader.bytesRead, -1);
    }
  } finally {
    stop?.removeEventListener('abort', onStop);
  }
  const s = reader.finish();
  return { format: s.format, frames: s.frames, bytesRead: s.bytesRead, fileSize: -1, linkTypes: s.linkTypes };
}

/** Ends a stream we stopped reading early (the Readable iterator destroys it). */
async function stopIterator(it: AsyncIterator<unknown>): Promise<void> {
  try {
    await it.return?.();
  } catch {
    // the parse error that brought us here is the one to report
  }
}

function openError(file: string, e: unknown): InputError {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  switch (code) {
    case 'ENOENT':
      return new InputError('E_INPUT_OPEN', file, -1, 'no such file');
    case 'EACCES':
    case 'EPERM':
      return new InputError('E_INPUT_OPEN', file, -1, 'permission denied');
    case 'EISDIR':
      return new InputError('E_INPUT_OPEN', file, -1, 'is a directory');
    case 'ENOTDIR':
      return new InputError('E_INPUT_OPEN', file, -1, 'a path component is not a directory');
    default:
      return new InputError('E_INPUT_OPEN', file, -1, `cannot read: ${describe(e)}`);
  }
}

function describe(e: unknown): string {
  if (e instanceof Error) {
    const code = (e as NodeJS.ErrnoException).code;
    return code !== undefined && !e.message.startsWith(code) ? `${code}: ${e.message}` : e.message;
  }
  return String(e);
}
