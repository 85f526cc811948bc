import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

/**
 * Outside tools some tests need (tshark, promtool, prometheus). Without one,
 * those tests are skipped with a message saying what to install, except under
 * CI (CI=true), where .ci/run installs them and a missing tool fails instead.
 */
export function hasTool(command: string, versionFlag = '--version'): boolean {
  return spawnSync(command, [versionFlag], { encoding: 'utf8' }).status === 0;
}

export const MUST_HAVE_TOOLS = process.env.CI === 'true';

/** Whether the libpcap binding (npm `cap`, an optional dependency) was built and loads. */
export function capBuilt(): boolean {
  try {
    createRequire(import.meta.url)('cap');
    return true;
  } catch {
    return false;
  }
}
