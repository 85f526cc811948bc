/**
 * Outcome is a const enum (tsc writes each code as a number at its use);
 * OUTCOME_NAMES carries the label values. The two lists must agree.
 */
import { describe, expect, it } from 'vitest';
import { OUTCOME_COUNT, OUTCOME_NAMES, Outcome } from '../../../src/decode/outcome.js';

describe('Outcome', () => {
  it('each member is named like its OUTCOME_NAMES entry, and the codes are 0 .. OUTCOME_COUNT - 1', () => {
    // vitest's transpiler emits the enum as an object (with reverse mappings for the numbers)
    const members = Object.entries(Outcome as unknown as Record<string, number | string>).filter(
      (e): e is [string, number] => typeof e[1] === 'number',
    );
    expect(members.length).toBe(OUTCOME_COUNT);
    for (const [name, code] of members) expect(OUTCOME_NAMES[code]).toBe(name.toLowerCase());
  });
});
