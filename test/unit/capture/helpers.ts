/**
 * Test helpers for the capture readers: hex fixtures, a recording sink, and
 * a way to read a byte array through the public stream entry point.
 */
import { Readable } from 'node:stream';
import type { FrameSink } from '../../../src/capture/frame-source.js';
import { type CaptureFileStats, type ReadOptions, readCaptureStream } from '../../../src/capture/pcap-file-source.js';
import { InputError } from '../../../src/errors.js';

/** Concatenate hex strings (whitespace ignored) into one Buffer. */
export function hex(...parts: string[]): Buffer {
  const s = parts.join('').replace(/\s+/g, '');
  if (!/^([0-9a-fA-F]{2})*$/.test(s)) throw new Error(`bad hex fixture: ${s}`);
  return Buffer.from(s, 'hex');
}

export interface Frame {
  sec: number;
  nsec: number;
  capLen: number;
  wireLen: number;
  linkType: number;
  /** The captured bytes, as hex. */
  data: string;
}

/** Records every frame, copying its bytes (the reader's buffer is reused). */
export class RecordingSink implements FrameSink {
  readonly frames: Frame[] = [];
  onFrame(buf: Buffer, offset: number, capturedLength: number, wireLength: number, tsSec: number, tsNsec: number, linkType: number): void {
    if (offset < 0 || offset + capturedLength > buf.length) throw new Error(`frame outside the buffer: ${offset}+${capturedLength} > ${buf.length}`);
    this.frames.push({
      sec: tsSec,
      nsec: tsNsec,
      capLen: capturedLength,
      wireLen: wireLength,
      linkType,
      data: buf.toString('hex', offset, offset + capturedLength),
    });
  }
}

export interface ReadResult {
  frames: Frame[];
  stats?: CaptureFileStats;
  error?: InputError;
}

/**
 * Read `bytes` with readCaptureStream, the stream yielding pieces of the
 * given sizes in turn (default: the whole array at once). A thrown InputError
 * is returned, anything else rethrown.
 */
export async function readBytes(bytes: Uint8Array, opts: ReadOptions & { pieces?: number[]; name?: string } = {}): Promise<ReadResult> {
  const sink = new RecordingSink();
  const chunks: Buffer[] = [];
  const sizes = opts.pieces ?? [bytes.length];
  let off = 0;
  for (let i = 0; off < bytes.length; i++) {
    const n = Math.max(1, sizes[i % sizes.length]);
    chunks.push(Buffer.from(bytes.subarray(off, off + n)));
    off += n;
  }
  const stream = Readable.from(chunks); // object mode: each piece arrives as its own chunk
  try {
    const stats = await readCaptureStream(stream, opts.name ?? 'test.pcap', sink, opts);
    return { frames: sink.frames, stats };
  } catch (e) {
    if (e instanceof InputError) return { frames: sink.frames, error: e };
    throw e;
  }
}

/** Like readBytes, but the read must fail: returns the error and the frames delivered before it. */
export async function readError(bytes: Uint8Array, opts: ReadOptions & { pieces?: number[]; name?: string } = {}): Promise<{ error: InputError; frames: Frame[] }> {
  const r = await readBytes(bytes, opts);
  if (r.error === undefined) throw new Error(`expected an InputError, got ${r.frames.length} frames and no error`);
  return { error: r.error, frames: r.frames };
}
