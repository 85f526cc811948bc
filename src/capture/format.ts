/**
 * What the chunk loop (capture-reader.ts) needs from a file-format parser,
 * and the limits every format shares.
 *
 * A parser walks the complete records that sit in `buf[pos, end)`, hands each
 * frame to the sink, and returns the position of the first record it could
 * not finish. It then sets `need` to the number of bytes that record needs,
 * counted from that position, so the loop knows how much to keep and whether
 * the buffer must grow. The walk allocates nothing per record.
 */
import { InputError } from '../errors.js';

export type CaptureFormat = 'pcap' | 'pcapng';

/** Largest captured length we accept for one frame (libpcap's MAXIMUM_SNAPLEN). */
export const MAX_CAPTURED_LENGTH = 262144;

/** Largest pcapng block we are willing to hold in memory. */
export const MAX_BLOCK_LENGTH = 16 * 1024 * 1024;

export interface FormatParser {
  readonly format: CaptureFormat;
  /** Frames delivered so far. */
  frames: number;
  /** Distinct link types declared by the file, in the order first seen. */
  readonly linkTypes: number[];
  /** Bytes the record at the position returned by the last `walk` needs. */
  need: number;
  /**
   * Deliver every complete record in `buf[pos, end)`; return the position of
   * the first byte not consumed. `base` is the file offset of `buf[0]`, used
   * only in error messages. `dv` views exactly `buf`.
   */
  walk(buf: Buffer, dv: DataView, pos: number, end: number, base: number): number;
  /** End of input with `tail` (> 0) unconsumed bytes at file offset `base`: build the error. */
  truncated(tail: number, base: number): InputError;
}

export function formatError(file: string, offset: number, problem: string): InputError {
  return new InputError('E_INPUT_FORMAT', file, offset, problem);
}

/** Bytes of padding that bring `n` up to a multiple of 4 (n is a uint32). */
export function pad4(n: number): number {
  return -n & 3;
}
