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

/** What every allocation probe prints about its measured run (alloc-probe-support.mjs). */
export interface AllocFigures {
  gcDuringLoop: number;
  heapGrowthDuringLoop: number;
  youngGrowthDuringLoop: number;
}

/**
 * Young-generation growth allowed over a measured run of 1 M frames: 256 KiB. Every short-lived
 * object lands there first, and none is collected in the run (gcDuringLoop is 0), so one 16-byte
 * object per frame would be 16 MB here and one per 64 frames 256 KiB. Measured after the warm-up:
 * 3.4-3.7 KB without sessions, 70 KB with them and with the frame queue (the few functions that
 * reach the optimizing compiler only inside the run), the same on every run.
 */
export const YOUNG_GROWTH_BOUND = 256 * 1024;

/**
 * Whole-heap growth allowed: 4 MiB, a net for a leak V8 might place straight in old space. The
 * rest of the heap grows with code, feedback and deoptimization data, however late the compiler
 * works (16-250 KB measured, more on a loaded machine), and says nothing about allocation per
 * frame: bounding it at 256 KiB made a CI run fail at 331 KB with no allocation at all.
 */
export const HEAP_GROWTH_BOUND = 4 * 1024 * 1024;

/** The measured run allocated nothing per frame: no collection, young generation flat, no leak. */
export function expectNoAllocation(r: AllocFigures): void {
  expect(r.gcDuringLoop).toBe(0);
  expect(r.youngGrowthDuringLoop).toBeLessThan(YOUNG_GROWTH_BOUND);
  expect(r.heapGrowthDuringLoop).toBeLessThan(HEAP_GROWTH_BOUND);
}
