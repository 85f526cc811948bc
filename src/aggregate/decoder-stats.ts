import { OUTCOME_COUNT, OUTCOME_NAMES, type OutcomeName } from '../decode/outcome.js';

/**
 * Frames by outcome: one Float64Array slot per outcome code (Arkime's way),
 * so the hot path does one indexed add. Float64 rather than Uint32 because a
 * long-running daemon passes 2^32 frames in hours at mirror rates; doubles
 * count exactly to 2^53.
 */
export class DecoderStats {
  readonly byOutcome = new Float64Array(OUTCOME_COUNT);

  count(outcome: number): void {
    this.byOutcome[outcome]++;
  }

  /** Every frame counted, whatever its outcome. */
  get frames(): number {
    let total = 0;
    for (let i = 0; i < OUTCOME_COUNT; i++) total += this.byOutcome[i];
    return total;
  }

  /** `{decoded: n, <reason>: n, ...}` with every reason present (zeros included), in code order. */
  outcomes(): Record<OutcomeName, number> {
    const out = {} as Record<OutcomeName, number>;
    for (let i = 0; i < OUTCOME_COUNT; i++) out[OUTCOME_NAMES[i]] = this.byOutcome[i];
    return out;
  }
}
