/**
 * Waiting in integration tests for something a process will do (say it
 * serves, reach a frame count): one polling loop with a deadline, instead of
 * a hand-written loop per test.
 */
import type { ChildProcess } from 'node:child_process';

export interface UntilOptions {
  /** Give up after this many milliseconds (default 10,000). */
  ms?: number;
  /** Pause between tries in milliseconds (default 100). */
  every?: number;
  /** Give up at once when this process has exited: what it was to do will not come. */
  child?: ChildProcess;
  /** Appended to the error when giving up (the process's output so far, say). */
  detail?: () => string;
}

/**
 * Calls `fn` until it returns something other than undefined, and returns
 * that. An error thrown by `fn` (a server still starting) counts as "not
 * yet". Throws "timed out waiting for WHAT" after `ms`, or "WHAT: the process
 * exited (code or signal)" as soon as `child` has.
 */
export async function until<T>(what: string, fn: () => T | undefined | Promise<T | undefined>, opts: UntilOptions = {}): Promise<T> {
  const deadline = Date.now() + (opts.ms ?? 10_000);
  const detail = () => (opts.detail ? `: ${opts.detail()}` : '');
  for (;;) {
    const v = await (async () => fn())().catch(() => undefined);
    if (v !== undefined) return v;
    const c = opts.child;
    if (c !== undefined && (c.exitCode !== null || c.signalCode !== null)) {
      throw new Error(`${what}: the process exited (${c.exitCode ?? c.signalCode})${detail()}`);
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${detail()}`);
    await new Promise((r) => setTimeout(r, opts.every ?? 100));
  }
}
