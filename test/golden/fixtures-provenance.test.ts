/**
 * The crafted captures' expected figures really come from tshark, and the
 * captures really come from our generator:
 *  - `make-fixtures.mjs --check` regenerates every crafted capture and fails
 *    if a committed one differs byte for byte;
 *  - each crafted capture is run through tshark again (pcaps/gen/oracle.py,
 *    the same command recorded in its oracle) and the figures must equal the
 *    committed `*.oracle.json`, so nobody can hand-edit an expected value.
 * tshark is an outside tool: without it the second check is skipped with a
 * message, except under CI (CI=true), where .ci/run installs it and a missing
 * tshark fails.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { hasTool, MUST_HAVE_TOOLS } from '../integration/tools.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CRAFTED = `${ROOT}pcaps/crafted/`;
const hasTshark = hasTool('tshark');
const mustHaveTools = MUST_HAVE_TOOLS;

/** The figures, without what describes the machine that ran tshark. */
function figures(oracle: Record<string, unknown>) {
  const { generated_by: _g, tshark_stderr: _s, crosscheck, ...rest } = oracle;
  return { ...rest, crosscheck: JSON.parse(JSON.stringify(crosscheck ?? {}).replaceAll(/"command":"[^"]*"/g, '"command":""')) };
}

describe('crafted captures: provenance', () => {
  it('the generator reproduces every committed crafted capture byte for byte', () => {
    const r = spawnSync(process.execPath, [`${ROOT}pcaps/gen/make-fixtures.mjs`, '--check'], { encoding: 'utf8', timeout: 120_000 });
    expect(r.status, r.stdout + r.stderr).toBe(0);
  });

  const captures = readdirSync(CRAFTED).filter((f) => /\.(pcap|pcapng)$/.test(f));
  it('there are crafted captures to check', () => expect(captures.length).toBeGreaterThan(10));

  if (!hasTshark && mustHaveTools) {
    it('tshark is installed (CI=true requires it)', () => expect(hasTshark).toBe(true));
  } else if (!hasTshark) {
    it.skip('tshark not installed: apt-get install tshark to check the crafted oracles', () => {});
  } else {
    for (const file of captures) {
      it(`tshark today agrees with the committed oracle of ${file}`, () => {
        const r = spawnSync('python3', [`${ROOT}pcaps/gen/oracle.py`, `${CRAFTED}${file}`], {
          encoding: 'utf8',
          timeout: 60_000,
          cwd: ROOT,
          maxBuffer: 64 * 1024 * 1024,
        });
        expect(r.status, r.stderr).toBe(0);
        const fresh = JSON.parse(r.stdout);
        const committed = JSON.parse(readFileSync(`${CRAFTED}${file}.oracle.json`, 'utf8'));
        expect(figures(fresh)).toEqual(figures(committed));
      });
    }
  }
});
