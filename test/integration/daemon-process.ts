/**
 * Starting `vxmon run` as a process for the flood, overload and kill tests,
 * and reading single samples from its /metrics text.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CLI = join(ROOT, 'dist/cli.js');

export interface Daemon {
  child: ChildProcess;
  webPort: number;
  /** stdout so far (JSON log lines). */
  out(): string;
  metrics(): Promise<string>;
}

/** Starts `vxmon run ARGS` with a web server on a free loopback port; resolves once it serves /metrics. */
export async function startDaemon(args: string[]): Promise<Daemon> {
  const child = spawn(process.execPath, [CLI, 'run', '--web.listen-address', '127.0.0.1:0', '--log.summary-interval', '0', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const deadline = Date.now() + 15_000;
  while (!/serving \/metrics/.test(out)) {
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error(`vxmon run did not start: ${out}${err}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const webPort = Number(/"address":"127\.0\.0\.1:(\d+)"/.exec(out)![1]);
  return {
    child,
    webPort,
    out: () => out,
    metrics: async () => {
      const r = await fetch(`http://127.0.0.1:${webPort}/metrics`);
      if (r.status !== 200) throw new Error(`/metrics answered ${r.status}`);
      return r.text();
    },
  };
}

/** The value of one series (`name{labels}` exactly as exposed), or undefined. */
export function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(series + ' '));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

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
