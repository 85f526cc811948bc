/**
 * Starting `vxmon run` as a process for the flood, overload and kill tests,
 * and reading single samples from its /metrics text.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { until } from './until.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CLI = join(ROOT, 'dist/cli.js');

export interface Daemon {
  child: ChildProcess;
  webPort: number;
  /** stdout so far (JSON log lines). */
  out(): string;
  /** stderr so far. */
  err(): string;
  metrics(): Promise<string>;
}

/** The web port of the log line that says vxmon serves /metrics (not any other "address" it logs, such as a UDP socket's). */
const SERVING = /"address":"127\.0\.0\.1:(\d+)"[^\n]*"msg":"serving \/metrics"/;

/** Starts `vxmon run ARGS` with a web server on a free loopback port; resolves once it serves /metrics. */
export function startDaemon(args: string[]): Promise<Daemon> {
  return attachDaemon(
    spawn(process.execPath, [CLI, 'run', '--web.listen-address', '127.0.0.1:0', '--log.summary-interval', '0', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
}

/**
 * A `vxmon run` the caller spawned (as another user, from another tree, with
 * a config file...) with stdout and stderr piped: resolves once it logs that
 * it serves /metrics on a 127.0.0.1 port; kills it and throws if it exits or
 * has not said so within 15 s.
 */
export async function attachDaemon(child: ChildProcess): Promise<Daemon> {
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  let webPort: number;
  try {
    webPort = Number(
      await until('vxmon run to serve /metrics', () => SERVING.exec(out)?.[1], { ms: 15_000, every: 50, child, detail: () => out + err }),
    );
  } catch (e) {
    child.kill('SIGKILL');
    throw e;
  }
  return {
    child,
    webPort,
    out: () => out,
    err: () => err,
    metrics: async () => {
      const r = await fetch(`http://127.0.0.1:${webPort}/metrics`);
      if (r.status !== 200) throw new Error(`/metrics answered ${r.status}`);
      return r.text();
    },
  };
}

/** The value of one series (`name{labels}` exactly as exposed), or undefined. */
export { sample } from './exposition.js';

/** Sum of every sample of a metric name, whatever its labels. */
export function sumOf(text: string, name: string): number {
  let total = 0;
  for (const l of text.split('\n')) {
    if (l.startsWith(name + '{') || l.startsWith(name + ' ')) total += Number(l.slice(l.lastIndexOf(' ') + 1));
  }
  return total;
}

export async function stopDaemon(d: Daemon, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  if (d.child.exitCode !== null) return d.child.exitCode;
  const done = new Promise<number | null>((r) => d.child.once('exit', (code) => r(code)));
  d.child.kill(signal);
  return done;
}
