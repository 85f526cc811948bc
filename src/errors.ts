/**
 * Control-plane errors with stable codes (DESIGN.md §4).
 *
 * The data plane never throws: it counts. Everything that can stop a command
 * (a bad flag, a bad config, a capture file we cannot read) is one of these,
 * and `cli.ts` prints `vxmon: <message>` on one line and exits with `exitCode`.
 * Codes are part of our interface: append, never rename.
 */

/** Process exit codes, documented in the README. */
export const ExitCode = {
  OK: 0,
  /** A bug or an unexpected failure (an exception we did not type). */
  INTERNAL: 1,
  /** Bad command line or configuration. */
  USAGE: 2,
  /** A capture file is missing, unreadable or malformed. */
  INPUT: 3,
  /** A capture device, a socket, or the web listen address could not be opened. */
  CAPTURE_OPEN: 4,
  /** An output (the report, flow records, the OpenMetrics file) could not be written: disk full, I/O error. */
  OUTPUT: 5,
} as const;

export type ErrorCode =
  | 'E_USAGE' // unknown command, unknown or malformed flag
  | 'E_CONFIG' // a configuration value is invalid
  | 'E_INPUT_OPEN' // a capture file cannot be opened or read (ENOENT, EACCES, EISDIR...)
  | 'E_INPUT_FORMAT' // a capture file is malformed (bad magic, cut record, bad block length...)
  | 'E_CAPTURE_OPEN' // a live capture source cannot be opened
  | 'E_LISTEN' // the web server cannot listen (address in use, not permitted)
  | 'E_OUTPUT'; // an output cannot be written (ENOSPC, EIO...); a reader that went away (EPIPE) is not one

export class VxmonError extends Error {
  readonly code: ErrorCode;
  readonly exitCode: number;
  constructor(code: ErrorCode, message: string, exitCode: number) {
    super(message);
    this.name = 'VxmonError';
    this.code = code;
    this.exitCode = exitCode;
  }
}

export class UsageError extends VxmonError {
  constructor(message: string) {
    super('E_USAGE', message, ExitCode.USAGE);
    this.name = 'UsageError';
  }
}

export class ConfigError extends VxmonError {
  constructor(message: string) {
    super('E_CONFIG', message, ExitCode.USAGE);
    this.name = 'ConfigError';
  }
}

/**
 * A capture file that cannot be opened or parsed. The message always names
 * the file; format errors also name the byte offset where the problem starts.
 */
export class InputError extends VxmonError {
  readonly file: string;
  /** Byte offset in the file where the problem starts; -1 when not applicable. */
  readonly offset: number;
  constructor(code: 'E_INPUT_OPEN' | 'E_INPUT_FORMAT', file: string, offset: number, problem: string) {
    super(code, offset >= 0 ? `${file}: at byte ${offset}: ${problem}` : `${file}: ${problem}`, ExitCode.INPUT);
    this.name = 'InputError';
    this.file = file;
    this.offset = offset;
  }
}

export class CaptureOpenError extends VxmonError {
  constructor(message: string) {
    super('E_CAPTURE_OPEN', message, ExitCode.CAPTURE_OPEN);
    this.name = 'CaptureOpenError';
  }
}

export class ListenError extends VxmonError {
  constructor(message: string) {
    super('E_LISTEN', message, ExitCode.CAPTURE_OPEN);
    this.name = 'ListenError';
  }
}

/** Writing an output failed after it was opened; the message names the output and the reason. */
export class OutputError extends VxmonError {
  constructor(message: string) {
    super('E_OUTPUT', message, ExitCode.OUTPUT);
    this.name = 'OutputError';
  }
}

/** The reason an output could not be opened or written, in words (the error's own message where it has none here). */
export function writeFailure(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code === 'EISDIR') return 'is a directory';
  if (code === 'ENOSPC') return 'no space left on the device';
  if (code === 'EDQUOT') return 'disk quota exceeded';
  if (code === 'EIO') return 'input/output error';
  if (code === 'EFBIG') return 'file too large';
  if (code === 'ENOENT') return 'no such directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EROFS') return 'read-only file system';
  return String((e as Error)?.message ?? e);
}
