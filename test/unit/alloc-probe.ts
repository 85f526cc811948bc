/**
 * Running an allocation probe (a `*-no-alloc.mjs` script) in a process of
 * its own and reading the JSON it prints.
 */
import { spawnSync } from 'node:child_process';
import { expect } from 'vitest';

/**
 * Optimizing compiles happen on the main thread, during the warm-up: with
 * the default background compiles, a loaded machine could still be running
 * unoptimized code (which boxes every uint32 of 2^31 or more) in the
 * measured loop, and the probe then saw garbage collections the optimized
 * code never causes (a CI flake).
 */
const PROBE_FLAGS = ['--expose-gc', '--no-concurrent-recompilation', '--no-concurrent-osr'];

/** Runs `node PROBE_FLAGS script ...args` (with `input` on stdin) and returns its JSON; it must exit 0 and print nothing on stderr. */
export function runAllocProbe<T = any>(script: string, args: string[], input?: string): T {
  const r = spawnSync(process.execPath, [...PROBE_FLAGS, script, ...args], { input, encoding: 'utf8', timeout: 120_000 });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout) as T;
}
