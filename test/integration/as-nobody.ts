/**
 * Running the CLI as user nobody from tests that run as root (setpriv,
 * util-linux): the least-privilege checks, and "permission denied" cases
 * that root, which reads any file, cannot produce itself.
 *
 * nobody must be able to reach dist/cli.js and the modules it loads. A
 * checkout under a private directory (a 0700 home or a mktemp -d, as a CI
 * runner may use) does not allow that, and the run would fail on the path
 * of the CLI instead of testing vxmon. cliForNobody() then runs a copy: a
 * world-readable temporary directory with dist/, package.json and the
 * production packages of package-lock.json (what `npm ci --omit=dev` would
 * install, about 10 MB). A test file that calls cliForNobody() removes
 * the copy with `afterAll(removeCliCopy)`.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = join(ROOT, 'dist/cli.js');

/** setpriv arguments for user nobody, group nogroup, no supplementary groups (capabilities: the caller's). */
export const AS_NOBODY = ['--reuid=nobody', '--regid=nogroup', '--clear-groups'];

/** Whether nobody can open `path` for reading, every directory above it included. */
function readableByNobody(path: string): boolean {
  const check = 'require("fs").accessSync(process.argv[1], require("fs").constants.R_OK)';
  return spawnSync('setpriv', [...AS_NOBODY, process.execPath, '-e', check, path]).status === 0;
}

let cli: string | undefined;
let copyDir: string | undefined;

/** Removes the copy cliForNobody() made, if it made one. */
export function removeCliCopy(): void {
  if (copyDir !== undefined) rmSync(copyDir, { recursive: true, force: true });
  copyDir = undefined;
  cli = undefined;
}

/** A dist/cli.js that nobody can run: the checkout's own when nobody can reach it, else a copy. */
export function cliForNobody(): string {
  if (cli !== undefined) return cli;
  if (readableByNobody(CLI)) return (cli = CLI);
  const dir = (copyDir = mkdtempSync(join(tmpdir(), 'vxmon-as-nobody-')));
  chmodSync(dir, 0o755);
  cpSync(join(ROOT, 'dist'), join(dir, 'dist'), { recursive: true });
  cpSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { dev?: boolean }>;
  };
  for (const [key, meta] of Object.entries(lock.packages)) {
    // Production and optional packages (cap, when it was built); optional ones may be absent.
    if (!key.startsWith('node_modules/') || meta.dev === true || !existsSync(join(ROOT, key))) continue;
    cpSync(join(ROOT, key), join(dir, key), { recursive: true });
  }
  const copy = join(dir, 'dist/cli.js');
  if (!readableByNobody(copy)) throw new Error(`user nobody cannot read ${copy} either (is ${tmpdir()} private?)`);
  return (cli = copy);
}
