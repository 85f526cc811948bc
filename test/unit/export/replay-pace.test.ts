import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { PACE_MAX, parsePace } from '../../../src/export/replay-pace.js';

describe('parsePace', () => {
  it.each([
    ['max', PACE_MAX],
    ['realtime', 1],
    ['1x', 1],
    ['2x', 2],
    ['0.5x', 0.5],
    ['.25x', 0.25],
    ['1000000x', 1e6],
  ])('%s is %d capture seconds per second', (text, speed) => {
    expect(parsePace(text)).toBe(speed);
  });

  it.each([['fast'], ['0x'], ['0.0x'], ['-2x'], ['2'], ['x'], ['1e3x'], ['2X'], [' 2x'], ['1000001x'], ['Infinityx'], ['']])('"%s" is a usage error', (text) => {
    expect(() => parsePace(text)).toThrow(UsageError);
    expect(() => parsePace(text)).toThrow(`--pace must be max, realtime or a speed such as 2x or 0.5x (above 0, at most 1000000x), not "${text}"`);
  });
});
