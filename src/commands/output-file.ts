import { openSync, statSync, type Stats } from 'node:fs';
import { OutputError, UsageError, writeFailure } from '../errors.js';

/**
 * An output named by a flag must not be one of the captures being replayed:
 * opening it for writing would empty the capture before it is read. Compared
 * by device and inode, so another name for the same file (a link, ./x) counts.
 */
export function refuseInputAsOutput(flag: string, path: string, inputs: readonly string[]): void {
  if (path === '-') return;
  let out: Stats;
  try {
    out = statSync(path);
  } catch {
    return; // not there yet: cannot be an input
  }
  for (const input of inputs) {
    if (input === '-') continue;
    let st: Stats;
    try {
      st = statSync(input);
    } catch {
      continue; // an input we cannot stat is reported when it is read
    }
    if (st.dev === out.dev && st.ino === out.ino) throw new UsageError(`replay: ${flag} ${path} is the capture ${input}: it would be emptied before it is read`);
  }
}

/** Opens (creates or empties) an output file named by a flag; a path we cannot write is a usage error naming it. */
export function openOutput(flag: string, path: string): number {
  try {
    return openSync(path, 'w');
  } catch (e) {
    throw new UsageError(`replay: ${flag} ${path}: cannot write: ${writeFailure(e)}`);
  }
}

/**
 * Writes the report to standard output or standard error and waits until it
 * is out. A reader that went away (`vxmon replay ... | head`: EPIPE) is not a
 * failure: what it did not read is dropped quietly, as for `--flows -`. Any
 * other failure (`> /dev/full`, a full disk) is an OutputError naming the
 * stream, never an unhandled 'error' event with a stack trace.
 */
export function writeReport(stream: NodeJS.WriteStream, name: string, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (e?: Error | null) => {
      if (settled) return;
      settled = true;
      if (!e || (e as NodeJS.ErrnoException).code === 'EPIPE') resolve();
      else reject(new OutputError(`${name}: cannot write the report: ${writeFailure(e)}`));
    };
    // Stays attached: a stream can report the same failure twice (the write's callback and 'error').
    stream.on('error', settle);
    try {
      stream.write(text, settle);
    } catch (e) {
      settle(e as Error); // a file or device written synchronously (SyncWriteStream) throws here
    }
  });
}
